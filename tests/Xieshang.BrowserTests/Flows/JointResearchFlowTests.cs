using System.Text.RegularExpressions;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xieshang.BrowserTests.Support;
using Xieshang.Tests.Support;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.BrowserTests.Flows;

/// <summary>
/// Same-topic research (同题调研, issue 6 §2, §6) in a real Chromium: the city (staff.520200, desktop) sets the topic and
/// invites 钟山区 and 水城区; each district's staff join on the board, fill their sub-project's team, submit the plan, which
/// the district's leader approves on a phone; staff write the report with findings and suggestions and submit it, the
/// leader approves it, staff send it and share it with the sibling (who sees it only then); the city's board shows both
/// sub-projects side by side, and the combined .docx quotes both districts' findings in committee-code order.
/// Screenshots joint-research-*.png.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class JointResearchFlowTests(BrowserFixture browser)
{
    private const string Topic = "巩固提升农村供水保障水平";
    private const string SecondLeader = "leader.520204";

    /// <summary>One district's part: its codes and accounts, the team (member ids and names), and what its report says.</summary>
    private sealed record District(string Code, string Name, string Staff, string Leader, int LeaderId, string LeaderName, int AuthorId, string AuthorName,
        int[] MemberIds, string Findings, string Suggestions);

    private static async Task SignInAsync(IPage page, string userName)
    {
        await page.GotoAsync("/account/login");
        await page.GetByLabel("用户名").FillAsync(userName);
        await page.GetByLabel("密码").FillAsync(AppFactory.DemoPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await Expect(page).Not.ToHaveURLAsync(new Regex("/account/login"));
    }

    private static IServiceProvider Services(AppDbContext db) =>
        db.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()!.ApplicationServiceProvider!;

    /// <summary>Active members of committee <paramref name="code"/> (id and name), skipping <paramref name="skip"/>.</summary>
    private static Task<List<(int Id, string Name)>> MembersAsync(AppDbContext db, string code, int skip, int take) =>
        db.Members.Where(m => m.Committee!.Code == code && m.IsActive).OrderBy(m => m.Id).Skip(skip).Take(take)
            .Select(m => new { m.Id, m.Name }).ToListAsync().ContinueWith(t => t.Result.Select(m => (m.Id, m.Name)).ToList());

    /// <summary>A leader account of 水城区 (the demo has leaders of the city and 钟山区 only), the city's team, and the districts' teams and texts.</summary>
    private Task<(int CityLeader, int CityAuthor, District Zhongshan, District Shuicheng)> SetUpAsync() => browser.WithDbAsync(async db =>
    {
        var users = Services(db).GetRequiredService<UserManager<AppUser>>();
        if (await users.FindByNameAsync(SecondLeader) is null)
        {
            var c = await db.Committees.FirstAsync(x => x.Code == "520204");
            var user = new AppUser { UserName = SecondLeader, DisplayName = "水城区政协秘书长", CommitteeId = c.Id };
            Assert.True((await users.CreateAsync(user, AppFactory.DemoPassword)).Succeeded);
            await users.AddToRoleAsync(user, Roles.Leader);
        }
        var city = await MembersAsync(db, "520200", 10, 2);
        var zs = await MembersAsync(db, "520201", 10, 4);
        var sc = await MembersAsync(db, "520204", 10, 4);
        return (city[0].Id, city[1].Id,
            new District("520201", "钟山区政协", "staff.520201", "leader.520201", zs[0].Id, zs[0].Name, zs[1].Id, zs[1].Name, [zs[2].Id, zs[3].Id],
                "钟山区城区管网漏损率约 18%，老旧小区二次供水设施老化；大湾镇等山区村寨枯水期仍靠拉水。",
                "实施城区老旧管网改造三年行动；在大湾镇、保华镇建设小型水源工程，枯水期由镇村统一调度送水。"),
            new District("520204", "水城区政协", "staff.520204", SecondLeader, sc[0].Id, sc[0].Name, sc[1].Id, sc[1].Name, [sc[2].Id, sc[3].Id],
                "水城区分散式供水工程占比高，约三成村级水厂无专人管护；水质检测覆盖不到乡镇一级。",
                "推行“区级统管、镇级监管、村级管护”模式；每个乡镇配备水质快检设备，检测结果按月公开。"));
    });

    [Fact]
    public async Task The_city_sets_a_same_topic_research_two_districts_join_and_report_and_the_city_combines_them()
    {
        var (cityLeader, cityAuthor, zhongshan, shuicheng) = await SetUpAsync();

        // The city sets the topic (a research project with its own team) and invites 钟山区 and 水城区 from its board.
        await using var cityContext = await browser.NewContextAsync(BrowserFixture.Desktop);
        var city = await cityContext.NewPageAsync();
        await SignInAsync(city, "staff.520200");
        await city.GotoAsync("/research/new");
        await city.GetByLabel("调研课题").FillAsync(Topic);
        await city.GetByLabel("调研", new() { Exact = true }).CheckAsync();
        await Expect(city.GetByLabel("六盘水市政协", new() { Exact = true })).ToBeCheckedAsync();
        await city.Locator("#leader").SelectOptionAsync(cityLeader.ToString());
        await city.Locator("#author").SelectOptionAsync(cityAuthor.ToString());
        await city.GetByLabel("背景和目的").FillAsync("全市农村供水工程点多面广，部分山区村寨枯水期仍存在季节性缺水。市政协确定同题调研，请各区县政协同步开展，形成合力。");
        await city.GetByLabel("调研方案", new() { Exact = true }).FillAsync("一、调研时间：第三季度。\n二、调研方式：走访、座谈、问卷。\n三、各区县子课题报告于季度末前审定报送。");
        await browser.ScreenshotAsync(city, "joint-research-new");
        await city.GetByRole(AriaRole.Button, new() { Name = "立项" }).ClickAsync();
        await Expect(city).ToHaveURLAsync(new Regex(@"/research/\d+$"));
        var parentId = int.Parse(Regex.Match(city.Url, @"/research/(\d+)$").Groups[1].Value);
        await city.GetByRole(AriaRole.Link, new() { Name = "发起同题调研（邀请下级政协）" }).ClickAsync();
        await Expect(city).ToHaveURLAsync(new Regex($@"/research/{parentId}/joint$"));
        await city.GetByText("邀请下级政协参加").ClickAsync();
        await city.Locator("#inv-520201").CheckAsync();
        await city.Locator("#inv-520204").CheckAsync();
        await browser.ScreenshotAsync(city, "joint-research-invite");
        await city.GetByRole(AriaRole.Button, new() { Name = "发送邀请" }).ClickAsync();
        await Expect(city.GetByRole(AriaRole.Status)).ToHaveTextAsync("已发送邀请，受邀单位的工作人员已收到通知。");
        var invitations = city.Locator("li.list-group-item", new() { HasText = "政协" });
        await Expect(invitations.Filter(new() { HasText = "钟山区政协" })).ToContainTextAsync("已邀请");
        await Expect(invitations.Filter(new() { HasText = "水城区政协" })).ToContainTextAsync("已邀请");
        await browser.ScreenshotAsync(city, "joint-research-invited");

        // Each district: staff join, set the team, submit the plan; the leader approves it; staff write, submit, the
        // leader approves, staff send. 钟山区 shares at once; 水城区 only after we check that 钟山区 cannot see its report yet.
        var zsSub = await DistrictAsync(parentId, zhongshan, screenshots: true);
        await ShareAsync(parentId, zhongshan, zsSub);
        var scSub = await DistrictAsync(parentId, shuicheng, screenshots: false);

        await using var zsContext = await browser.NewContextAsync(BrowserFixture.Desktop);
        var zsStaff = await zsContext.NewPageAsync();
        await SignInAsync(zsStaff, zhongshan.Staff);
        await zsStaff.GotoAsync($"/research/{parentId}/joint");
        await Expect(zsStaff.Locator("article", new() { HasText = zhongshan.Findings })).ToHaveCountAsync(1);
        await Expect(zsStaff.Locator("article", new() { HasText = shuicheng.Findings })).ToHaveCountAsync(0);
        Assert.DoesNotContain(shuicheng.Findings, await zsStaff.ContentAsync());
        await ShareAsync(parentId, shuicheng, scSub);
        await zsStaff.ReloadAsync();
        await Expect(zsStaff.Locator("article", new() { HasText = shuicheng.Findings })).ToHaveCountAsync(1);
        await browser.ScreenshotAsync(zsStaff, "joint-research-sibling-shared");

        // The city's board: both sub-projects side by side (committee-code order), report sent and shared, the collected findings.
        await city.GotoAsync($"/research/{parentId}/joint");
        var rows = city.Locator("table.xs-joint-board tbody tr");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(rows.Nth(0).Locator("th")).ToContainTextAsync("钟山区政协");
        await Expect(rows.Nth(1).Locator("th")).ToContainTextAsync("水城区政协");
        foreach (var i in new[] { 0, 1 })
        {
            await Expect(rows.Nth(i)).ToContainTextAsync("已报送");
            await Expect(rows.Nth(i)).ToContainTextAsync("已共享");
            await Expect(rows.Nth(i)).ToContainTextAsync("调研组 5 人");
        }
        await Expect(rows.Nth(0).GetByRole(AriaRole.Link, new() { Name = "钟山区政协" })).ToHaveAttributeAsync("href", $"/research/{zsSub}");
        await Expect(rows.Nth(1).GetByRole(AriaRole.Link, new() { Name = "水城区政协" })).ToHaveAttributeAsync("href", $"/research/{scSub}");
        var reports = city.Locator("article");
        await Expect(reports).ToHaveCountAsync(2);
        await Expect(reports.Nth(0)).ToContainTextAsync(zhongshan.Findings);
        await Expect(reports.Nth(0)).ToContainTextAsync(zhongshan.Suggestions);
        await Expect(reports.Nth(1)).ToContainTextAsync(shuicheng.Findings);
        await Expect(reports.Nth(1)).ToContainTextAsync(shuicheng.Suggestions);
        await browser.ScreenshotAsync(city, "joint-research-board");
        // The same board on a phone fits the screen (the progress table scrolls inside its own box).
        await using (var cityPhoneContext = await browser.NewContextAsync(BrowserFixture.Phone))
        {
            var cityPhone = await cityPhoneContext.NewPageAsync();
            await SignInAsync(cityPhone, "staff.520200");
            await browser.ScreenshotAtAsync(cityPhone, $"/research/{parentId}/joint", "joint-research-board");
            await Expect(cityPhone.Locator("table.xs-joint-board tbody tr")).ToHaveCountAsync(2);
            // No header or committee name is squeezed into one character per line: every header cell stays one line high,
            // and the committee column stays in view while the table scrolls sideways.
            var tall = await cityPhone.EvaluateAsync<string[]>("() => [...document.querySelectorAll('table.xs-joint-board th')]"
                + ".filter(th => th.getBoundingClientRect().height > 48).map(th => th.textContent.trim())");
            Assert.Empty(tall);
            var pinned = await cityPhone.EvaluateAsync<bool>("() => { const w = document.querySelector('table.xs-joint-board').parentElement;"
                + " const th = w.querySelector('tbody th'); const before = th.getBoundingClientRect().left; w.scrollLeft = 200;"
                + " return w.scrollLeft > 0 && Math.abs(th.getBoundingClientRect().left - before) < 1; }");
            Assert.True(pinned, "the progress table does not scroll sideways with its committee column in view");
            await browser.ScreenshotAsync(cityPhone, "joint-research-board-scrolled");
        }

        // The combined report (.docx): both districts' findings and suggestions, 钟山区 (520201) before 水城区 (520204).
        var download = await city.RunAndWaitForDownloadAsync(() => city.GetByRole(AriaRole.Link, new() { Name = "下载综合报告（Word）" }).ClickAsync());
        Assert.EndsWith(".docx", download.SuggestedFilename);
        var path = Path.Combine(Path.GetTempPath(), $"joint-{parentId}-{Guid.NewGuid():N}.docx");
        await download.SaveAsAsync(path);
        try
        {
            List<string> paragraphs;
            using (var doc = WordprocessingDocument.Open(path, false))
                paragraphs = doc.MainDocumentPart!.Document.Body!.Descendants<Paragraph>().Select(p => p.InnerText).ToList();
            var text = string.Join("\n", paragraphs);
            Assert.Contains($"关于{Topic}的同题调研综合报告", paragraphs);
            Assert.DoesNotContain(paragraphs, p => p.Contains("关于“", StringComparison.Ordinal) && p.Contains("同题调研综合报告", StringComparison.Ordinal));
            int At(string s)
            {
                var i = paragraphs.FindIndex(p => p.Contains(s, StringComparison.Ordinal));
                Assert.True(i >= 0, $"“{s}” is not in the combined report:\n{text}");
                return i;
            }
            var zsHead = At("（一）钟山区政协");
            var scHead = At("（二）水城区政协");
            Assert.True(zsHead < At(zhongshan.Findings) && At(zhongshan.Findings) < At(zhongshan.Suggestions) && At(zhongshan.Suggestions) < scHead,
                "钟山区's findings and suggestions belong to its own section, before 水城区's:\n" + text);
            Assert.True(scHead < At(shuicheng.Findings) && At(shuicheng.Findings) < At(shuicheng.Suggestions), "水城区's section:\n" + text);
            Assert.Contains("尚未报送调研报告的单位：无。", paragraphs);
            Assert.Contains("共邀请或组织 2 个政协组织参加，2 个设立了子课题，2 个已形成经审定的调研报告。", paragraphs);
        }
        finally { File.Delete(path); }
    }

    /// <summary>One district's sub-project from joining to sending; returns the sub-project's id.</summary>
    private async Task<int> DistrictAsync(int parentId, District d, bool screenshots)
    {
        await using var staffContext = await browser.NewContextAsync(BrowserFixture.Desktop);
        var staff = await staffContext.NewPageAsync();
        await SignInAsync(staff, d.Staff);

        // Join on the board, leaving the team for the sub-project's page.
        await staff.GotoAsync($"/research/{parentId}/joint");
        var invitation = staff.Locator("li.list-group-item", new() { HasText = d.Name });
        await Expect(invitation).ToContainTextAsync("已邀请");
        await Expect(invitation.GetByLabel("组长")).ToHaveValueAsync("");
        if (screenshots) await browser.ScreenshotAsync(staff, "joint-research-district-invited");
        await invitation.GetByRole(AriaRole.Button, new() { Name = "参加并设立子课题" }).ClickAsync();
        await Expect(staff.GetByRole(AriaRole.Status)).ToHaveTextAsync("已参加，本级子课题已设立。");
        await staff.Locator("table.xs-joint-board").GetByRole(AriaRole.Link, new() { Name = d.Name }).ClickAsync();
        await Expect(staff).ToHaveURLAsync(new Regex(@"/research/\d+$"));
        var subId = int.Parse(Regex.Match(staff.Url, @"/research/(\d+)$").Groups[1].Value);
        Assert.NotEqual(parentId, subId);
        await Expect(staff.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(Topic);
        await Expect(staff.Locator("#team")).ToContainTextAsync("尚未组成调研组。");

        // The team: leader, author, two members, a staff name.
        await staff.Locator("#t-leader").SelectOptionAsync(d.LeaderId.ToString());
        await staff.Locator("#t-author").SelectOptionAsync(d.AuthorId.ToString());
        await staff.Locator("#t-members").SelectOptionAsync(d.MemberIds.Select(i => i.ToString()).ToArray());
        await staff.Locator("#t-staff").FillAsync("陈秘书");
        await staff.GetByRole(AriaRole.Button, new() { Name = "保存调研组" }).ClickAsync();
        await Expect(staff.Locator("#team li")).ToHaveCountAsync(5);
        await Expect(staff.Locator("#team li", new() { HasText = d.LeaderName })).ToContainTextAsync("组长");
        await Expect(staff.Locator("#team li", new() { HasText = d.AuthorName })).ToContainTextAsync("执笔人");

        // The plan, submitted by staff.
        await staff.Locator("#plan-text").FillAsync($"{d.Name}子课题：走访 3 个乡镇的供水工程，召开 1 次座谈会，发放问卷 200 份。");
        await staff.GetByRole(AriaRole.Button, new() { Name = "提交调研方案" }).ClickAsync();
        await Expect(staff.GetByText("方案待审批", new() { Exact = true }).First).ToBeVisibleAsync();
        if (screenshots) await browser.ScreenshotAsync(staff, "joint-research-sub-plan");

        // The district's leader approves the plan on a phone.
        await using var leaderContext = await browser.NewContextAsync(BrowserFixture.Phone);
        var leader = await leaderContext.NewPageAsync();
        await SignInAsync(leader, d.Leader);
        await leader.GotoAsync($"/research/{subId}");
        await leader.GetByRole(AriaRole.Button, new() { Name = "批准调研方案" }).ClickAsync();
        await Expect(leader.GetByText("方案已批准", new() { Exact = true }).First).ToBeVisibleAsync();
        if (screenshots)
        {
            await browser.ScreenshotAsync(leader, "joint-research-plan-approved");
            await BrowserFixture.AssertNoHorizontalOverflowAsync(leader);
        }

        // Staff write the report with findings and suggestions, then submit it.
        await staff.ReloadAsync();
        await staff.Locator("#r-title").FillAsync($"{d.Name}关于{Topic}的调研报告");
        await staff.Locator("#r-body").FillAsync($"{d.Name}调研组走访了 3 个乡镇的集中供水工程和分散供水点，召开座谈会 1 次，回收问卷 186 份。");
        await staff.Locator("#r-findings").FillAsync(d.Findings);
        await staff.Locator("#r-suggestions").FillAsync(d.Suggestions);
        await staff.GetByRole(AriaRole.Button, new() { Name = "保存报告" }).ClickAsync();
        await Expect(staff.GetByRole(AriaRole.Status)).ToHaveTextAsync("报告已保存。");
        await Expect(staff.Locator("#r-findings")).ToHaveValueAsync(d.Findings);
        if (screenshots) await browser.ScreenshotAsync(staff, "joint-research-report-draft");
        await staff.GetByRole(AriaRole.Button, new() { Name = "提交报告" }).ClickAsync();
        await Expect(staff.Locator("#report")).ToContainTextAsync("已提交待审");

        // The leader approves the report.
        await leader.ReloadAsync();
        await Expect(leader.Locator("#report")).ToContainTextAsync(d.Findings);
        await leader.GetByRole(AriaRole.Button, new() { Name = "审定报告" }).ClickAsync();
        await Expect(leader.Locator("#report")).ToContainTextAsync("已审定");
        if (screenshots)
        {
            await browser.ScreenshotAsync(leader, "joint-research-report-approved");
            await BrowserFixture.AssertNoHorizontalOverflowAsync(leader);
        }

        // Staff send it to the city.
        await staff.ReloadAsync();
        await staff.GetByLabel("报送单位").FillAsync("六盘水市政协");
        await staff.GetByRole(AriaRole.Button, new() { Name = "报送报告" }).ClickAsync();
        await Expect(staff.Locator("#report")).ToContainTextAsync("已报送");
        await Expect(staff.Locator("#report")).ToContainTextAsync("（报送：六盘水市政协）");
        if (screenshots) await browser.ScreenshotAsync(staff, "joint-research-report-sent");
        return subId;
    }

    /// <summary>The district's staff share the sent report with the siblings from the board.</summary>
    private async Task ShareAsync(int parentId, District d, int subId)
    {
        await using var context = await browser.NewContextAsync(BrowserFixture.Desktop);
        var staff = await context.NewPageAsync();
        await SignInAsync(staff, d.Staff);
        await staff.GotoAsync($"/research/{parentId}/joint");
        var row = staff.Locator("table.xs-joint-board tbody tr", new() { Has = staff.Locator($"a[href='/research/{subId}']") });
        await row.GetByRole(AriaRole.Button, new() { Name = "向兄弟单位共享报告" }).ClickAsync();
        await Expect(staff.GetByRole(AriaRole.Status)).ToHaveTextAsync("报告已向兄弟单位共享。");
        await Expect(row).ToContainTextAsync("已共享");
    }
}

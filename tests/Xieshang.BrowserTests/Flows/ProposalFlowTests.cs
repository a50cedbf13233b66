using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xieshang.BrowserTests.Support;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Proposals;
using Xieshang.Web.Infrastructure;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.BrowserTests.Flows;

/// <summary>
/// The proposal flow of issue 4 in a real Chromium: a member writes a proposal on a phone and sees earlier proposals on the
/// same matter appear in the 相似提案 panel while typing, adds a co-signer and submits; the co-signer signs; the office
/// files it and assigns it to 六盘水市教育局 (520200.edu); the unit logs its contact with the proposer and replies; the
/// member rates the reply. Screenshots proposal-*.png at each step.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ProposalFlowTests(BrowserFixture browser)
{
    private const string CoSignerAccount = "member.520200.cosign";
    private const string UnitCode = "520200.edu";

    private static async Task SignInAsync(IPage page, string userName)
    {
        await page.GotoAsync("/account/login");
        await page.GetByLabel("用户名").FillAsync(userName);
        await page.GetByLabel("密码").FillAsync(AppFactory.DemoPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await Expect(page).Not.ToHaveURLAsync(new Regex("/account/login"));
    }

    /// <summary>The app's services, from the context the fixture hands out (the test app's own provider).</summary>
    private static IServiceProvider Services(AppDbContext db) =>
        db.GetService<IDbContextOptions>().FindExtension<Microsoft.EntityFrameworkCore.Infrastructure.CoreOptionsExtension>()!.ApplicationServiceProvider!;

    /// <summary>
    /// What the flow needs and the demo may not have yet: a session open for between-session proposals, the unit
    /// 520200.edu with its account, a co-signer's account, and two filed proposals on school meals with replies (the
    /// similar panel's matches); then the similar index is brought up to date (the tests run without background jobs).
    /// Returns the co-signer's name and the unit's name.
    /// </summary>
    private Task<(string CoSigner, string Unit)> SetUpAsync() => browser.WithDbAsync(async db =>
    {
        var sp = Services(db);
        var c = await db.Committees.FirstAsync(x => x.Code == "520200");
        var today = ChinaTime.DayOf(DateTimeOffset.UtcNow);
        if (!await db.ProposalSessions.AnyAsync(s => s.CommitteeId == c.Id && s.OpensOn <= today))
        {
            db.ProposalSessions.Add(new ProposalSession { CommitteeId = c.Id, Term = 9, Session = 2, Year = today.Year, OpensOn = new DateOnly(today.Year, 1, 1), ClosesOn = new DateOnly(today.Year, 1, 20) });
            await db.SaveChangesAsync();
        }
        var unit = await db.HandlingUnits.FirstOrDefaultAsync(u => u.Code == UnitCode);
        if (unit is null)
        {
            db.HandlingUnits.Add(unit = new HandlingUnit { Code = UnitCode, Name = "六盘水市教育局", CommitteeId = c.Id, CommitteePath = c.Path });
            await db.SaveChangesAsync();
        }
        var users = sp.GetRequiredService<UserManager<AppUser>>();
        async Task EnsureUserAsync(AppUser user, string role)
        {
            if (await users.FindByNameAsync(user.UserName!) is not null) return;
            var r = await users.CreateAsync(user, AppFactory.DemoPassword);
            Assert.True(r.Succeeded, string.Join("; ", r.Errors.Select(e => e.Description)));
            await users.AddToRoleAsync(user, role);
        }
        await EnsureUserAsync(new AppUser { UserName = "unit." + UnitCode, DisplayName = unit.Name, HandlingUnitId = unit.Id }, Roles.HandlingUnit);
        var proposerId = await db.Users.Where(u => u.UserName == "member.520200").Select(u => u.MemberId!.Value).FirstAsync();
        var co = await db.Members.Where(m => m.CommitteeId == c.Id && m.IsActive && m.Id != proposerId).OrderBy(m => m.Id).Skip(2).FirstAsync();
        await EnsureUserAsync(new AppUser { UserName = CoSignerAccount, DisplayName = co.Name, CommitteeId = c.Id, MemberId = co.Id }, Roles.Member);

        // Earlier filed proposals on the same matter, written differently, each with a public reply.
        (string Title, string Body, string Reply)[] earlier =
        [
            ("关于加强农村学校营养餐配送管理的建议", "部分乡镇学校营养餐配送距离远、冷链不足。建议建立区域配送中心，加强食品安全抽检。",
             "已在三个乡镇试点区域配送中心，年内覆盖全市农村学校，并将营养餐纳入食品安全专项抽检。"),
            ("关于提升中小学食堂供餐质量的建议", "学校食堂供餐标准不统一，营养搭配不合理。建议制定供餐标准，配备营养师。",
             "市教育局已会同卫健部门制定学校供餐营养指南，明年起分批配备专兼职营养师。"),
        ];
        var sequence = await db.Proposals.Where(p => p.CommitteeId == c.Id && p.Term == 8 && p.Session == 5).MaxAsync(p => p.Sequence) ?? 0;
        foreach (var (title, body, reply) in earlier)
        {
            if (await db.Proposals.AnyAsync(p => p.Title == title)) continue;
            var at = DateTimeOffset.UtcNow.AddYears(-1);
            var p = new Proposal
            {
                CommitteeId = c.Id, CommitteePath = c.Path, Status = ProposalStatus.Closed, Kind = ProposalKind.Plenary, ProposerType = ProposerType.Member,
                ProposerMemberId = co.Id, ProposerName = co.Name, SectorId = co.SectorId, Title = title, Body = body, Term = 8, Session = 5,
                Year = at.Year, Sequence = ++sequence, Number = ProposalRules.FormatNumber(8, 5, sequence), CreatedAt = at, SubmittedAt = at, FiledAt = at,
                ClosedAt = at.AddMonths(3), UpdatedAt = DateTimeOffset.UtcNow, SearchText = ProposalSearch.BuildSearchText(title, body, [reply]),
                AssignmentMode = AssignmentMode.Single,
            };
            var a = new Assignment
            {
                HandlingUnitId = unit.Id, Role = AssignmentRole.Single, Status = AssignmentStatus.Done, AssignedAt = at, DoneAt = at.AddMonths(2),
                ReturnDueOn = ChinaTime.DayOf(at).AddDays(14), DueOn = ChinaTime.DayOf(at).AddMonths(3), LatestDueOn = ChinaTime.DayOf(at).AddMonths(6),
            };
            p.Assignments.Add(a);
            db.Proposals.Add(p);
            await db.SaveChangesAsync();
            db.Replies.Add(new Reply
            {
                ProposalId = p.Id, AssignmentId = a.Id, HandlingUnitId = unit.Id, Class = ReplyClass.A, Text = reply, IsPublic = true, Round = 1,
                RepliedAt = at.AddMonths(2), OnTime = true,
            });
            await db.SaveChangesAsync();
        }
        await sp.GetRequiredService<SimilarIndex>().RefreshAsync(db, CancellationToken.None);
        return (co.Name, unit.Name);
    });

    [Fact]
    public async Task A_member_writes_with_similar_proposals_in_view_a_co_signer_signs_the_office_files_and_assigns_the_unit_replies_and_the_member_rates()
    {
        var (coSignerName, unitName) = await SetUpAsync();
        var title = $"关于改善农村学校营养餐供应的建议（{DateTime.UtcNow:HHmmss}）";

        // The member, on a phone: write, watch the similar panel, add a co-signer, submit.
        await using var phone = await browser.NewContextAsync(BrowserFixture.Phone);
        var member = await phone.NewPageAsync();
        await SignInAsync(member, "member.520200");
        await member.GotoAsync("/proposals");
        await member.GetByRole(AriaRole.Link, new() { Name = "写提案" }).First.ClickAsync();
        await Expect(member.GetByRole(AriaRole.Heading, new() { Name = "写提案" })).ToBeVisibleAsync();
        await member.GetByLabel("提案标题").FillAsync(title);
        await member.GetByLabel("提案内容").PressSequentiallyAsync("现状：部分农村学校营养餐配送不及时，食堂供餐质量参差不齐。\n建议：建立区域配送中心，制定学校供餐营养标准。");
        var panel = member.Locator("#similar-panel");
        await Expect(panel.GetByRole(AriaRole.Link, new() { Name = "关于加强农村学校营养餐配送管理的建议" })).ToBeVisibleAsync(new() { Timeout = 15000 });
        await Expect(panel).ToContainTextAsync("已办结");
        await Expect(member.Locator("#similar-count")).ToHaveTextAsync(new Regex(@"发现 \d+ 件相似提案"));
        await Expect(panel).ToContainTextAsync("区域配送中心");
        await panel.ScrollIntoViewIfNeededAsync();
        await browser.ScreenshotAsync(member, "proposal-write-similar");
        await BrowserFixture.AssertNoHorizontalOverflowAsync(member);

        await member.GetByLabel("查找委员").FillAsync(coSignerName);
        await member.GetByRole(AriaRole.Button, new() { Name = "查找" }).ClickAsync();
        await member.GetByLabel(coSignerName).CheckAsync();
        // What was typed survived the search (a form post), and the server computed the panel again.
        await Expect(member.GetByLabel("提案标题")).ToHaveValueAsync(title);
        await Expect(panel).ToContainTextAsync("关于加强农村学校营养餐配送管理的建议");
        await browser.ScreenshotAsync(member, "proposal-cosigner-chosen");
        await member.GetByRole(AriaRole.Button, new() { Name = "保存并提交" }).ClickAsync();
        await Expect(member).ToHaveURLAsync(new Regex(@"/proposals/\d+\?done=submit"));
        var id = int.Parse(Regex.Match(member.Url, @"/proposals/(\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
        await Expect(member.Locator("#proposal-status")).ToHaveTextAsync("联名中");
        await Expect(member.Locator("#co-signers")).ToContainTextAsync("待签署");
        await browser.ScreenshotAsync(member, "proposal-submitted");

        // The co-signer, on a phone: the invitation is in 我的提案; sign.
        await using var coContext = await browser.NewContextAsync(BrowserFixture.Phone);
        var co = await coContext.NewPageAsync();
        await SignInAsync(co, CoSignerAccount);
        await co.GotoAsync("/proposals");
        await co.GetByRole(AriaRole.Link, new() { NameRegex = new Regex(Regex.Escape(title)) }).ClickAsync();
        await co.GetByRole(AriaRole.Button, new() { Name = "同意联名" }).ClickAsync();
        await Expect(co.GetByText("您已同意联名。")).ToBeVisibleAsync();
        await Expect(co.Locator("#proposal-status")).ToHaveTextAsync("已提交");
        await browser.ScreenshotAsync(co, "proposal-cosigned");

        // The office, on a desktop: 待审查 → file (likely duplicates shown) → assign to the education bureau.
        await using var office = await browser.NewContextAsync(BrowserFixture.Desktop);
        var staff = await office.NewPageAsync();
        await SignInAsync(staff, "staff.520200");
        await staff.GotoAsync("/proposals");
        await browser.ScreenshotAsync(staff, "proposal-office-list");
        await staff.GetByRole(AriaRole.Link, new() { NameRegex = new Regex(Regex.Escape(title)) }).ClickAsync();
        await Expect(staff.Locator("#duplicates")).ToContainTextAsync("关于加强农村学校营养餐配送管理的建议");
        await browser.ScreenshotAsync(staff, "proposal-office-review");
        await staff.GetByRole(AriaRole.Button, new() { Name = "立案", Exact = true }).ClickAsync();
        await Expect(staff.Locator("#proposal-status")).ToHaveTextAsync("已立案");
        await Expect(staff.GetByText(new Regex(@"九届[一二三四五六七八九十]+次会议第\d{4}号")).First).ToBeVisibleAsync();
        await Expect(staff.Locator("#form-assign")).ToHaveAttributeAsync("open", ""); // the next step opens by itself
        await staff.GetByLabel("单办").CheckAsync();
        await staff.GetByLabel(unitName).CheckAsync();
        await browser.ScreenshotAsync(staff, "proposal-assign-form");
        await staff.GetByRole(AriaRole.Button, new() { Name = "确认交办" }).ClickAsync();
        await Expect(staff.Locator("#proposal-status")).ToHaveTextAsync("已交办");
        await Expect(staff.Locator("#units")).ToContainTextAsync(unitName);
        await browser.ScreenshotAsync(staff, "proposal-assigned");

        // The unit: its home page counts the proposal; contact the proposer, then reply.
        await using var unitContext = await browser.NewContextAsync(BrowserFixture.Desktop);
        var unit = await unitContext.NewPageAsync();
        await SignInAsync(unit, "unit." + UnitCode);
        await Expect(unit.GetByRole(AriaRole.Heading, new() { Name = "待办提案" })).ToBeVisibleAsync();
        await browser.ScreenshotAsync(unit, "proposal-unit-home");
        await unit.GetByRole(AriaRole.Link, new() { Name = "查看待办" }).ClickAsync();
        await Expect(unit.GetByRole(AriaRole.Heading, new() { Name = "提案", Exact = true })).ToBeVisibleAsync();
        await browser.ScreenshotAsync(unit, "proposal-unit-list");
        await unit.GetByRole(AriaRole.Link, new() { NameRegex = new Regex(Regex.Escape(title)) }).ClickAsync();
        await unit.GetByLabel("沟通方式").SelectOptionAsync("phone");
        await unit.GetByLabel("参加人员").FillAsync("提案人；市教育局体卫艺科");
        await unit.GetByLabel("沟通情况").FillAsync("电话沟通办理思路，提案人同意先在三个乡镇试点。");
        await unit.GetByRole(AriaRole.Button, new() { Name = "保存沟通记录" }).ClickAsync();
        await Expect(unit.Locator("#proposal-status")).ToHaveTextAsync("办理中");
        await unit.GetByLabel("A类（已解决或采纳）").CheckAsync();
        await unit.GetByLabel("答复内容").FillAsync("已采纳。区域配送中心年内覆盖全市农村学校，学校供餐营养标准已印发。");
        await browser.ScreenshotAsync(unit, "proposal-unit-reply-form");
        await unit.GetByRole(AriaRole.Button, new() { Name = "提交答复" }).ClickAsync();
        await Expect(unit.Locator("#proposal-status")).ToHaveTextAsync("已答复");
        await browser.ScreenshotAsync(unit, "proposal-unit-replied");

        // The member rates the reply.
        await member.GotoAsync($"/proposals/{id}");
        await Expect(member.Locator("#replies")).ToContainTextAsync("区域配送中心年内覆盖全市农村学校");
        await member.GetByLabel("满意", new() { Exact = true }).CheckAsync();
        await member.GetByLabel("评价意见").FillAsync("答复及时，措施具体。");
        await member.GetByRole(AriaRole.Button, new() { Name = "提交评价" }).ClickAsync();
        await Expect(member.Locator("#proposal-status")).ToHaveTextAsync("已评价");
        await Expect(member.Locator("#replies")).ToContainTextAsync("答复及时，措施具体。");
        await browser.ScreenshotAsync(member, "proposal-rated");
        await BrowserFixture.AssertNoHorizontalOverflowAsync(member);

        var history = await browser.WithDbAsync(db => db.ProposalEvents.Where(e => e.ProposalId == id).OrderBy(e => e.Id).Select(e => e.Action).ToListAsync());
        Assert.Equal(["create", "submit", "sign", "file", "assign", "contact", "reply", "rate"], history);
    }
}

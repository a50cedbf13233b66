using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DocumentFormat.OpenXml.Packaging;
using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Research;
using Xieshang.Web.Infrastructure.Auth;

namespace Xieshang.Tests.Features.Research;

/// <summary>
/// Same-topic research (同题调研): the city's parent project, invitations (notified), sub-projects added by the city or
/// joined by an invited district (out-of-tree and duplicate refused), the side-by-side list, sharing a report with the
/// siblings (refused before approval; a sibling sees neither the row nor the report by API or page until then), the combined
/// .docx (approved and sent reports in committee order, the "not reported" list), and every endpoint refused to the wrong
/// role and the wrong committee with nothing changed.
/// </summary>
public abstract class JointResearchTests(AppFactory app)
{
    private const string City = "staff.520200", Zhongshan = "staff.520201", Shuicheng = "staff.520204";

    private static async Task<JsonElement> Json(HttpResponseMessage res) => JsonDocument.Parse(await res.Content.ReadAsStringAsync()).RootElement;

    private static async Task<string> Detail(HttpResponseMessage res) => (await Json(res)).GetProperty("detail").GetString() ?? "";

    /// <summary>The city's staff set a research project (through the project rules) to become the same-topic parent.</summary>
    private Task<int> ParentAsync(string title) => app.WithDbAsync(async db =>
    {
        var c = await db.Committees.FirstAsync(x => x.Code == "520200");
        var staff = new CurrentUser(City, new HashSet<string> { Roles.Staff }, c.Id, c.Code, c.Path, null) { DisplayName = "市政协办公室" };
        var members = await db.Members.Where(m => m.CommitteeId == c.Id && m.IsActive && !db.Users.Any(u => u.MemberId == m.Id)).OrderBy(m => m.Id).Select(m => m.Id).Take(2).ToListAsync();
        var (p, error, errors) = await ResearchRules.CreateAsync(db, new ResearchInput(title, "research", ["520200"], members[0], null, members[1],
            Background: "全市统一部署，各区县政协同题调研。"), staff, TimeProvider.System, CancellationToken.None);
        Assert.True(p is not null, error?.Message ?? string.Join("; ", errors.Values.SelectMany(v => v)));
        return p!.Id;
    });

    /// <summary>A leader and an author from committee <paramref name="code"/> for a sub-project's team.</summary>
    private Task<(int Leader, int Author)> TeamAsync(string code) => app.WithDbAsync(async db =>
    {
        var ids = await db.Members.Where(m => m.Committee!.Code == code && m.IsActive && !db.Users.Any(u => u.MemberId == m.Id)).OrderBy(m => m.Id).Select(m => m.Id).Take(2).ToListAsync();
        return (ids[0], ids[1]);
    });

    private async Task<HttpResponseMessage> AddAsync(HttpClient client, int parent, string code)
    {
        var (leader, author) = await TeamAsync(code);
        return await client.PostAsJsonAsync($"/api/research/{parent}/subprojects", new { committeeCode = code, leaderId = leader, authorId = author });
    }

    private async Task<int> SubAsync(HttpClient client, int parent, string code)
    {
        var res = await AddAsync(client, parent, code);
        Assert.True(res.StatusCode == HttpStatusCode.Created, $"{code}: {(int)res.StatusCode} {await res.Content.ReadAsStringAsync()}");
        return (await Json(res)).GetProperty("id").GetInt32();
    }

    /// <summary>
    /// Takes sub-project <paramref name="id"/> of committee <paramref name="code"/> through the real workflow by the API up to
    /// <paramref name="status"/>: the city's staff submit the plan, the committee's leader approves it, the staff write the
    /// report with the findings and suggestions and submit it; then (approved, sent) the leader approves it and (sent) the
    /// staff send it to the city.
    /// </summary>
    private async Task ReportAsync(int id, string code, ReportStatus status, string findings, string suggestions)
    {
        var leaderName = $"leader.{code}";
        await TestAccounts.EnsureAsync(app, leaderName, Roles.Leader, code);
        var staff = await app.ClientAsAsync(City);
        var leader = await app.ClientAsAsync(leaderName);
        async Task Ok(Task<HttpResponseMessage> call, string what)
        {
            var res = await call;
            Assert.True(res.StatusCode == HttpStatusCode.OK, $"{what}: {(int)res.StatusCode} {await res.Content.ReadAsStringAsync()}");
        }
        await Ok(staff.PostAsJsonAsync($"/api/research/{id}/plan/actions/submit", new { plan = "走访、座谈、问卷。" }), "plan submit");
        await Ok(leader.PostAsJsonAsync($"/api/research/{id}/plan/actions/approve", new { }), "plan approve");
        await Ok(staff.PutAsJsonAsync($"/api/research/{id}/report", new { title = "调研报告", body = "<p>报告正文。</p>", findings, suggestions }), "report save");
        await Ok(staff.PostAsJsonAsync($"/api/research/{id}/report/actions/submit", new { }), "report submit");
        if (status is ReportStatus.Approved or ReportStatus.Sent) await Ok(leader.PostAsJsonAsync($"/api/research/{id}/report/actions/approve", new { }), "report approve");
        if (status is ReportStatus.Sent) await Ok(staff.PostAsJsonAsync($"/api/research/{id}/report/actions/send", new { sentTo = "市政协" }), "report send");
        Assert.Equal(status, await app.WithDbAsync(db => db.ResearchProjects.Where(p => p.Id == id).Select(p => p.ReportStatus).FirstAsync()));
    }

    [Theory]
    [InlineData("关于城乡养老服务体系建设的同题调研", "关于城乡养老服务体系建设的同题调研综合报告")]
    [InlineData("城乡养老服务体系建设同题调研", "关于城乡养老服务体系建设的同题调研综合报告")]
    [InlineData("关于县域医疗卫生次中心建设的调研", "关于县域医疗卫生次中心建设的同题调研综合报告")]
    [InlineData("县域医疗卫生次中心", "关于县域医疗卫生次中心的同题调研综合报告")]
    [InlineData("“农村饮水安全”", "关于农村饮水安全的同题调研综合报告")]
    [InlineData("同题调研", "关于同题调研的同题调研综合报告")]
    public void Combined_title_wraps_the_topic_once(string topic, string title) => Assert.Equal(title, JointResearchReport.CombinedTitle(topic));

    [Fact]
    public async Task Sub_projects_are_created_below_the_parent_once_per_committee_and_invited_districts_join()
    {
        var city = await app.ClientAsAsync(City);
        var parent = await ParentAsync("城乡居民养老服务体系建设同题调研");

        // The city adds 钟山区 directly: a sub-project with the parent's topic, the committee as organiser, ParentId set.
        var zs = await SubAsync(city, parent, "520201");
        var sub = await app.WithDbAsync(db => db.ResearchProjects.Include(p => p.Organizers).FirstAsync(p => p.Id == zs));
        Assert.Equal(parent, sub.ParentId);
        Assert.Equal("城乡居民养老服务体系建设同题调研", sub.Title);
        Assert.True(await app.WithDbAsync(db => db.ResearchProjects.Where(p => p.Id == parent).Select(p => p.IsJoint).FirstAsync()));
        Assert.Equal(JointInvitationStatus.Joined, await app.WithDbAsync(db => db.JointResearchInvitations.Where(i => i.SubProjectId == zs).Select(i => i.Status).SingleAsync()));

        // A second one for the same committee: 409; a committee outside the city's tree, the city itself, an unknown code: refused.
        var again = await AddAsync(city, parent, "520201");
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("已有", await Detail(again));
        Assert.Contains("已有", (await Json(again)).GetProperty("errors").GetProperty("committeeCode")[0].GetString());
        var outside = await city.PostAsJsonAsync($"/api/research/{parent}/subprojects", new { committeeCode = "520100" });
        Assert.Equal(HttpStatusCode.BadRequest, outside.StatusCode);
        Assert.Contains("不是这项调研牵头单位的下级政协", await Detail(outside));
        Assert.Equal(HttpStatusCode.BadRequest, (await city.PostAsJsonAsync($"/api/research/{parent}/subprojects", new { committeeCode = "520200" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await city.PostAsJsonAsync($"/api/research/{parent}/subprojects", new { committeeCode = "999999" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await city.PostAsJsonAsync($"/api/research/{parent}/subprojects", new { committeeCode = "" })).StatusCode);

        // 水城区 may not join uninvited; the city invites it (its staff get an inbox notice), then it joins itself.
        var shuicheng = await app.ClientAsAsync(Shuicheng);
        var uninvited = await AddAsync(shuicheng, parent, "520204");
        Assert.Equal(HttpStatusCode.Forbidden, uninvited.StatusCode);
        Assert.False(string.IsNullOrEmpty(await Detail(uninvited)));
        var invite = await city.PostAsJsonAsync($"/api/research/{parent}/invitations", new { committeeCodes = new[] { "520204", "520281" } });
        Assert.Equal(HttpStatusCode.OK, invite.StatusCode);
        Assert.Equal(2, (await Json(invite)).GetProperty("invited").GetInt32());
        Assert.True(await app.WithDbAsync(db => db.Notifications.AnyAsync(n => n.Kind == "research.joint.invited"
            && db.Users.Any(u => u.Id == n.UserId && u.UserName == Shuicheng))));
        // The invited district sees the parent's invitations for itself only.
        var invitations = (await Json(await shuicheng.GetAsync($"/api/research/{parent}/invitations"))).EnumerateArray().ToList();
        Assert.Equal(["520204"], invitations.Select(i => i.GetProperty("committeeCode").GetString()!).ToArray());
        var sc = await SubAsync(shuicheng, parent, "520204");
        Assert.Equal(JointInvitationStatus.Joined, await app.WithDbAsync(db => db.JointResearchInvitations.Where(i => i.SubProjectId == sc).Select(i => i.Status).SingleAsync()));
        Assert.True(await app.WithDbAsync(db => db.Notifications.AnyAsync(n => n.Kind == "research.joint.joined"
            && db.Users.Any(u => u.Id == n.UserId && u.UserName == City))));

        // The side-by-side list from above: both, in committee-code order, with stage, report state, schedule, team, field work, shared.
        var list = (await Json(await city.GetAsync($"/api/research/{parent}/subprojects"))).EnumerateArray().ToList();
        Assert.Equal(["520201", "520204"], list.Select(x => x.GetProperty("committeeCode").GetString()!).ToArray());
        Assert.StartsWith("钟山区", list[0].GetProperty("committeeName").GetString());
        Assert.Equal("planning", list[0].GetProperty("status").GetString());
        Assert.Equal("draft", list[0].GetProperty("reportStatus").GetString());
        Assert.Equal(2, list[0].GetProperty("teamSize").GetInt32());
        Assert.Equal(0, list[0].GetProperty("fieldWorkCount").GetInt32());
        Assert.False(list[0].GetProperty("shared").GetBoolean());
        Assert.True(list[0].TryGetProperty("startsOn", out _));

        // 盘州市's own staff decline (neither a sibling nor the inviting city may answer for it); it cannot then be declined again.
        Assert.Equal(HttpStatusCode.Forbidden, (await shuicheng.PostAsJsonAsync($"/api/research/{parent}/invitations/decline", new { committeeCode = "520281" })).StatusCode);
        var forCity = await city.PostAsJsonAsync($"/api/research/{parent}/invitations/decline", new { committeeCode = "520281" });
        Assert.Equal(HttpStatusCode.Forbidden, forCity.StatusCode);
        Assert.Contains("的工作人员可以答复不参加", await Detail(forCity));
        await TestAccounts.EnsureAsync(app, "staff.520281", Roles.Staff, "520281");
        var panzhou = await app.ClientAsAsync("staff.520281");
        Assert.Equal(HttpStatusCode.NoContent, (await panzhou.PostAsJsonAsync($"/api/research/{parent}/invitations/decline", new { committeeCode = "520281" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await panzhou.PostAsJsonAsync($"/api/research/{parent}/invitations/decline", new { committeeCode = "520281" })).StatusCode);
    }

    private static FormUrlEncodedContent PageForm(string html, string handler, params (string Key, string Value)[] fields) =>
        new(new[] { new KeyValuePair<string, string>("__RequestVerificationToken", PageClient.Token(html)), new KeyValuePair<string, string>("_handler", handler) }
            .Concat(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value))));

    private Task<JointInvitationStatus> InvitationAsync(int parent, string code) => app.WithDbAsync(db =>
        db.JointResearchInvitations.Where(i => i.ParentId == parent && i.Committee!.Code == code).Select(i => i.Status).SingleAsync());

    [Fact]
    public async Task Only_the_invited_committees_own_staff_answer_and_the_parents_staff_may_set_up_a_sub_project_on_its_behalf()
    {
        var parent = await ParentAsync("农村饮水安全同题调研");
        var city = await app.ClientAsAsync(City);
        Assert.Equal(HttpStatusCode.OK, (await city.PostAsJsonAsync($"/api/research/{parent}/invitations", new { committeeCodes = new[] { "520201", "520204" } })).StatusCode);
        var board = $"/research/{parent}/joint";

        // The city's staff see each invitation's state and 代为设立子课题, never join or decline for a district.
        var cityPage = await app.SignedInPageClientAsync(City);
        var cityHtml = await cityPage.GetHtmlAsync(board);
        Assert.Contains("已邀请，待答复", cityHtml);
        Assert.Contains("代为设立子课题", cityHtml);
        Assert.DoesNotContain("参加并设立子课题", cityHtml);
        Assert.DoesNotContain("joint-join-", cityHtml);
        Assert.DoesNotContain("joint-decline-", cityHtml);
        var cityApi = (await Json(await city.GetAsync($"/api/research/{parent}/invitations"))).EnumerateArray().ToList();
        Assert.All(cityApi, i => Assert.False(i.GetProperty("canAnswer").GetBoolean()));
        Assert.All(cityApi, i => Assert.True(i.GetProperty("canAddOnBehalf").GetBoolean()));
        // A decline posted anyway on the page is refused and changes nothing (the API's answer names who may decline).
        var declineForIt = await cityPage.PostAsync(board, PageForm(cityHtml, "joint-decline-520201", ("committee", "520201")));
        Assert.Contains("这项操作当前不可用", await declineForIt.HtmlAsync());
        var apiDecline = await city.PostAsJsonAsync($"/api/research/{parent}/invitations/decline", new { committeeCode = "520201" });
        Assert.Equal(HttpStatusCode.Forbidden, apiDecline.StatusCode);
        Assert.Contains("只有“钟山区", await Detail(apiDecline));
        Assert.Equal(JointInvitationStatus.Invited, await InvitationAsync(parent, "520201"));

        // 钟山区's own staff see join and decline (and no 代为设立), and decline.
        var zhongshan = await app.SignedInPageClientAsync(Zhongshan);
        var zsHtml = await zhongshan.GetHtmlAsync(board);
        Assert.Contains("参加并设立子课题", zsHtml);
        Assert.Contains("joint-decline-520201", zsHtml);
        Assert.DoesNotContain("代为设立子课题", zsHtml);
        var declined = await zhongshan.PostAsync(board, PageForm(zsHtml, "joint-decline-520201", ("committee", "520201")));
        Assert.Equal(HttpStatusCode.Redirect, declined.StatusCode);
        Assert.Equal(JointInvitationStatus.Declined, await InvitationAsync(parent, "520201"));

        // The city sets up 水城区's sub-project on its behalf: joined, 水城区's staff notified, the board says what happened.
        var added = await cityPage.PostAsync(board, PageForm(cityHtml, "joint-add-520204", ("committee", "520204")));
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        Assert.EndsWith("done=added", added.Target());
        Assert.Equal(JointInvitationStatus.Joined, await InvitationAsync(parent, "520204"));
        Assert.True(await app.WithDbAsync(db => db.ResearchProjects.AnyAsync(p => p.ParentId == parent && p.Committee!.Code == "520204")));
        Assert.True(await app.WithDbAsync(db => db.Notifications.AnyAsync(n => n.Kind == "research.joint.added" && db.Users.Any(u => u.Id == n.UserId && u.UserName == Shuicheng))));
        var afterHtml = await cityPage.GetHtmlAsync(board + "?done=added");
        Assert.Contains("已代为设立子课题", afterHtml);
        Assert.Contains("不参加", afterHtml);
        Assert.DoesNotContain("代为设立子课题</button>", afterHtml);
        // The progress table keeps the committee column in view while it scrolls sideways (the shared wide-table class).
        Assert.Contains("xs-balance-table", afterHtml);
    }

    [Fact]
    public async Task A_sibling_reads_a_report_only_after_it_is_shared_by_api_and_page()
    {
        var city = await app.ClientAsAsync(City);
        var parent = await ParentAsync("中小企业融资难问题同题调研");
        var zs = await SubAsync(city, parent, "520201");
        var sc = await SubAsync(city, parent, "520204");
        var zhongshan = await app.ClientAsAsync(Zhongshan);
        var shuicheng = await app.ClientAsAsync(Shuicheng);

        // Sharing a draft: 409; the sibling may not share it: 403.
        var early = await zhongshan.PostAsync($"/api/research/{zs}/share", null);
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        Assert.Contains("审定后才能共享", await Detail(early));
        await ReportAsync(zs, "520201", ReportStatus.Approved, "钟山区担保机构代偿能力弱。", "设立区级风险补偿资金池。");
        Assert.Equal(HttpStatusCode.Forbidden, (await shuicheng.PostAsync($"/api/research/{zs}/share", null)).StatusCode);

        // Before sharing: 水城区 sees the parent and its own sub-project, not 钟山区's (row, report, project).
        var before = (await Json(await shuicheng.GetAsync($"/api/research/{parent}/subprojects"))).EnumerateArray().ToList();
        Assert.Equal([sc], before.Select(x => x.GetProperty("id").GetInt32()).ToArray());
        Assert.DoesNotContain("代偿能力弱", await (await shuicheng.GetAsync($"/api/research/{parent}/subprojects")).Content.ReadAsStringAsync());
        var siblingUser = await app.WithDbAsync(db => UserAsync(db, Shuicheng));
        Assert.False(await app.WithDbAsync(db => ResearchAccess.CanReadAsync(db, siblingUser, zs, CancellationToken.None)));
        Assert.True(await app.WithDbAsync(db => ResearchAccess.CanReadAsync(db, siblingUser, parent, CancellationToken.None)));
        var page = await app.SignedInPageClientAsync(Shuicheng);
        var boardBefore = await page.GetHtmlAsync($"/research/{parent}/joint");
        Assert.Contains("中小企业融资难问题同题调研", boardBefore);
        Assert.DoesNotContain("代偿能力弱", boardBefore);
        Assert.DoesNotContain("钟山区", boardBefore);
        // The city sees the approved report from above at once.
        Assert.Contains("代偿能力弱", await (await app.SignedInPageClientAsync(City)).GetHtmlAsync($"/research/{parent}/joint"));

        // 钟山区 shares it (siblings notified); now 水城区 reads it by API and page.
        var share = await zhongshan.PostAsync($"/api/research/{zs}/share", null);
        Assert.Equal(HttpStatusCode.OK, share.StatusCode);
        Assert.True(await app.WithDbAsync(db => db.Notifications.AnyAsync(n => n.Kind == "research.joint.shared" && db.Users.Any(u => u.Id == n.UserId && u.UserName == Shuicheng))));
        var after = (await Json(await shuicheng.GetAsync($"/api/research/{parent}/subprojects"))).EnumerateArray().ToList();
        var shared = after.Single(x => x.GetProperty("id").GetInt32() == zs);
        Assert.True(shared.GetProperty("shared").GetBoolean());
        Assert.Equal("钟山区担保机构代偿能力弱。", shared.GetProperty("findings").GetString());
        Assert.Equal("设立区级风险补偿资金池。", shared.GetProperty("suggestions").GetString());
        Assert.False(shared.GetProperty("canShare").GetBoolean());
        Assert.True(await app.WithDbAsync(db => ResearchAccess.CanReadAsync(db, siblingUser, zs, CancellationToken.None)));
        Assert.Contains("代偿能力弱", await page.GetHtmlAsync($"/research/{parent}/joint"));
        // Sharing again keeps the first time.
        var first = (await Json(share)).GetProperty("sharedAt").GetDateTimeOffset();
        var second = (await Json(await zhongshan.PostAsync($"/api/research/{zs}/share", null))).GetProperty("sharedAt").GetDateTimeOffset();
        Assert.True(Math.Abs((second - first).TotalMilliseconds) < 1, $"{first:O} vs {second:O}");
    }

    [Fact]
    public async Task The_issues_bare_body_adds_a_sub_project_whose_team_is_set_before_the_plan_is_submitted()
    {
        var city = await app.ClientAsAsync(City);
        var parent = await ParentAsync("基层医疗卫生服务能力同题调研");
        // Exactly the issue's body: {"committeeCode"}.
        var res = await city.PostAsJsonAsync($"/api/research/{parent}/subprojects", new { committeeCode = "520203" });
        Assert.True(res.StatusCode == HttpStatusCode.Created, $"{(int)res.StatusCode} {await res.Content.ReadAsStringAsync()}");
        var sub = (await Json(res)).GetProperty("id").GetInt32();
        var d = await Json(await city.GetAsync($"/api/research/{sub}"));
        Assert.Empty(d.GetProperty("team").EnumerateArray());
        Assert.False(d.GetProperty("teamComplete").GetBoolean());
        Assert.True(d.GetProperty("canEditTeam").GetBoolean());
        // The plan cannot be submitted without a leader and an author: a Chinese message that says so, nothing changed.
        var early = await city.PostAsJsonAsync($"/api/research/{sub}/plan/actions/submit", new { plan = "走访三个乡镇卫生院。" });
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        Assert.Contains("组长和执笔人", await Detail(early));
        Assert.Equal(ResearchStatus.Planning, await app.WithDbAsync(db => db.ResearchProjects.Where(p => p.Id == sub).Select(p => p.Status).FirstAsync()));
        // 六枝特区's staff set the team on their sub-project, then the plan goes.
        var (leader, author) = await TeamAsync("520203");
        await TestAccounts.EnsureAsync(app, "staff.520203", Roles.Staff, "520203");
        var own = await app.ClientAsAsync("staff.520203");
        var team = await own.PutAsJsonAsync($"/api/research/{sub}/team", new { leaderId = leader, authorId = author, memberIds = Array.Empty<int>(), staffNames = new[] { "陈干事" } });
        Assert.True(team.StatusCode == HttpStatusCode.OK, await team.Content.ReadAsStringAsync());
        Assert.True((await Json(team)).GetProperty("teamComplete").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await own.PostAsJsonAsync($"/api/research/{sub}/plan/actions/submit", new { plan = "走访三个乡镇卫生院。" })).StatusCode);
    }

    [Fact]
    public async Task An_invited_committee_reads_the_parent_but_no_unshared_sub_report_and_an_uninvited_sibling_reads_nothing()
    {
        var city = await app.ClientAsAsync(City);
        var parent = await ParentAsync("县域医共体建设同题调研");
        var zs = await SubAsync(city, parent, "520201");
        await ReportAsync(zs, "520201", ReportStatus.Approved, "钟山区医共体牵头医院辐射不足。", "推进县乡一体化管理。");
        Assert.Equal(HttpStatusCode.OK, (await city.PostAsJsonAsync($"/api/research/{parent}/invitations", new { committeeCodes = new[] { "520204" } })).StatusCode);

        // 水城区, invited and not yet joined: the parent's topic and background by API and page, the board, but no sub-project.
        var shuicheng = await app.ClientAsAsync(Shuicheng);
        var res = await shuicheng.GetAsync($"/api/research/{parent}");
        Assert.True(res.StatusCode == HttpStatusCode.OK, $"{(int)res.StatusCode} {await res.Content.ReadAsStringAsync()}");
        var d = await Json(res);
        Assert.Equal("县域医共体建设同题调研", d.GetProperty("title").GetString());
        Assert.Equal("全市统一部署，各区县政协同题调研。", d.GetProperty("background").GetString());
        Assert.False(d.GetProperty("canManage").GetBoolean());
        // Topic and background only: not the parent's team, plan, outputs or timeline.
        Assert.True(d.GetProperty("topicOnly").GetBoolean());
        Assert.Empty(d.GetProperty("team").EnumerateArray());
        Assert.Empty(d.GetProperty("events").EnumerateArray());
        Assert.Equal("", d.GetProperty("plan").GetString());
        var parentTeam = await app.WithDbAsync(db => db.ResearchTeamMembers.Where(t => t.ResearchProjectId == parent).Select(t => t.Name).ToListAsync());
        Assert.NotEmpty(parentTeam);
        Assert.True((await Json(await city.GetAsync($"/api/research/{parent}"))).GetProperty("team").GetArrayLength() > 0);
        var page = await app.SignedInPageClientAsync(Shuicheng);
        var html = await page.GetHtmlAsync($"/research/{parent}");
        Assert.Contains("县域医共体建设同题调研", html);
        Assert.Contains("全市统一部署", html);
        Assert.Contains("参加前只显示课题和背景", html);
        Assert.All(parentTeam, name => Assert.DoesNotContain(name, html));
        var board = await page.GetHtmlAsync($"/research/{parent}/joint");
        Assert.DoesNotContain("辐射不足", board);
        Assert.Empty((await Json(await shuicheng.GetAsync($"/api/research/{parent}/subprojects"))).EnumerateArray());
        Assert.Equal(HttpStatusCode.Forbidden, (await shuicheng.GetAsync($"/api/research/{zs}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await shuicheng.GetAsync($"/api/research/{zs}/report.docx")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await page.GetAsync($"/research/{zs}")).StatusCode);
        Assert.DoesNotContain((await Json(await shuicheng.GetAsync("/api/research"))).EnumerateArray(), x => x.GetProperty("id").GetInt32() == zs);
        // The parent is in its list; it may not act on it.
        Assert.Contains((await Json(await shuicheng.GetAsync("/api/research"))).EnumerateArray(), x => x.GetProperty("id").GetInt32() == parent);
        Assert.Equal(HttpStatusCode.Forbidden, (await shuicheng.PostAsJsonAsync($"/api/research/{parent}/cancel", new { reason = "越权" })).StatusCode);

        // 六枝特区, a sibling county not invited: neither the parent nor the sub-project, by API or page.
        await TestAccounts.EnsureAsync(app, "staff.520203", Roles.Staff, "520203");
        var liuzhi = await app.ClientAsAsync("staff.520203");
        Assert.Equal(HttpStatusCode.Forbidden, (await liuzhi.GetAsync($"/api/research/{parent}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await liuzhi.GetAsync($"/api/research/{zs}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await liuzhi.GetAsync($"/api/research/{parent}/subprojects")).StatusCode);
        var liuzhiPage = await app.SignedInPageClientAsync("staff.520203");
        Assert.Equal(HttpStatusCode.Forbidden, (await liuzhiPage.GetAsync($"/research/{parent}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await liuzhiPage.GetAsync($"/research/{parent}/joint")).StatusCode);
    }

    private static async Task<CurrentUser> UserAsync(Xieshang.Web.Infrastructure.Data.AppDbContext db, string userName)
    {
        var u = await db.Users.FirstAsync(x => x.UserName == userName);
        var c = await db.Committees.FirstAsync(x => x.Id == u.CommitteeId);
        return new CurrentUser(userName, new HashSet<string> { Roles.Staff }, c.Id, c.Code, c.Path, null) { UserId = u.Id };
    }

    [Fact]
    public async Task The_combined_report_quotes_approved_and_sent_reports_in_committee_order_and_names_who_has_not_reported()
    {
        var city = await app.ClientAsAsync(City);
        var parent = await ParentAsync("农村饮水安全巩固提升同题调研");
        var sc = await SubAsync(city, parent, "520204");
        var zs = await SubAsync(city, parent, "520201");
        var lz = await SubAsync(city, parent, "520203");
        Assert.Equal(HttpStatusCode.OK, (await city.PostAsJsonAsync($"/api/research/{parent}/invitations", new { committeeCodes = new[] { "520281" } })).StatusCode);
        await ReportAsync(zs, "520201", ReportStatus.Approved, "钟山区城郊供水管网老化。", "实施管网改造三年行动。");
        await ReportAsync(sc, "520204", ReportStatus.Sent, "水城区高海拔村寨季节性缺水。", "建设小型蓄水工程。");
        await ReportAsync(lz, "520203", ReportStatus.Submitted, "六枝特区草稿里的发现。", "六枝特区草稿里的建议。");

        var res = await city.GetAsync($"/api/research/{parent}/combined.docx");
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        Assert.Equal(JointResearchReport.ContentType, res.Content.Headers.ContentType?.MediaType);
        using var doc = WordprocessingDocument.Open(new MemoryStream(await res.Content.ReadAsByteArrayAsync()), false);
        var body = doc.MainDocumentPart!.Document!.Body!;
        var text = string.Join("\n", body.Elements<DocumentFormat.OpenXml.Wordprocessing.Paragraph>().Select(p => p.InnerText));
        Assert.Contains("关于农村饮水安全巩固提升的同题调研综合报告", text);
        Assert.DoesNotContain("同题调研”的同题调研", text);
        Assert.Contains("全市统一部署，各区县政协同题调研。", text);
        Assert.Contains("钟山区城郊供水管网老化。", text);
        Assert.Contains("实施管网改造三年行动。", text);
        Assert.Contains("水城区高海拔村寨季节性缺水。", text);
        Assert.Contains("建设小型蓄水工程。", text);
        Assert.True(text.IndexOf("钟山区城郊", StringComparison.Ordinal) < text.IndexOf("水城区高海拔", StringComparison.Ordinal), "sections in committee-code order");
        Assert.DoesNotContain("草稿里的发现", text);
        var missing = text.Split('\n').Single(l => l.StartsWith("尚未报送调研报告的单位：", StringComparison.Ordinal));
        Assert.Contains("六枝特区", missing);
        Assert.DoesNotContain("钟山区", missing);
        Assert.Contains("尚未答复邀请的单位：盘州市", text);
        var table = body.Elements<DocumentFormat.OpenXml.Wordprocessing.Table>().Single();
        var rows = table.Elements<DocumentFormat.OpenXml.Wordprocessing.TableRow>().Select(r => r.InnerText).ToList();
        Assert.Equal(5, rows.Count);
        Assert.Contains(rows, r => r.Contains("水城区") && r.Contains("已报送"));
        Assert.Contains(rows, r => r.Contains("盘州市") && r.Contains("已邀请"));

        // Only from above: the districts and members are refused.
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync(Zhongshan)).GetAsync($"/api/research/{parent}/combined.docx")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync("member.520200")).GetAsync($"/api/research/{parent}/combined.docx")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await (await app.ClientAsAsync("leader.520200")).GetAsync($"/api/research/{parent}/combined.docx")).StatusCode);
    }

    [Fact]
    public async Task Every_endpoint_refuses_the_wrong_role_and_the_wrong_committee_and_bad_input_changes_nothing()
    {
        var city = await app.ClientAsAsync(City);
        var parent = await ParentAsync("城市社区治理同题调研");
        var zs = await SubAsync(city, parent, "520201");
        await ReportAsync(zs, "520201", ReportStatus.Approved, "发现", "建议");
        var other = await ParentAsync("另一项调研");
        var (leader, author) = await TeamAsync("520203");
        var writes = new (string Url, object? Body)[]
        {
            ($"/api/research/{parent}/subprojects", new { committeeCode = "520203", leaderId = leader, authorId = author }),
            ($"/api/research/{parent}/invitations", new { committeeCodes = new[] { "520203" } }),
            ($"/api/research/{zs}/share", null),
        };
        async Task<string> SnapshotAsync() => await app.WithDbAsync(async db => string.Join("|",
            await db.ResearchProjects.CountAsync(), await db.JointResearchInvitations.CountAsync(),
            await db.JointResearchInvitations.CountAsync(i => i.Status == JointInvitationStatus.Declined),
            await db.ResearchProjects.CountAsync(p => p.SharedAt != null), await db.ResearchProjects.CountAsync(p => p.IsJoint), await db.Notifications.CountAsync()));
        var before = await SnapshotAsync();
        // Wrong role: a member and a leader of the city, a handling unit. Wrong committee: 水城区's staff on 钟山区's sub-project and the city's parent.
        foreach (var who in new[] { "member.520200", "leader.520200", "unit.520200.edu", Shuicheng })
        {
            var client = await app.ClientAsAsync(who);
            foreach (var (url, body) in writes)
            {
                var res = await client.PostAsync(url, body is null ? null : JsonContent.Create(body));
                Assert.True(res.StatusCode == HttpStatusCode.Forbidden, $"{who} POST {url}: {(int)res.StatusCode}");
                Assert.False(string.IsNullOrEmpty(await Detail(res)), $"{who} POST {url}: no Chinese message");
            }
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync($"/api/research/{parent}/invitations/decline", new { committeeCode = "520201" })).StatusCode);
            Assert.Equal(before, await SnapshotAsync());
        }
        foreach (var who in new[] { "member.520200", "unit.520200.edu", Shuicheng })
        {
            var client = await app.ClientAsAsync(who);
            foreach (var url in new[] { $"/api/research/{parent}/subprojects", $"/api/research/{parent}/invitations", $"/api/research/{parent}/combined.docx" })
                Assert.True((await client.GetAsync(url)).StatusCode == HttpStatusCode.Forbidden, $"{who} GET {url}");
        }
        // 钟山区's staff act on their own sub-project only: not on the parent's invitations, nor for another district.
        var zhongshan = await app.ClientAsAsync(Zhongshan);
        Assert.Equal(HttpStatusCode.Forbidden, (await zhongshan.PostAsJsonAsync($"/api/research/{parent}/invitations", new { committeeCodes = new[] { "520203" } })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await zhongshan.PostAsJsonAsync($"/api/research/{other}/subprojects", new { committeeCode = "520201" })).StatusCode);
        Assert.Equal(before, await SnapshotAsync());

        // Bad input from the right account: Chinese message, nothing changed.
        var empty = await city.PostAsJsonAsync($"/api/research/{parent}/invitations", new { committeeCodes = Array.Empty<string>() });
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Contains("请选择要邀请的下级政协", await Detail(empty));
        Assert.Equal(HttpStatusCode.BadRequest, (await city.PostAsJsonAsync($"/api/research/{parent}/invitations", new { committeeCodes = new[] { "520204", "530100" } })).StatusCode);
        var noTeam = await city.PostAsJsonAsync($"/api/research/{parent}/subprojects", new { committeeCode = "520203", leaderId = 999999, authorId = 999999 });
        Assert.Equal(HttpStatusCode.BadRequest, noTeam.StatusCode);
        Assert.True((await Json(noTeam)).TryGetProperty("errors", out _));
        Assert.Equal(HttpStatusCode.Conflict, (await city.PostAsync($"/api/research/{parent}/share", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await city.GetAsync("/api/research/999999/subprojects")).StatusCode);
        Assert.Equal(before, await SnapshotAsync());
    }
}

public sealed class JointResearchSqliteTests(SqliteAppFactory app) : JointResearchTests(app), IClassFixture<SqliteAppFactory>;
public sealed class JointResearchPostgresTests(PostgresAppFactory app) : JointResearchTests(app), IClassFixture<PostgresAppFactory>;

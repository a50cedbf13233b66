using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Research;
using Xieshang.Web.Infrastructure.Auth;

namespace Xieshang.Tests.Features.Research;

/// <summary>
/// The research pages: the new-project form (bad input re-shows the typed values with the Chinese message and saves
/// nothing; success redirects), the list with filters and badges, the detail page's forms for each role (plan submitted
/// by staff and approved by the leader, a photo uploaded and shown as a thumbnail, a proposal draft made from the
/// research), and the refusals (another district, a member not on the team, a handling unit; a post to a form the viewer
/// is not offered gets the rule's message and changes nothing).
/// </summary>
public abstract class ResearchPagesTests(AppFactory app)
{
    private static FormUrlEncodedContent Form(string token, string handler, params (string Key, string Value)[] fields) =>
        new(new[] { new KeyValuePair<string, string>("__RequestVerificationToken", token), new KeyValuePair<string, string>("_handler", handler) }
            .Concat(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value))));

    private Task<List<int>> MembersOf(string code, int n) => app.WithDbAsync(db => db.Members
        .Where(m => m.Committee!.Code == code && m.IsActive).OrderBy(m => m.Id).Select(m => m.Id).Take(n).ToListAsync());

    private Task<int> ProjectCount() => app.WithDbAsync(db => db.ResearchProjects.CountAsync());

    [Fact]
    public async Task Staff_create_a_project_on_the_form_with_errors_shown_in_Chinese_and_find_it_in_the_list()
    {
        var staff = await app.SignedInPageClientAsync("staff.520201");
        var page = await staff.GetHtmlAsync("/research/new");
        Assert.Contains("调研课题", page);
        // The member selects have a text filter (a script file, no inline script: the CSP allows only files).
        Assert.Contains("data-filter-selects=\"leader author members\"", page);
        var script = System.Text.RegularExpressions.Regex.Match(page, "<page-script src=\"/?(js/member-filter[^\"]*\\.js)\"").Groups[1].Value;
        Assert.NotEqual("", script);
        var js = await staff.GetStringAsync("/" + script);
        Assert.Contains("data-filter-selects", js);
        Assert.Contains("option.hidden", js);
        var token = PageClient.Token(page);
        var own = await MembersOf("520201", 3);
        var before = await ProjectCount();
        var bad = await staff.PostAsync("/research/new", Form(token, "create", ("title", "关于社区养老服务的调研"), ("kind", "research"),
            ("organizerCodes", "520201"), ("leaderId", own[0].ToString())));
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        var html = await bad.HtmlAsync();
        Assert.Contains("请选择执笔人", html);
        Assert.Contains("value=\"关于社区养老服务的调研\"", html);
        Assert.Equal(before, await ProjectCount());

        var ok = await staff.PostAsync("/research/new", Form(token, "create", ("title", "关于社区养老服务的调研"), ("kind", "inspection"),
            ("organizerCodes", "520201"), ("leaderId", own[0].ToString()), ("authorId", own[1].ToString()), ("memberIds", own[2].ToString()),
            ("staffNames", "李干事、赵干事"), ("startsOn", "2026-06-01"), ("endsOn", "2026-06-05")));
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        Assert.Matches("^/research/\\d+$", ok.Target());
        var detail = await staff.GetHtmlAsync(ok.Target());
        Assert.Contains("赵干事", detail);
        Assert.Contains("视察", detail);
        var list = await staff.GetHtmlAsync("/research?kind=inspection&status=planning");
        Assert.Contains("关于社区养老服务的调研", list);
        Assert.Contains("报告：起草中", list);
        Assert.DoesNotContain("关于社区养老服务的调研", await staff.GetHtmlAsync("/research?kind=research"));
        Assert.Contains("href=\"/research\"", await staff.GetHtmlAsync("/research"));
    }

    [Fact]
    public async Task Staff_change_the_team_and_cancel_the_project_on_the_detail_page_and_a_member_may_do_neither()
    {
        var own = await MembersOf("520201", 4);
        var api = await app.ClientAsAsync("staff.520201");
        var created = await api.PostAsJsonAsync("/api/research", new
        {
            title = "关于背街小巷整治的视察", kind = "inspection", organizerCodes = new[] { "520201" }, leaderId = own[0], authorId = own[1],
        });
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt32();
        var url = $"/research/{id}";
        var staff = await app.SignedInPageClientAsync("staff.520201");
        var page = await staff.GetHtmlAsync(url);
        Assert.Contains("保存调研组", page);
        Assert.Contains("确认取消项目", page);

        // An unknown member: the rule's message, the typed staff names shown again, the team unchanged.
        var bad = await staff.PostAsync(url, Form(PageClient.Token(page), "team", ("leaderId", own[0].ToString()), ("authorId", "99999999"), ("staffNames", "周干事")));
        var badHtml = await bad.HtmlAsync();
        Assert.Contains("执笔人：委员 99999999 不存在", badHtml);
        Assert.Contains("value=\"周干事\"", badHtml);
        Assert.Equal(2, await app.WithDbAsync(db => db.ResearchTeamMembers.CountAsync(t => t.ResearchProjectId == id)));
        var saved = await staff.PostAsync(url, Form(PageClient.Token(page), "team", ("leaderId", own[2].ToString()), ("authorId", own[1].ToString()),
            ("memberIds", own[3].ToString()), ("staffNames", "周干事、吴干事")));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Contains("调研组已保存。", await staff.GetHtmlAsync(saved.Target()));
        var roles = (await app.WithDbAsync(db => db.ResearchTeamMembers.Where(t => t.ResearchProjectId == id).ToListAsync()))
            .OrderBy(t => t.Role).ThenBy(t => t.Name, StringComparer.Ordinal).Select(t => $"{t.Role}:{t.MemberId?.ToString() ?? t.Name}").ToList();
        Assert.Equal([$"Leader:{own[2]}", $"Member:{own[3]}", $"Author:{own[1]}", .. new[] { "Staff:吴干事", "Staff:周干事" }.Order(StringComparer.Ordinal)], roles);
        Assert.Contains("吴干事", await staff.GetHtmlAsync(url));

        // A team member may not post either form: the rule's message, nothing changed.
        await TestAccounts.EnsureAsync(app, "member.team.520201", Roles.Member, "520201", own[1]);
        var member = await app.SignedInPageClientAsync("member.team.520201");
        var memberPage = await member.GetHtmlAsync(url);
        Assert.DoesNotContain("保存调研组", memberPage);
        Assert.Contains("只有组织单位工作人员可以调整调研组", await (await member.PostAsync(url, Form(PageClient.Token(memberPage), "team", ("leaderId", own[1].ToString()), ("authorId", own[1].ToString())))).HtmlAsync());
        Assert.Contains("只有组织单位工作人员可以取消", await (await member.PostAsync(url, Form(PageClient.Token(memberPage), "cancel", ("reason", "不想做了")))).HtmlAsync());
        Assert.Equal(ResearchStatus.Planning, await app.WithDbAsync(db => db.ResearchProjects.Where(p => p.Id == id).Select(p => p.Status).FirstAsync()));

        // Cancel without a reason: the message; with one: the banner with the reason, no team or cancel form any more.
        Assert.Contains("请填写取消原因", await (await staff.PostAsync(url, Form(PageClient.Token(page), "cancel", ("reason", "")))).HtmlAsync());
        var cancelled = await staff.PostAsync(url, Form(PageClient.Token(page), "cancel", ("reason", "与区人大视察重复")));
        Assert.Equal(HttpStatusCode.Redirect, cancelled.StatusCode);
        var after = await staff.GetHtmlAsync(cancelled.Target());
        Assert.Contains("项目已取消。", after);
        Assert.Contains("项目已取消", after);
        Assert.Contains("与区人大视察重复", after);
        Assert.DoesNotContain("保存调研组", after);
        Assert.DoesNotContain("确认取消项目", after);
        Assert.Contains("项目已取消，不能再办理调研方案", await (await staff.PostAsync(url, Form(PageClient.Token(after), "plan", ("action", "submit"), ("plan", "方案")))).HtmlAsync());
    }

    [Fact]
    public async Task Each_role_uses_its_forms_on_the_detail_page_and_others_are_refused()
    {
        await ProposalScenario.EnsureSessionAsync(app, "520200");
        var authorId = await app.WithDbAsync(db => db.Users.Where(u => u.UserName == "member.520200").Select(u => u.MemberId!.Value).FirstAsync());
        var others = await MembersOf("520200", 3);
        others.Remove(authorId);
        var api = await app.ClientAsAsync("staff.520200");
        var created = await api.PostAsJsonAsync("/api/research", new
        {
            title = "关于城区停车难问题的调研", kind = "research", organizerCodes = new[] { "520200" }, leaderId = others[0], memberIds = new[] { others[1] }, authorId,
        });
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt32();
        var url = $"/research/{id}";

        // Staff submit the plan on the page; the leader approves it there.
        var staff = await app.SignedInPageClientAsync("staff.520200");
        var page = await staff.GetHtmlAsync(url);
        Assert.Contains("提交调研方案", page);
        Assert.DoesNotContain("批准调研方案</button>", page);
        var submitted = await staff.PostAsync(url, Form(PageClient.Token(page), "plan", ("action", "submit"), ("plan", "走访三个街道，召开两场座谈会")));
        Assert.Equal(HttpStatusCode.Redirect, submitted.StatusCode);
        var leader = await app.SignedInPageClientAsync("leader.520200");
        var leaderPage = await leader.GetHtmlAsync(url);
        Assert.Contains("批准调研方案", leaderPage);
        // A return without a reason: the rule's message, nothing changed.
        var noReason = await leader.PostAsync(url, Form(PageClient.Token(leaderPage), "plan", ("action", "return")));
        Assert.Contains("须写明理由", await noReason.HtmlAsync());
        Assert.Equal(ResearchStatus.PlanSubmitted, await app.WithDbAsync(db => db.ResearchProjects.Where(p => p.Id == id).Select(p => p.Status).FirstAsync()));
        var approved = await leader.PostAsync(url, Form(PageClient.Token(leaderPage), "plan", ("action", "approve")));
        Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);
        Assert.Contains("done=plan-approve", approved.Target());
        Assert.Contains(ResearchWorkflow.DoneMessages["plan-approve"], await leader.GetHtmlAsync(approved.Target()));

        // The author uploads a photo; it shows as a thumbnail.
        var author = await app.SignedInPageClientAsync("member.520200");
        var authorPage = await author.GetHtmlAsync(url);
        var upload = new MultipartFormDataContent
        {
            { new StringContent(PageClient.Token(authorPage)), "__RequestVerificationToken" },
            { new StringContent("file"), "_handler" },
            { new StringContent("停车场现场"), "caption" },
        };
        var photo = new ByteArrayContent([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 0x4A, 0x46, 0x49, 0x46]);
        photo.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        upload.Add(photo, "file", "现场.jpg");
        var uploaded = await author.PostAsync(url, upload);
        Assert.Equal(HttpStatusCode.Redirect, uploaded.StatusCode);
        var fileId = await app.WithDbAsync(db => db.ResearchFiles.Where(f => f.ResearchProjectId == id).Select(f => f.Id).SingleAsync());
        authorPage = await author.GetHtmlAsync(url);
        Assert.Contains($"<img src=\"/api/research/files/{fileId}\"", authorPage);
        // A member may not add a trip (the form is not offered; a post gets the rule's message).
        var trip = await author.PostAsync(url, Form(PageClient.Token(authorPage), "fieldwork", ("kind", "visit"), ("startsAt", "2030-01-01T09:00"), ("endsAt", "2030-01-01T12:00"), ("place", "某地")));
        Assert.Contains("只有组织单位工作人员可以安排实地调研", await trip.HtmlAsync());

        // The author saves the report and turns the research into a proposal draft of their own.
        var reportSaved = await author.PostAsync(url, Form(PageClient.Token(authorPage), "report", ("title", "停车难调研报告"),
            ("body", "<p>正文</p>"), ("findings", "泊位缺口大"), ("suggestions", "建设立体停车场")));
        Assert.Equal(HttpStatusCode.Redirect, reportSaved.StatusCode);
        Assert.Contains("报告已保存。", await author.GetHtmlAsync(reportSaved.Target()));
        var toProposal = await author.PostAsync(url, Form(PageClient.Token(authorPage), "output", ("kind", "proposal")));
        Assert.Equal(HttpStatusCode.Redirect, toProposal.StatusCode);
        Assert.StartsWith("/proposals/", toProposal.Target());
        var proposalId = int.Parse(toProposal.Target()["/proposals/".Length..]);
        // The button is gone once used (a second draft is refused); the opinion button stays. The author's view links the draft.
        authorPage = await author.GetHtmlAsync(url);
        Assert.DoesNotContain("name=\"kind\" value=\"proposal\"", authorPage);
        Assert.Contains("name=\"kind\" value=\"opinion\"", authorPage);
        Assert.Contains($"href=\"/proposals/{proposalId}\"", authorPage);
        var twice = await author.PostAsync(url, Form(PageClient.Token(authorPage), "output", ("kind", "proposal")));
        Assert.Contains("同一项目只转一次", await twice.HtmlAsync());
        Assert.Equal(1, await app.WithDbAsync(db => db.ResearchOutputs.CountAsync(o => o.ResearchProjectId == id)));
        // Staff see the draft's title and state and where it waits, without a link to a page the proposals slice keeps from them.
        var staffPage = await (await app.SignedInPageClientAsync("staff.520200")).GetHtmlAsync(url);
        Assert.DoesNotContain($"href=\"/proposals/{proposalId}\"", staffPage);
        Assert.Contains("的草稿中，待其修改后提交；提交前只有其本人可以打开。", staffPage);
        Assert.Contains(">草稿</span>", staffPage);

        // Another district, a member not on the team and a handling unit are refused; their posts change nothing.
        var count = await app.WithDbAsync(db => db.ResearchEvents.CountAsync(e => e.ResearchProjectId == id));
        await TestAccounts.EnsureAsync(app, "unit.520200.research", Roles.HandlingUnit, "520200");
        foreach (var who in new[] { "staff.520204", "member.520201", "unit.520200.research" })
        {
            var client = await app.SignedInPageClientAsync(who);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(url)).StatusCode);
            var post = await client.PostAsync(url, Form(PageClient.Token(await client.GetHtmlAsync("/")), "report-act", ("action", "submit")));
            Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        }
        Assert.Equal(count, await app.WithDbAsync(db => db.ResearchEvents.CountAsync(e => e.ResearchProjectId == id)));
        var unit = await app.SignedInPageClientAsync("unit.520200.research");
        Assert.Equal(HttpStatusCode.Forbidden, (await unit.GetAsync("/research")).StatusCode);
    }

    [Fact]
    public async Task After_each_report_action_the_page_says_what_happened_from_the_one_table()
    {
        await ProposalScenario.EnsureSessionAsync(app, "520200");
        var team = await MembersOf("520200", 2);
        var api = await app.ClientAsAsync("staff.520200");
        var created = await api.PostAsJsonAsync("/api/research", new
        {
            title = "关于老旧小区加装电梯的调研", kind = "research", organizerCodes = new[] { "520200" }, leaderId = team[0], authorId = team[1],
        });
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt32();
        var url = $"/research/{id}";
        var staff = await app.SignedInPageClientAsync("staff.520200");
        var leader = await app.SignedInPageClientAsync("leader.520200");

        // Every step through the page: the redirect names the action and the page shows its message, never a bare 已保存。
        async Task StepAsync(HttpClient who, string form, string done, params (string Key, string Value)[] fields)
        {
            var res = await who.PostAsync(url, Form(PageClient.Token(await who.GetHtmlAsync(url)), form, fields));
            Assert.True(res.StatusCode == HttpStatusCode.Redirect, $"{form} {done}: {(int)res.StatusCode} {await res.Content.ReadAsStringAsync()}");
            Assert.Contains($"done={done}", res.Target());
            var html = await who.GetHtmlAsync(res.Target());
            Assert.Contains(ResearchWorkflow.DoneMessage(done, "市人民政府")!, html);
            Assert.DoesNotContain(">已保存。<", html);
        }
        await StepAsync(staff, "plan", "plan-submit", ("action", "submit"), ("plan", "走访五个小区，召开座谈会"));
        await StepAsync(leader, "plan", "plan-approve", ("action", "approve"));
        await StepAsync(staff, "report", "report-save", ("title", "加装电梯调研报告"), ("body", "<p>正文</p>"), ("findings", "协调难"), ("suggestions", "设补贴"));
        await StepAsync(staff, "report-act", "report-submit", ("action", "submit"));
        await StepAsync(leader, "report-act", "report-approve", ("action", "approve"));
        await StepAsync(staff, "report-act", "report-send", ("action", "send"), ("sentTo", "市人民政府"));
        Assert.Equal("报告已审定，可以报送。", ResearchWorkflow.DoneMessage("report-approve"));
        Assert.Contains("报告已报送市人民政府", ResearchWorkflow.DoneMessage("report-send", "市人民政府"));
        // An unknown code shows no message at all; every timeline event a form makes has a message.
        Assert.Null(ResearchWorkflow.DoneMessage("1"));
        Assert.DoesNotContain("alert-success", await staff.GetHtmlAsync(url + "?done=1"));
        foreach (var code in new[] { "plan-submit", "plan-approve", "plan-return", "report-save", "report-submit", "report-approve", "report-return", "report-send", "fieldwork", "file", "output", "team", "cancel" })
            Assert.True(ResearchWorkflow.DoneMessages.ContainsKey(code), code);
        Assert.All(ResearchWorkflow.DoneMessages.Keys, k => Assert.NotEqual(k, ResearchWorkflow.EventName(k)));
    }
}

public sealed class ResearchPagesSqliteTests(SqliteAppFactory app) : ResearchPagesTests(app), IClassFixture<SqliteAppFactory>;
public sealed class ResearchPagesPostgresTests(PostgresAppFactory app) : ResearchPagesTests(app), IClassFixture<PostgresAppFactory>;

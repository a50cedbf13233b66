using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Proposals;
using Xieshang.Web.Infrastructure;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Tests.Features.Proposals;

/// <summary>
/// The proposal pages (list, write/edit with co-signers and the similar panel, detail with the action forms, the unit's
/// home card) through HTTP with the login cookie, on both providers: who sees what, form posts that succeed
/// (post-redirect-get) and bad or stale posts that show the rules' Chinese message and change nothing.
/// </summary>
public abstract partial class ProposalPagesTests(AppFactory app)
{
    /// <summary>A Blazor form post: the page's antiforgery token, the form's name, and the fields (a key may repeat).</summary>
    private static FormUrlEncodedContent Form(string html, string handler, params (string Key, string Value)[] fields) =>
        new([KeyValuePair.Create("__RequestVerificationToken", PageClient.Token(html)), KeyValuePair.Create("_handler", handler),
            .. fields.Select(f => KeyValuePair.Create(f.Key, f.Value))]);

    /// <summary>A plenary session of 520200 open for between-session proposals, a second member of 520200 with an account (the co-signer).</summary>
    private async Task<(int CoSignerId, string CoSignerUser, string CoSignerName)> SetUpAsync()
    {
        var (id, name) = await app.WithDbAsync(async db =>
        {
            var c = await db.Committees.FirstAsync(x => x.Code == "520200");
            if (!await db.ProposalSessions.AnyAsync(s => s.CommitteeId == c.Id))
            {
                var today = ChinaTime.DayOf(DateTimeOffset.UtcNow);
                db.ProposalSessions.Add(new ProposalSession { CommitteeId = c.Id, Term = 9, Session = 2, Year = today.Year, OpensOn = new DateOnly(today.Year, 1, 1), ClosesOn = new DateOnly(today.Year, 1, 20) });
                await db.SaveChangesAsync();
            }
            var own = await db.Users.Where(u => u.UserName == "member.520200").Select(u => u.MemberId).FirstAsync();
            var m = await db.Members.Where(x => x.CommitteeId == c.Id && x.IsActive && x.Id != own).OrderBy(x => x.Id).Skip(1).Select(x => new { x.Id, x.Name }).FirstAsync();
            return (m.Id, m.Name);
        });
        await TestAccounts.EnsureAsync(app, "member.520200.pages", Roles.Member, "520200", id);
        return (id, "member.520200.pages", name);
    }

    private Task<int> CountAsync() => app.WithDbAsync(db => db.Proposals.CountAsync());

    /// <summary>A proposal by member.520200 straight in the database in <paramref name="status"/> (the workflow's own tests cover getting there).</summary>
    private Task<int> ProposalAsync(ProposalStatus status, string title, int? coSigner = null) => app.WithDbAsync(async db =>
    {
        var c = await db.Committees.FirstAsync(x => x.Code == "520200");
        var memberId = await db.Users.Where(u => u.UserName == "member.520200").Select(u => u.MemberId!.Value).FirstAsync();
        var m = await db.Members.FirstAsync(x => x.Id == memberId);
        var now = DateTimeOffset.UtcNow;
        var p = new Proposal
        {
            CommitteeId = c.Id, CommitteePath = c.Path, Status = status, Kind = ProposalKind.BetweenSession, ProposerType = ProposerType.Member,
            ProposerMemberId = m.Id, ProposerName = m.Name, SectorId = m.SectorId, Title = title, Body = "现状：……<br>建议：……",
            Term = 9, Session = 2, Year = now.Year, CreatedAt = now, SubmittedAt = status is ProposalStatus.Draft or ProposalStatus.CoSigning ? null : now, UpdatedAt = now,
            CreatedByUserId = await db.Users.Where(u => u.UserName == "member.520200").Select(u => u.Id).FirstAsync(),
            SearchText = ProposalSearch.BuildSearchText(title, "现状：……<br>建议：……", []),
        };
        if (coSigner is { } co) p.CoSigners.Add(new ProposalCoSigner { MemberId = co, Status = CoSignStatus.Pending });
        db.Proposals.Add(p);
        await db.SaveChangesAsync();
        return p.Id;
    });

    [Fact]
    public async Task Lists_fit_the_viewer_with_tabs_filters_and_scope()
    {
        await SetUpAsync();
        var unit = await TestProposals.UnitAsync(app, "520200");
        var assigned = await TestProposals.AssignedAsync(app, unit, title: "关于列表页测试的建议", dueOn: ChinaTime.DayOf(DateTimeOffset.UtcNow).AddDays(-1));
        var submitted = await ProposalAsync(ProposalStatus.Submitted, "关于待审查列表的建议");

        var member = await app.SignedInPageClientAsync("member.520200");
        var mine = await member.GetHtmlAsync("/proposals");
        Assert.Contains("我的提案", mine);
        Assert.Contains("本会已立案", mine);
        Assert.Contains("href=\"/proposals/new\"", mine);
        Assert.Contains("关于待审查列表的建议", mine); // own proposal under 我的提案
        var filed = await member.GetHtmlAsync("/proposals?tab=filed");
        Assert.Contains("关于列表页测试的建议", filed);
        Assert.DoesNotContain("关于待审查列表的建议", filed);

        var staff = await app.SignedInPageClientAsync("staff.520200");
        var review = await staff.GetHtmlAsync("/proposals");
        Assert.Contains("待审查", review);
        Assert.Contains("待交办", review);
        Assert.Contains($"href=\"/proposals/{submitted}\"", review);
        Assert.DoesNotContain($"href=\"/proposals/{assigned.ProposalId}\"", review);
        var searched = await staff.GetHtmlAsync("/proposals?tab=all&q=待审查列表");
        Assert.Contains($"href=\"/proposals/{submitted}\"", searched);
        Assert.DoesNotContain($"href=\"/proposals/{assigned.ProposalId}\"", searched);
        var inHand = await staff.GetHtmlAsync("/proposals?tab=in-hand");
        Assert.Contains($"href=\"/proposals/{assigned.ProposalId}\"", inHand);
        Assert.Contains(unit.Name, inHand);
        Assert.Matches("text-danger fw-semibold\">(<span[^>]*>[^<]*</span>)?答复期限", inHand); // overdue deadline in red
        // Unreadable filter values are ignored, not an error.
        Assert.Contains("待审查", await staff.GetHtmlAsync("/proposals?status=xyz&year=abc&page=-3&kind=none"));

        var unitClient = await app.SignedInPageClientAsync(unit.UserName);
        var todo = await unitClient.GetHtmlAsync("/proposals");
        Assert.Contains("待办", todo);
        Assert.Contains($"href=\"/proposals/{assigned.ProposalId}\"", todo);
        Assert.DoesNotContain($"href=\"/proposals/{submitted}\"", todo);
        Assert.DoesNotContain("href=\"/proposals/new\"", todo);
        var overdue = await unitClient.GetHtmlAsync("/proposals?tab=overdue");
        Assert.Contains($"href=\"/proposals/{assigned.ProposalId}\"", overdue);
        var home = await unitClient.GetHtmlAsync("/");
        Assert.Contains("待办提案", home);
        Assert.Matches(@"待办 \d+ 件，其中逾期 [1-9]\d* 件", home);
        Assert.Contains("href=\"/proposals\"", home); // the header link

        // Another district sees none of 六盘水市's proposals; a city committee the district cannot read is 403.
        var district = await app.SignedInPageClientAsync("staff.520204");
        var other = await district.GetHtmlAsync("/proposals?tab=all");
        Assert.DoesNotContain($"href=\"/proposals/{submitted}\"", other);
        Assert.DoesNotContain($"href=\"/proposals/{assigned.ProposalId}\"", other);
        Assert.Equal(HttpStatusCode.Forbidden, (await district.GetAsync("/proposals?committee=520200")).StatusCode);
    }

    /// <summary>The state codes offered by the list's status filter.</summary>
    private static List<string> StatusFilterOptions(string html)
    {
        var start = html.IndexOf("<select id=\"status\"", StringComparison.Ordinal);
        Assert.True(start >= 0, "no status filter on the page");
        var select = html[start..html.IndexOf("</select>", start, StringComparison.Ordinal)];
        return Regex.Matches(select, "<option value=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
    }

    [Fact]
    public async Task A_unit_is_offered_only_the_states_it_can_see_in_the_status_filter()
    {
        var unit = await TestProposals.UnitAsync(app, "520200");
        var client = await app.SignedInPageClientAsync(unit.UserName);
        string[] unitStates = ["assigned", "handling", "replied", "rated", "rehandling", "closed"];
        foreach (var tab in new[] { "todo", "answered", "overdue" })
        {
            var options = StatusFilterOptions(await client.GetHtmlAsync($"/proposals?tab={tab}"));
            Assert.NotEmpty(options);
            Assert.All(options, o => Assert.Contains(o, unitStates));
        }
        var overdue = StatusFilterOptions(await client.GetHtmlAsync("/proposals?tab=overdue"));
        Assert.Equal(unitStates.Order(), overdue.Order());
        foreach (var hidden in new[] { "联名中", "已提交", "审查中", "不予立案", "已并案", "退回修改", "已撤案", "草稿" })
            Assert.DoesNotContain($">{hidden}</option>", await client.GetHtmlAsync("/proposals?tab=overdue"));
        // A state it cannot see in the query string is ignored like any unreadable value (no filter, the page answers).
        Assert.DoesNotContain("<option value=\"submitted\" selected", await client.GetHtmlAsync("/proposals?tab=overdue&status=submitted"));

        // The office's 全部 tab still offers every state but drafts.
        var all = StatusFilterOptions(await (await app.SignedInPageClientAsync("staff.520200")).GetHtmlAsync("/proposals?tab=all"));
        Assert.Contains("submitted", all);
        Assert.Contains("withdrawn", all);
    }

    [Fact]
    public async Task A_member_writes_a_draft_with_a_co_signer_on_the_form_after_a_validation_error()
    {
        var (coId, _, coName) = await SetUpAsync();
        var member = await app.SignedInPageClientAsync("member.520200");
        var form = await member.GetHtmlAsync("/proposals/new");
        Assert.Contains("相似提案", form);
        Assert.Contains("js/proposal-similar", form);
        Assert.DoesNotContain("name=\"coSigner\"", form); // nobody chosen yet
        var before = await CountAsync();

        // No title: the rule's Chinese message, nothing stored, what was typed is kept.
        var bad = await member.PostAsync("/proposals/new", Form(form, "proposal", ("title", ""), ("kind", "between-session"), ("body", "第一行\n第二行"), ("op", "save")));
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        var badHtml = await bad.HtmlAsync();
        Assert.Contains("请填写提案标题。", badHtml);
        Assert.Contains("第一行\n第二行", badHtml);
        Assert.Equal(before, await CountAsync());

        // 查找 a co-signer by name inside the form: nothing saved, the match offered.
        var find = await member.PostAsync("/proposals/new", Form(form, "proposal", ("title", "关于加强社区养老服务的建议"), ("kind", "between-session"),
            ("body", "现状\n建议"), ("memberQuery", coName), ("op", "find")));
        var found = await find.HtmlAsync();
        Assert.Contains($"name=\"coSigner\" value=\"{coId}\"", found);
        Assert.Contains("value=\"关于加强社区养老服务的建议\"", found);
        Assert.Equal(before, await CountAsync());

        var save = await member.PostAsync("/proposals/new", Form(found, "proposal", ("title", "关于加强社区养老服务的建议"), ("kind", "between-session"),
            ("body", "现状：老年人多。\n建议：建设日间照料中心。"), ("coSigner", coId.ToString()), ("op", "save")));
        Assert.Equal(HttpStatusCode.Redirect, save.StatusCode);
        Assert.Matches(@"^/proposals/\d+\?done=saved$", save.Target());
        var id = int.Parse(Regex.Match(save.Target(), @"\d+").Value);
        var stored = await app.WithDbAsync(db => db.Proposals.Include(p => p.CoSigners).FirstAsync(p => p.Id == id));
        Assert.Equal(ProposalStatus.Draft, stored.Status);
        Assert.Equal("现状：老年人多。<br>建议：建设日间照料中心。", stored.Body);
        Assert.Equal([coId], stored.CoSigners.Select(c => c.MemberId));

        // The detail shows the draft with its co-signer; the edit page gives the lines back; then submit from the edit page.
        var detail = await member.GetHtmlAsync($"/proposals/{id}?done=saved");
        Assert.Contains("已保存草稿。", detail);
        Assert.Contains(coName, detail);
        var edit = await member.GetHtmlAsync($"/proposals/{id}/edit");
        Assert.Contains("现状：老年人多。\n建议：建设日间照料中心。", edit);
        var submit = await member.PostAsync($"/proposals/{id}/edit", Form(edit, "proposal", ("title", "关于加强社区养老服务的建议"), ("kind", "between-session"),
            ("body", "现状：老年人多。\n建议：建设日间照料中心。"), ("coSigner", coId.ToString()), ("version", stored.Version.ToString()), ("op", "submit")));
        Assert.Equal($"/proposals/{id}?done=submit", submit.Target());
        Assert.Equal(ProposalStatus.CoSigning, await app.WithDbAsync(db => db.Proposals.Where(p => p.Id == id).Select(p => p.Status).FirstAsync()));
        // Once submitted it can no longer be edited.
        Assert.Contains("不能修改", await member.GetHtmlAsync($"/proposals/{id}/edit"));
    }

    [Fact]
    public async Task The_write_page_is_for_members_and_staff_only_and_the_edit_page_for_the_proposer()
    {
        await SetUpAsync();
        var unit = await TestProposals.UnitAsync(app, "520200");
        var draft = await ProposalAsync(ProposalStatus.Draft, "关于页面权限测试的建议");
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.SignedInPageClientAsync(unit.UserName)).GetAsync("/proposals/new")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.SignedInPageClientAsync("leader.520200")).GetAsync("/proposals/new")).StatusCode);
        var staffForm = await (await app.SignedInPageClientAsync("staff.520200")).GetHtmlAsync("/proposals/new");
        Assert.Contains("录入集体提案", staffForm);
        Assert.Contains("name=\"proposerName\"", staffForm);

        // Another member of the committee may not edit (nor see) the draft: 404 like an unknown id, so the page does
        // not confirm the draft exists (the API answers the same).
        var (_, coUser, _) = await SetUpAsync();
        var colleague = await app.SignedInPageClientAsync(coUser);
        var hiddenEdit = await colleague.GetAsync($"/proposals/{draft}/edit");
        Assert.Equal(HttpStatusCode.NotFound, hiddenEdit.StatusCode);
        Assert.DoesNotContain("关于页面权限测试的建议", await hiddenEdit.HtmlAsync());
        var hidden = await colleague.GetAsync($"/proposals/{draft}");
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        Assert.DoesNotContain("关于页面权限测试的建议", await hidden.HtmlAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await colleague.GetAsync("/proposals/999999")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await colleague.GetAsync("/proposals/999999/edit")).StatusCode);
        // Staff see no drafts: 404 too. Staff who see a submitted proposal may still not edit it: 403 (it is no secret).
        var staff = await app.SignedInPageClientAsync("staff.520200");
        Assert.Equal(HttpStatusCode.NotFound, (await staff.GetAsync($"/proposals/{draft}")).StatusCode);
        var submitted = await ProposalAsync(ProposalStatus.Submitted, "关于页面权限测试的第二条建议");
        Assert.Equal(HttpStatusCode.OK, (await staff.GetAsync($"/proposals/{submitted}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.GetAsync($"/proposals/{submitted}/edit")).StatusCode);
    }

    [Fact]
    public async Task The_similar_panel_lists_filed_proposals_the_member_may_see()
    {
        await SetUpAsync();
        var unit = await TestProposals.UnitAsync(app, "520200");
        var earlier = await TestProposals.AssignedAsync(app, unit, title: "关于推进城乡垃圾分类处理设施建设的建议");
        await app.WithDbAsync(async db =>
        {
            var p = await db.Proposals.FirstAsync(x => x.Id == earlier.ProposalId);
            p.SearchText = ProposalSearch.BuildSearchText(p.Title, "建议加快垃圾分类处理设施建设，完善城乡垃圾分类收运体系。", []);
            p.UpdatedAt = DateTimeOffset.UtcNow;
            await db.SaveChangesAsync();
            await app.Services.GetRequiredService<SimilarIndex>().RefreshAsync(db, CancellationToken.None);
            return 0;
        });
        var member = await app.SignedInPageClientAsync("member.520200");
        var form = await member.GetHtmlAsync("/proposals/new");
        // Without script: the panel is computed from the posted text.
        var res = await member.PostAsync("/proposals/new", Form(form, "proposal", ("title", "关于完善垃圾分类处理设施的建议"), ("kind", "between-session"),
            ("body", "城乡垃圾分类收运体系不完善。"), ("op", "similar")));
        var html = await res.HtmlAsync();
        Assert.Contains($"href=\"/proposals/{earlier.ProposalId}\"", html);
        Assert.Contains("相似度", html);

        // A district member sees nothing of the city's.
        var other = await app.SignedInPageClientAsync("member.520204");
        var otherForm = await other.GetHtmlAsync("/proposals/new");
        var otherRes = await other.PostAsync("/proposals/new", Form(otherForm, "proposal", ("title", "关于完善垃圾分类处理设施的建议"), ("kind", "between-session"),
            ("body", "城乡垃圾分类收运体系不完善。"), ("op", "similar")));
        Assert.DoesNotContain($"href=\"/proposals/{earlier.ProposalId}\"", await otherRes.HtmlAsync());
    }

    [Fact]
    public async Task The_detail_offers_each_viewer_its_actions_and_refuses_the_others()
    {
        var (coId, coUser, _) = await SetUpAsync();
        var id = await ProposalAsync(ProposalStatus.CoSigning, "关于联名签署页面的建议", coSigner: coId);

        var co = await app.SignedInPageClientAsync(coUser);
        var coPage = await co.GetHtmlAsync($"/proposals/{id}");
        Assert.Contains("同意联名", coPage);
        Assert.Contains("name=\"_handler\" value=\"act-sign\"", coPage);
        var member = await app.SignedInPageClientAsync("member.520200");
        var mine = await member.GetHtmlAsync($"/proposals/{id}");
        Assert.DoesNotContain("act-sign", mine);
        Assert.Contains("act-withdraw", mine);

        // The proposer posts the co-signer's form: refused with the rule's message (403), nothing changes.
        var wrong = await member.PostAsync($"/proposals/{id}", Form(mine, "act-sign"));
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        Assert.Contains("您无权", await wrong.HtmlAsync());
        Assert.Equal(CoSignStatus.Pending, await app.WithDbAsync(db => db.ProposalCoSigners.Where(c => c.ProposalId == id).Select(c => c.Status).FirstAsync()));

        // The co-signer signs: post-redirect-get with a flash; the proposal goes on to the office.
        var version = await app.WithDbAsync(db => db.Proposals.Where(p => p.Id == id).Select(p => p.Version).FirstAsync());
        var sign = await co.PostAsync($"/proposals/{id}", Form(coPage, "act-sign", ("version", version.ToString())));
        Assert.Equal($"/proposals/{id}?done=sign", sign.Target());
        Assert.Contains("您已同意联名。", await co.GetHtmlAsync(sign.Target()));
        Assert.Equal(ProposalStatus.Submitted, await app.WithDbAsync(db => db.Proposals.Where(p => p.Id == id).Select(p => p.Status).FirstAsync()));

        // Staff of another district: 404 (as for an unknown id); staff of the committee see 立案 and the other review actions.
        Assert.Equal(HttpStatusCode.NotFound, (await (await app.SignedInPageClientAsync("staff.520204")).GetAsync($"/proposals/{id}")).StatusCode);
        var staff = await app.SignedInPageClientAsync("staff.520200");
        var review = await staff.GetHtmlAsync($"/proposals/{id}");
        foreach (var action in new[] { "act-file", "act-reject", "act-merge", "act-return" }) Assert.Contains(action, review);
        Assert.Contains("涉及党和国家秘密的", review); // the grounds dropdown

        // Bad input: 不予立案 without a ground — the Chinese message, nothing changed.
        var before = await app.WithDbAsync(db => db.Proposals.Where(p => p.Id == id).Select(p => new { p.Status, p.Version }).FirstAsync());
        var reject = await staff.PostAsync($"/proposals/{id}", Form(review, "act-reject", ("version", before.Version.ToString()), ("explanation", "说明")));
        Assert.Equal(HttpStatusCode.OK, reject.StatusCode);
        Assert.Contains("请选择不予立案的理由", await reject.HtmlAsync());
        // A stale form (someone started the review meanwhile) gets the conflict message and changes nothing.
        await staff.PostAsync($"/proposals/{id}", Form(review, "act-review", ("version", before.Version.ToString())));
        var stale = await staff.PostAsync($"/proposals/{id}", Form(review, "act-file", ("version", before.Version.ToString())));
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        var staleHtml = await stale.HtmlAsync();
        Assert.Contains("该提案刚刚已被他人处理", staleHtml);
        Assert.DoesNotContain("Exception", staleHtml);
        var after = await app.WithDbAsync(db => db.Proposals.Where(p => p.Id == id).Select(p => new { p.Status, p.Number }).FirstAsync());
        Assert.Equal(ProposalStatus.UnderReview, after.Status);
        Assert.Equal("", after.Number);
        // With the fresh version, filing works.
        var fresh = await staff.GetHtmlAsync($"/proposals/{id}");
        var v2 = await app.WithDbAsync(db => db.Proposals.Where(p => p.Id == id).Select(p => p.Version).FirstAsync());
        var file = await staff.PostAsync($"/proposals/{id}", Form(fresh, "act-file", ("version", v2.ToString())));
        Assert.Equal($"/proposals/{id}?done=file", file.Target());
        Assert.Matches(@"九届[一二三四五六七八九十]+次会议第\d{4}号", await staff.GetHtmlAsync($"/proposals/{id}"));
    }

    [Fact]
    public async Task A_unit_logs_a_contact_and_replies_on_its_page_and_a_bad_contact_changes_nothing()
    {
        await SetUpAsync();
        var unit = await TestProposals.UnitAsync(app, "520200");
        var other = await TestProposals.UnitAsync(app, "520200");
        var p = await TestProposals.AssignedAsync(app, unit, title: "关于单位页面办理的建议");
        var client = await app.SignedInPageClientAsync(unit.UserName);
        var page = await client.GetHtmlAsync($"/proposals/{p.ProposalId}");
        Assert.Contains("act-contact", page);
        Assert.Contains("act-return-assignment", page);
        Assert.DoesNotContain("act-file", page);
        // A unit without an assignment does not see it: 404.
        Assert.Equal(HttpStatusCode.NotFound, (await (await app.SignedInPageClientAsync(other.UserName)).GetAsync($"/proposals/{p.ProposalId}")).StatusCode);

        var version = await app.WithDbAsync(db => db.Proposals.Where(x => x.Id == p.ProposalId).Select(x => x.Version).FirstAsync());
        var bad = await client.PostAsync($"/proposals/{p.ProposalId}", Form(page, "act-contact", ("version", version.ToString()), ("method", "phone"), ("on", "2026-13-45"), ("summary", "x")));
        Assert.Contains("日期格式不对", await bad.HtmlAsync());
        var empty = await client.PostAsync($"/proposals/{p.ProposalId}", Form(page, "act-contact", ("version", version.ToString()), ("method", "phone"), ("summary", "")));
        Assert.Contains("请简要记录沟通内容。", await empty.HtmlAsync());
        Assert.Equal(0, await app.WithDbAsync(db => db.ContactLogs.CountAsync(c => c.ProposalId == p.ProposalId)));

        var ok = await client.PostAsync($"/proposals/{p.ProposalId}", Form(page, "act-contact", ("version", version.ToString()), ("method", "face-to-face"),
            ("persons", "提案人；局办公室"), ("summary", "当面沟通办理思路。")));
        Assert.Equal($"/proposals/{p.ProposalId}?done=contact", ok.Target());
        var handling = await client.GetHtmlAsync(ok.Target());
        Assert.Contains("当面沟通办理思路。", handling);

        // The reply, with a file (multipart), public.
        var v2 = await app.WithDbAsync(db => db.Proposals.Where(x => x.Id == p.ProposalId).Select(x => x.Version).FirstAsync());
        var multipart = new MultipartFormDataContent
        {
            { new StringContent(PageClient.Token(handling)), "__RequestVerificationToken" }, { new StringContent("act-reply"), "_handler" },
            { new StringContent(v2.ToString()), "version" }, { new StringContent("A"), "class" }, { new StringContent("已采纳，\n年内完成。"), "text" },
            { new StringContent("true"), "public" }, { new ByteArrayContent("答复函"u8.ToArray()), "file", "答复函.txt" },
        };
        var reply = await client.PostAsync($"/proposals/{p.ProposalId}", multipart);
        Assert.Equal($"/proposals/{p.ProposalId}?done=reply", reply.Target());
        var replied = await client.GetHtmlAsync(reply.Target());
        Assert.Contains("A类（已解决或采纳）", replied);
        Assert.Contains("答复函.txt", replied);
        Assert.Equal(ProposalStatus.Replied, await app.WithDbAsync(db => db.Proposals.Where(x => x.Id == p.ProposalId).Select(x => x.Status).FirstAsync()));
    }
}

public sealed class ProposalPagesSqliteTests(SqliteAppFactory f) : ProposalPagesTests(f), IClassFixture<SqliteAppFactory>;
public sealed class ProposalPagesPostgresTests(PostgresAppFactory f) : ProposalPagesTests(f), IClassFixture<PostgresAppFactory>;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Support;
using Xieshang.Web.Infrastructure.Auth;

namespace Xieshang.Tests.Features.Reading;

/// <summary>
/// The reading pages: /reading (a member's groups; staff's groups in scope and the 新建读书小组 form with the member filter,
/// Chinese errors with typed values kept and nothing saved), /reading/groups/{id} (the labelled check-in form at the top
/// for a member, a check-in with a note posted and shown sanitised, the leader's 精选 button and the featured filter; a
/// plain member's post to the leader's form refused with nothing changed; other districts, outsiders and handling units
/// refused), /reading/me (the member's reading and duty records) and /reading/rules (staff only).
/// </summary>
public abstract class ReadingPagesTests(AppFactory app)
{
    /// <summary>The entry checkin-<paramref name="cid"/> holds an open 评论 box with <paramref name="message"/> inside it.</summary>
    private static void AssertRefusedInOpenBox(string html, int cid, string message)
    {
        var entry = html.IndexOf($"id=\"checkin-{cid}\"", StringComparison.Ordinal);
        Assert.True(entry >= 0);
        var box = html.IndexOf("<details class=\"xs-reading-reply\" open", entry, StringComparison.Ordinal);
        Assert.True(box > entry, "the comment box of the entry is open");
        var shown = html.IndexOf(message, box, StringComparison.Ordinal);
        Assert.True(shown > box && shown < html.IndexOf("</details>", box, StringComparison.Ordinal), "the message is inside the open box");
        Assert.Single(Regex.Matches(html, Regex.Escape(message)));
    }

    private static FormUrlEncodedContent Form(string token, string handler, params (string Key, string Value)[] fields) =>
        new(new[] { new KeyValuePair<string, string>("__RequestVerificationToken", token), new KeyValuePair<string, string>("_handler", handler) }
            .Concat(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value))));

    private Task<List<int>> FreshMembersAsync(string code, int n) => app.WithDbAsync(db => db.Members
        .Where(m => m.Committee!.Code == code && m.IsActive && !db.ReadingGroupMembers.Any(x => x.MemberId == m.Id) && !db.Users.Any(u => u.MemberId == m.Id))
        .OrderBy(m => m.Id).Select(m => m.Id).Take(n).ToListAsync());

    private async Task<HttpClient> MemberPageAsync(int id)
    {
        await TestAccounts.EnsureAsync(app, $"rdp.{id}", Roles.Member, "520201", id);
        return await app.SignedInPageClientAsync($"rdp.{id}");
    }

    private async Task<(int Id, List<int> M)> GroupAsync()
    {
        var m = await FreshMembersAsync("520201", 3);
        var res = await (await app.ClientAsAsync("staff.520201")).PostAsJsonAsync("/api/reading-groups", new { name = "页面测试读书小组", committeeCode = "520201", leaderId = m[0], memberIds = m.Skip(1).ToArray() });
        Assert.Equal(HttpStatusCode.Created, res.StatusCode);
        return (JsonDocument.Parse(await res.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt32(), m);
    }

    private Task<string> SnapshotAsync() => app.WithDbAsync(async db => string.Join("|",
        await db.ReadingGroups.CountAsync(), await db.ReadingCheckIns.CountAsync(), await db.ReadingComments.CountAsync(), await db.ReadingBooks.CountAsync(),
        await db.ReadingCheckIns.CountAsync(c => c.FeaturedAt != null), await db.DutyRecords.CountAsync(r => r.RuleCode.StartsWith("reading."))));

    [Fact]
    public async Task Staff_create_a_group_on_the_reading_page_with_Chinese_errors_and_a_member_filter()
    {
        var staff = await app.SignedInPageClientAsync("staff.520201");
        var page = await staff.GetHtmlAsync("/reading");
        Assert.Contains("新建读书小组", page);
        Assert.Contains("data-filter-selects=\"leaderId memberIds\"", page);
        Assert.Matches("<page-script src=\"/?js/member-filter[^\"]*\\.js\"", page);
        var token = PageClient.Token(page);
        var m = await FreshMembersAsync("520201", 3);
        // Members are plain labelled checkboxes (no Ctrl-click multi-select), each row a filter item for member-filter.js.
        Assert.DoesNotContain("<select id=\"memberIds\"", page);
        Assert.Contains("<div id=\"memberIds\" class=\"xs-reading-picks", page);
        Assert.Contains($"type=\"checkbox\" name=\"memberIds\" id=\"memberIds-{m[1]}\" value=\"{m[1]}\" />", page);
        Assert.Contains($"<label class=\"form-check-label\" for=\"memberIds-{m[1]}\">", page);
        Assert.DoesNotContain("Ctrl", page);
        var before = await SnapshotAsync();
        var bad = await staff.PostAsync("/reading", Form(token, "create", ("name", "机关读书会"), ("committeeCode", "520201"), ("memberIds", m[1].ToString())));
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        var html = await bad.HtmlAsync();
        Assert.Contains("请选择领读人", html);
        Assert.Contains("value=\"机关读书会\"", html);
        // The ticked member stays ticked, the others do not.
        Assert.Matches($"id=\"memberIds-{m[1]}\" value=\"{m[1]}\" checked", html);
        Assert.Contains($"id=\"memberIds-{m[2]}\" value=\"{m[2]}\" />", html);
        Assert.Equal(before, await SnapshotAsync());

        var ok = await staff.PostAsync("/reading", Form(token, "create", ("name", "机关读书会"), ("committeeCode", "520201"), ("leaderId", m[0].ToString()),
            ("memberIds", m[1].ToString()), ("memberIds", m[2].ToString()), ("description", "每月共读一本书")));
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        // Lands on the new group with a banner in view.
        Assert.Matches("^/reading/groups/\\d+\\?done=created$", ok.Target());
        Assert.EndsWith("?done=created#done", ok.Headers.Location!.OriginalString);
        var groupUrl = ok.Target().Split('?')[0];
        var detail = await staff.GetHtmlAsync(ok.Target());
        Assert.Contains("id=\"done\">已创建读书小组“机关读书会”", detail);
        Assert.DoesNotContain("已创建读书小组", await staff.GetHtmlAsync(groupUrl));
        // An edit lands on the banner too (已保存) with the new name.
        var edited = await staff.PostAsync(groupUrl, Form(PageClient.Token(detail), "edit", ("name", "机关读书会（二）"), ("description", "每月共读一本书"),
            ("leaderId", m[0].ToString()), ("memberIds", m[0].ToString()), ("memberIds", m[1].ToString()), ("memberIds", m[2].ToString())));
        Assert.Equal(HttpStatusCode.Redirect, edited.StatusCode);
        Assert.Equal($"{groupUrl}?done=edit", edited.Target());
        Assert.EndsWith("?done=edit#done", edited.Headers.Location!.OriginalString);
        var editedHtml = await staff.GetHtmlAsync(edited.Target());
        Assert.Contains("id=\"done\">小组信息已保存", editedHtml);
        Assert.Contains("机关读书会（二）", editedHtml);
        Assert.Contains("管理小组", detail);
        Assert.DoesNotContain("id=\"ci-book\"", detail); // staff are not readers of the group
        Assert.Contains("机关读书会", await staff.GetHtmlAsync("/reading"));
        // Another district's staff and a handling unit.
        // A group outside what the viewer may see is answered by the not-found page (its existence is not revealed).
        var otherDistrict = await (await app.SignedInPageClientAsync("staff.520204")).GetAsync(groupUrl);
        Assert.Equal(HttpStatusCode.NotFound, otherDistrict.StatusCode);
        Assert.DoesNotContain("机关读书会", await otherDistrict.HtmlAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.SignedInPageClientAsync("staff.520204")).GetAsync("/reading?committee=520201")).StatusCode);
        await TestAccounts.EnsureAsync(app, "unit.520201.readpage", Roles.HandlingUnit, "520201");
        var unit = await app.SignedInPageClientAsync("unit.520201.readpage");
        Assert.Equal(HttpStatusCode.Forbidden, (await unit.GetAsync("/reading")).StatusCode);
        var unitGroup = await unit.GetAsync(groupUrl);
        Assert.Equal(HttpStatusCode.NotFound, unitGroup.StatusCode);
        Assert.DoesNotContain("成员", await unitGroup.HtmlAsync());
    }

    [Fact]
    public async Task A_member_checks_in_at_the_top_of_the_group_page_the_leader_features_the_note_and_it_shows_on_my_reading()
    {
        var (id, m) = await GroupAsync();
        var url = $"/reading/groups/{id}";
        var member = await MemberPageAsync(m[1]);
        var page = await member.GetHtmlAsync(url);
        // The check-in form comes before the feed, the plan and the stats; every control has a label.
        Assert.True(page.IndexOf("id=\"checkin\"", StringComparison.Ordinal) < page.IndexOf("id=\"feed\"", StringComparison.Ordinal));
        Assert.True(page.IndexOf("id=\"feed\"", StringComparison.Ordinal) < page.IndexOf("id=\"plan\"", StringComparison.Ordinal));
        foreach (var control in new[] { "ci-book", "ci-progress", "ci-minutes", "ci-day", "ci-finished", "ci-note" })
        {
            Assert.Contains($"for=\"{control}\"", page);
            Assert.Contains($"id=\"{control}\"", page);
        }
        Assert.DoesNotContain("管理小组", page);
        var token = PageClient.Token(page);
        var before = await SnapshotAsync();
        var bad = await member.PostAsync(url, Form(token, "checkin", ("book", "乡土中国"), ("minutes", "0"), ("note", "草稿")));
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        var badHtml = await bad.HtmlAsync();
        Assert.Contains("1 到 600", badHtml);
        Assert.Contains(">草稿</textarea>", badHtml);
        Assert.Equal(before, await SnapshotAsync());

        var ok = await member.PostAsync(url, Form(token, "checkin", ("book", "《乡土中国》"), ("progress", "第1章"), ("minutes", "45"), ("finished", "true"),
            ("note", "乡土社会的信任<script>alert(1)</script>\n第二段")));
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        Assert.StartsWith($"{url}?done=checkin", ok.Target());
        var cid = await app.WithDbAsync(db => db.ReadingCheckIns.Where(c => c.GroupId == id).Select(c => c.Id).SingleAsync());
        var after = await member.GetHtmlAsync(url + "?done=checkin");
        Assert.Contains("打卡成功", after);
        Assert.Contains("乡土社会的信任", after);
        Assert.DoesNotContain("alert(1)</script>", after);
        Assert.Contains("《乡土中国》 · 第1章", after);
        Assert.DoesNotContain($"feature-{cid}", after); // a plain member has no 精选 button

        // A plain member posting the leader's feature form: refused, nothing changed.
        var snapshot = await SnapshotAsync();
        var forged = await member.PostAsync(url, Form(PageClient.Token(after), $"feature-{cid}", ("featured", "true")));
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Equal(snapshot, await SnapshotAsync());

        var leader = await MemberPageAsync(m[0]);
        var leaderPage = await leader.GetHtmlAsync(url);
        Assert.Contains($"feature-{cid}", leaderPage);
        var featured = await leader.PostAsync(url, Form(PageClient.Token(leaderPage), $"feature-{cid}", ("featured", "true")));
        Assert.Equal(HttpStatusCode.Redirect, featured.StatusCode);
        var filtered = await leader.GetHtmlAsync(url + "?featured=1");
        Assert.Contains("乡土社会的信任", filtered);
        Assert.Contains("xs-reading-featured", filtered);
        var commented = await leader.PostAsync(url, Form(PageClient.Token(filtered), $"comment-{cid}", ("text", "很有见地")));
        Assert.Equal(HttpStatusCode.Redirect, commented.StatusCode);
        Assert.Contains("很有见地", await member.GetHtmlAsync(url));

        // A refused comment comes back to its entry: the forms post to #checkin-{id}, the 评论 box is open with the message
        // inside it and the typed text kept; nothing changed.
        var entryPage = await leader.GetHtmlAsync(url);
        Assert.Contains($"action=\"{url}#checkin-{cid}\"", entryPage);
        Assert.Contains($"id=\"checkin-{cid}\"", entryPage);
        var beforeComment = await SnapshotAsync();
        var empty = await leader.PostAsync(url, Form(PageClient.Token(entryPage), $"comment-{cid}", ("text", "  ")));
        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
        AssertRefusedInOpenBox(await empty.HtmlAsync(), cid, "请填写评论内容");
        var tooLong = await leader.PostAsync(url, Form(PageClient.Token(entryPage), $"comment-{cid}", ("text", "长" + new string('评', 500))));
        var tooLongHtml = await tooLong.HtmlAsync();
        AssertRefusedInOpenBox(tooLongHtml, cid, "评论最多 500 个字");
        Assert.Contains($"value=\"长{new string('评', 500)}\"", tooLongHtml);
        Assert.Equal(beforeComment, await SnapshotAsync());

        var me = await member.GetHtmlAsync("/reading/me");
        Assert.Contains("我的阅读", me);
        Assert.Contains("读书笔记获领读人精选", me);
        Assert.Contains("页面测试读书小组", me);
        Assert.Contains("乡土中国", me);

        // The leader has no 退出 button; the member leaves from the group page and is back on /reading.
        Assert.DoesNotContain("退出读书小组", leaderPage);
        var groupPage = await member.GetHtmlAsync(url);
        var left = await member.PostAsync(url, Form(PageClient.Token(groupPage), "leave"));
        Assert.Equal(HttpStatusCode.Redirect, left.StatusCode);
        Assert.Equal("/reading?left=1", left.Target());
        Assert.Contains("您已退出读书小组", await member.GetHtmlAsync(left.Target()));
        Assert.Equal(HttpStatusCode.NotFound, (await member.GetAsync(url)).StatusCode);

        // Outsiders: a member not in the group, another district's staff.
        var outsider = await MemberPageAsync((await FreshMembersAsync("520201", 1))[0]);
        // Both see the not-found page, the same as for an unknown id.
        var hidden = await outsider.GetAsync(url);
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        Assert.DoesNotContain("页面测试读书小组", await hidden.HtmlAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync("/reading/groups/99999999")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await (await app.SignedInPageClientAsync("staff.520204")).GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.SignedInPageClientAsync("staff.520201")).GetAsync("/reading/me")).StatusCode);
    }

    [Fact]
    public async Task The_delete_button_is_a_quiet_link_that_asks_first_and_the_desktop_layout_has_a_right_column()
    {
        var (id, m) = await GroupAsync();
        var url = $"/reading/groups/{id}";
        var member = await MemberPageAsync(m[1]);
        foreach (var book in new[] { "乡土中国", "论语", "红楼梦" })
            Assert.Equal(HttpStatusCode.Redirect, (await member.PostAsync(url, Form(PageClient.Token(await member.GetHtmlAsync(url)), "checkin", ("book", book), ("minutes", "30")))).StatusCode);
        var ids = await app.WithDbAsync(db => db.ReadingCheckIns.Where(c => c.GroupId == id).OrderBy(c => c.Id).Select(c => c.Id).ToListAsync());
        var page = await member.GetHtmlAsync(url);

        // Each own entry: 删除 is a grey link-style summary; the red (outline) button is inside, after a question.
        Assert.Equal(3, Regex.Count(page, "<details class=\"xs-reading-reply xs-reading-delete\">"));
        Assert.Equal(3, Regex.Count(page, "<summary class=\"btn btn-sm btn-link link-secondary text-decoration-none px-1\">删除</summary>"));
        Assert.DoesNotContain("btn-danger", page);
        var form = page[page.IndexOf($"name=\"_handler\" value=\"delete-{ids[0]}\"", StringComparison.Ordinal)..];
        Assert.True(form.IndexOf("删除这条打卡？", StringComparison.Ordinal) < form.IndexOf("确认删除</button>", StringComparison.Ordinal));

        // Layout: check-in and feed in the main column, then plan, books, stats and members in the right one (phone: one column, same order).
        var main = page.IndexOf("<div class=\"col-lg-8\">", StringComparison.Ordinal);
        var side = page.IndexOf("<div class=\"col-lg-4 xs-reading-side\">", StringComparison.Ordinal);
        Assert.True(main > 0 && main < page.IndexOf("id=\"checkin\"", StringComparison.Ordinal));
        Assert.True(page.IndexOf("id=\"feed\"", StringComparison.Ordinal) < side);
        Assert.True(side < page.IndexOf("id=\"plan\"", StringComparison.Ordinal));
        Assert.True(page.IndexOf("id=\"books\"", StringComparison.Ordinal) < page.IndexOf("id=\"stats\"", StringComparison.Ordinal));

        // Another member cannot post the delete form of someone else's entry; nothing changes.
        var other = await MemberPageAsync(m[2]);
        var before = await SnapshotAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await other.PostAsync(url, Form(PageClient.Token(await other.GetHtmlAsync(url)), $"delete-{ids[0]}"))).StatusCode);
        Assert.Equal(before, await SnapshotAsync());

        // The confirmation posts the delete: the entry is gone, the others stay.
        var deleted = await member.PostAsync(url, Form(PageClient.Token(page), $"delete-{ids[0]}"));
        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        Assert.StartsWith($"{url}?done=delete", deleted.Target());
        Assert.Equal(ids.Skip(1), await app.WithDbAsync(db => db.ReadingCheckIns.Where(c => c.GroupId == id).OrderBy(c => c.Id).Select(c => c.Id).ToListAsync()));

        // Staff managing the group tick members in the 管理 form too (checkboxes with the current members ticked).
        var staffPage = await (await app.SignedInPageClientAsync("staff.520201")).GetHtmlAsync(url);
        Assert.Contains("data-filter-selects=\"ed-leader ed-members\"", staffPage);
        Assert.Matches($"id=\"ed-members-{m[1]}\" value=\"{m[1]}\" checked", staffPage);
    }

    [Fact]
    public async Task Staff_edit_the_committees_reading_rule_on_the_rules_page_and_others_may_not()
    {
        var staff = await app.SignedInPageClientAsync("staff.520204");
        var page = await staff.GetHtmlAsync("/reading/rules");
        Assert.Contains("使用默认规则", page);
        Assert.Contains("for=\"r-checkins\"", page);
        var before = await SnapshotAsync();
        var bad = await staff.PostAsync("/reading/rules", Form(PageClient.Token(page), "rule", ("committee", "520204"), ("monthlyMinCheckIns", "40"), ("monthlyMinMinutes", "60")));
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        Assert.Contains("1 到 31", await bad.HtmlAsync());
        Assert.Equal(before, await SnapshotAsync());
        // Another district's committee in the form: refused.
        var other = await staff.PostAsync("/reading/rules", Form(PageClient.Token(page), "rule", ("committee", "520201"), ("monthlyMinCheckIns", "2"), ("monthlyMinMinutes", "60")));
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Equal(before, await SnapshotAsync());
        try
        {
            var ok = await staff.PostAsync("/reading/rules", Form(PageClient.Token(page), "rule", ("committee", "520204"), ("monthlyMinCheckIns", "6"), ("monthlyMinMinutes", "200"), ("featuredNoteCounts", "true")));
            Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
            var saved = await staff.GetHtmlAsync(ok.Target());
            Assert.Contains("本会已设置自己的规则", saved);
            Assert.Contains("value=\"200\"", saved);
        }
        finally
        {
            await app.WithDbAsync(db => db.ReadingDutyRules.Where(r => r.CommitteePath.EndsWith("/520204/")).ExecuteDeleteAsync());
        }
        var member = await app.SignedInPageClientAsync("member.520204");
        Assert.NotEqual(HttpStatusCode.OK, (await member.GetAsync("/reading/rules")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.SignedInPageClientAsync("staff.520201")).GetAsync("/reading/rules?committee=520204")).StatusCode);
    }
}

public sealed class ReadingPagesSqliteTests(SqliteAppFactory app) : ReadingPagesTests(app), IClassFixture<SqliteAppFactory>;
public sealed class ReadingPagesPostgresTests(PostgresAppFactory app) : ReadingPagesTests(app), IClassFixture<PostgresAppFactory>;

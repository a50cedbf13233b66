using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Reading;
using Xieshang.Web.Infrastructure;
using Xieshang.Web.Infrastructure.Auth;

namespace Xieshang.Tests.Features.Reading;

/// <summary>
/// The reading programme API: creating a group (bad input in Chinese with field keys and nothing created; wrong role and
/// wrong committee refused), reading it (members in stroke order, plan, book list; a member not in the group, another
/// district's staff and a handling unit refused), check-ins (validation, sanitised notes, title matching, closed group),
/// comments, featuring, books and plan, editing and closing (leader-only and staff-only actions refused for a plain member),
/// the stats on known data and the rule endpoints — every refusal leaves the database as it was.
/// </summary>
public abstract class ReadingApiTests(AppFactory app)
{
    private const string Staff = "staff.520201", OtherStaff = "staff.520204", City = "staff.520200", Unit = "unit.520201.reading";

    private static async Task<JsonElement> Json(HttpResponseMessage res) => JsonDocument.Parse(await res.Content.ReadAsStringAsync()).RootElement;

    private static async Task<JsonElement> Errors(HttpResponseMessage res)
    {
        Assert.Equal(HttpStatusCode.BadRequest, res.StatusCode);
        return (await Json(res)).GetProperty("errors");
    }

    /// <summary>Active members of the committee in no reading group and without an account, lowest ids first.</summary>
    private Task<List<int>> FreshMembersAsync(string code, int n) => app.WithDbAsync(db => db.Members
        .Where(m => m.Committee!.Code == code && m.IsActive && !db.ReadingGroupMembers.Any(x => x.MemberId == m.Id) && !db.Users.Any(u => u.MemberId == m.Id))
        .OrderBy(m => m.Id).Select(m => m.Id).Take(n).ToListAsync());

    /// <summary>A member login bound to member <paramref name="id"/> of <paramref name="code"/>.</summary>
    private async Task<HttpClient> AsMemberAsync(int id, string code = "520201")
    {
        await TestAccounts.EnsureAsync(app, $"rd.{id}", Roles.Member, code, id);
        return await app.ClientAsAsync($"rd.{id}");
    }

    /// <summary>A group of 520201 with leader m[0] and members m[1..] (fresh members each time).</summary>
    private async Task<(int Id, List<int> M)> GroupAsync(int n = 3, string name = "钟山区书香读书小组")
    {
        var m = await FreshMembersAsync("520201", n);
        var res = await (await app.ClientAsAsync(Staff)).PostAsJsonAsync("/api/reading-groups", new { name, committeeCode = "520201", leaderId = m[0], memberIds = m.Skip(1).ToArray() });
        Assert.Equal(HttpStatusCode.Created, res.StatusCode);
        return ((await Json(res)).GetProperty("id").GetInt32(), m);
    }

    private Task<string> SnapshotAsync() => app.WithDbAsync(async db => string.Join("|",
        await db.ReadingGroups.CountAsync(), await db.ReadingGroupMembers.CountAsync(), await db.ReadingBooks.CountAsync(), await db.ReadingCheckIns.CountAsync(),
        await db.ReadingComments.CountAsync(), await db.ReadingDutyRules.CountAsync(), await db.DutyRecords.CountAsync(r => r.RuleCode.StartsWith("reading.")),
        string.Join(",", await db.ReadingGroups.OrderBy(g => g.Id).Select(g => g.Name + ":" + g.LeaderId + ":" + g.IsClosed + ":" + g.Description.Length).ToListAsync()),
        string.Join(",", await db.ReadingCheckIns.OrderBy(c => c.Id).Select(c => c.Id + ":" + (c.FeaturedAt != null)).ToListAsync())));

    [Fact]
    public async Task Creating_a_group_checks_scope_roles_and_input_and_adds_the_leader_as_a_member()
    {
        await TestAccounts.EnsureAsync(app, Unit, Roles.HandlingUnit, "520201");
        var staff = await app.ClientAsAsync(Staff);
        var own = await FreshMembersAsync("520201", 3);
        var other = await FreshMembersAsync("520204", 1);
        var foreignSector = await app.WithDbAsync(db => db.Sectors.Where(s => s.Committee!.Code == "520204").Select(s => s.Id).FirstAsync());
        var before = await SnapshotAsync();

        var e = await Errors(await staff.PostAsJsonAsync("/api/reading-groups", new { name = "", committeeCode = "520201", memberIds = new[] { other[0] } }));
        Assert.Contains("名称", e.GetProperty("name")[0].GetString());
        Assert.Contains("领读人", e.GetProperty("leaderId")[0].GetString());
        Assert.Contains("不是钟山区", e.GetProperty("memberIds")[0].GetString());
        e = await Errors(await staff.PostAsJsonAsync("/api/reading-groups", new { name = "小组", committeeCode = "999999", leaderId = own[0] }));
        Assert.Contains("999999", e.GetProperty("committeeCode")[0].GetString());
        e = await Errors(await staff.PostAsJsonAsync("/api/reading-groups", new { name = "小组", committeeCode = "520201", leaderId = other[0], sectorId = foreignSector }));
        Assert.Contains("界别", e.GetProperty("sectorId")[0].GetString());
        e = await Errors(await staff.PostAsJsonAsync("/api/reading-groups", new { name = "小组", committeeCode = "520201", leaderId = other[0] }));
        Assert.Contains("在职委员", e.GetProperty("leaderId")[0].GetString());
        e = await Errors(await staff.PostAsJsonAsync("/api/reading-groups", new { name = new string('书', 101), committeeCode = "520201", leaderId = own[0] }));
        Assert.Contains("100", e.GetProperty("name")[0].GetString());
        // A member of another sector on a sector group.
        var sectorOf = await app.WithDbAsync(db => db.Members.Where(m => m.Id == own[0]).Select(m => m.SectorId).FirstAsync());
        var otherSector = await app.WithDbAsync(db => db.Members.Where(m => m.Committee!.Code == "520201" && m.IsActive && m.SectorId != sectorOf).Select(m => m.Id).FirstAsync());
        e = await Errors(await staff.PostAsJsonAsync("/api/reading-groups", new { name = "界别小组", committeeCode = "520201", sectorId = sectorOf, leaderId = own[0], memberIds = new[] { otherSector } }));
        Assert.Contains("该界别", e.GetProperty("memberIds")[0].GetString());

        // Wrong committee: 钟山区 staff for 水城区; wrong roles: a member, a leader, a handling unit.
        var outside = await staff.PostAsJsonAsync("/api/reading-groups", new { name = "小组", committeeCode = "520204", leaderId = other[0] });
        Assert.Equal(HttpStatusCode.Forbidden, outside.StatusCode);
        Assert.Contains("水城", (await Json(outside)).GetProperty("detail").GetString());
        foreach (var who in new[] { "member.520201", "leader.520201", Unit })
        {
            var res = await (await app.ClientAsAsync(who)).PostAsJsonAsync("/api/reading-groups", new { name = "小组", committeeCode = "520201", leaderId = own[0] });
            Assert.Equal(HttpStatusCode.Forbidden, res.StatusCode);
        }
        Assert.Equal(before, await SnapshotAsync());

        var ok = await staff.PostAsJsonAsync("/api/reading-groups", new { name = "《乡土中国》共读小组", committeeCode = "520201", leaderId = own[0], memberIds = new[] { own[1], own[2], own[1] } });
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        var id = (await Json(ok)).GetProperty("id").GetInt32();
        var d = await Json(await staff.GetAsync($"/api/reading-groups/{id}"));
        Assert.Equal(own[0], d.GetProperty("leader").GetProperty("id").GetInt32());
        var ids = d.GetProperty("members").EnumerateArray().Select(x => x.GetProperty("id").GetInt32()).ToList();
        var strokeOrder = await app.WithDbAsync(db => db.Members.Where(m => own.Contains(m.Id)).OrderBy(m => m.StrokeKey).ThenBy(m => m.Id).Select(m => m.Id).ToListAsync());
        Assert.Equal(strokeOrder, ids);
        Assert.True(d.GetProperty("canManage").GetBoolean());
        // The city reads it; the list of 水城区 does not have it; 钟山区 staff may not list 水城区.
        Assert.Equal(HttpStatusCode.OK, (await (await app.ClientAsAsync(City)).GetAsync($"/api/reading-groups/{id}")).StatusCode);
        var cityList = await Json(await (await app.ClientAsAsync(City)).GetAsync("/api/reading-groups?committee=520201"));
        Assert.Contains(cityList.EnumerateArray(), x => x.GetProperty("id").GetInt32() == id);
        var shuicheng = await Json(await (await app.ClientAsAsync(OtherStaff)).GetAsync("/api/reading-groups"));
        Assert.DoesNotContain(shuicheng.EnumerateArray(), x => x.GetProperty("id").GetInt32() == id);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync(OtherStaff)).GetAsync("/api/reading-groups?committee=520201")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await staff.GetAsync("/api/reading-groups?committee=999999")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync(Unit)).GetAsync("/api/reading-groups")).StatusCode);
    }

    [Fact]
    public async Task Only_group_members_and_office_accounts_in_scope_read_a_group_its_check_ins_and_stats()
    {
        var (id, m) = await GroupAsync();
        await TestAccounts.EnsureAsync(app, Unit, Roles.HandlingUnit, "520201");
        var outsider = await FreshMembersAsync("520201", 1);
        var outsiderClient = await AsMemberAsync(outsider[0]);
        var member = await AsMemberAsync(m[1]);
        foreach (var path in new[] { "", "/stats", "/checkins" })
        {
            Assert.Equal(HttpStatusCode.OK, (await member.GetAsync($"/api/reading-groups/{id}{path}")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await (await app.ClientAsAsync("leader.520201")).GetAsync($"/api/reading-groups/{id}{path}")).StatusCode);
            foreach (var c in new[] { outsiderClient, await app.ClientAsAsync(OtherStaff), await app.ClientAsAsync(Unit), await app.ClientAsAsync("member.520201") })
            {
                // Not revealed: answered like an unknown id, with the same Chinese detail.
                var res = await c.GetAsync($"/api/reading-groups/{id}{path}");
                Assert.Equal(HttpStatusCode.NotFound, res.StatusCode);
                Assert.Equal("没有这个读书小组，或您无权查看。", (await Json(res)).GetProperty("detail").GetString());
            }
            var unknown = await member.GetAsync($"/api/reading-groups/99999999{path}");
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            Assert.Equal("没有这个读书小组，或您无权查看。", (await Json(unknown)).GetProperty("detail").GetString());
        }
        // A member's list holds their groups only.
        var mine = await Json(await member.GetAsync("/api/reading-groups"));
        Assert.Contains(mine.EnumerateArray(), x => x.GetProperty("id").GetInt32() == id);
        Assert.DoesNotContain((await Json(await outsiderClient.GetAsync("/api/reading-groups"))).EnumerateArray(), x => x.GetProperty("id").GetInt32() == id);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync("/api/reading-groups?committee=520204")).StatusCode);
    }

    [Fact]
    public async Task Check_ins_are_validated_in_Chinese_sanitised_matched_to_the_plan_and_refused_outside_the_group()
    {
        var (id, m) = await GroupAsync();
        var leader = await AsMemberAsync(m[0]);
        var member = await AsMemberAsync(m[1]);
        Assert.Equal(HttpStatusCode.Created, (await leader.PostAsJsonAsync($"/api/reading-groups/{id}/books",
            new { title = "《乡土中国》", author = "费孝通", inPlan = true, from = "2026-11-01", to = "2026-12-31" })).StatusCode);
        var url = $"/api/reading-groups/{id}/checkins";
        var today = ChinaTime.DayOf(DateTimeOffset.UtcNow);
        var before = await SnapshotAsync();

        var e = await Errors(await member.PostAsJsonAsync(url, new { book = " 《》 ", progress = new string('页', 101), minutes = 0, note = "" }));
        Assert.Contains("书名", e.GetProperty("book")[0].GetString());
        Assert.Contains("100", e.GetProperty("progress")[0].GetString());
        Assert.Contains("1 到 600", e.GetProperty("minutes")[0].GetString());
        e = await Errors(await member.PostAsJsonAsync(url, new { book = "乡土中国", minutes = 601 }));
        Assert.Contains("600", e.GetProperty("minutes")[0].GetString());
        e = await Errors(await member.PostAsJsonAsync(url, new { book = "乡土中国", minutes = 30, day = today.AddDays(1).ToString("yyyy-MM-dd") }));
        Assert.Contains("以后", e.GetProperty("day")[0].GetString());
        e = await Errors(await member.PostAsJsonAsync(url, new { book = "乡土中国", minutes = 30, day = today.AddDays(-8).ToString("yyyy-MM-dd") }));
        Assert.Contains("7 天", e.GetProperty("day")[0].GetString());
        e = await Errors(await member.PostAsJsonAsync(url, new { book = "乡土中国", minutes = 30, day = "11/30/2026" }));
        Assert.Contains("格式", e.GetProperty("day")[0].GetString());
        e = await Errors(await member.PostAsJsonAsync(url, new { book = new string('书', 201), minutes = 30 }));
        Assert.Contains("200", e.GetProperty("book")[0].GetString());
        e = await Errors(await member.PostAsJsonAsync(url, new { book = "乡土中国", minutes = 30, note = new string('记', 20001) }));
        Assert.Contains("20000", e.GetProperty("note")[0].GetString());
        // Not in the group: staff of the committee see it (403); a member outside, a handling unit, another district do not (404).
        await TestAccounts.EnsureAsync(app, Unit, Roles.HandlingUnit, "520201");
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync(Staff)).PostAsJsonAsync(url, new { book = "乡土中国", progress = "1", minutes = 30, note = "" })).StatusCode);
        foreach (var c in new[] { await app.ClientAsAsync("member.520201"), await app.ClientAsAsync(Unit), await app.ClientAsAsync(OtherStaff) })
            Assert.Equal(HttpStatusCode.NotFound, (await c.PostAsJsonAsync(url, new { book = "乡土中国", progress = "1", minutes = 30, note = "" })).StatusCode);
        Assert.Equal(before, await SnapshotAsync());

        var ok = await member.PostAsJsonAsync(url, new
        {
            book = " 《 乡土中国 》", progress = "第3章", minutes = 45, finished = true,
            note = "<p onclick=\"alert(1)\">差序格局<script>alert('x')</script></p><a href=\"javascript:alert(2)\">链接</a><a href=\"https://example.org/\">原文</a>",
        });
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        var cid = (await Json(ok)).GetProperty("id").GetInt32();
        var stored = await app.WithDbAsync(db => db.ReadingCheckIns.SingleAsync(c => c.Id == cid));
        Assert.Equal("乡土中国", stored.Book);
        Assert.NotNull(stored.BookId);
        Assert.Equal(today, stored.Day);
        Assert.True(stored.Finished);
        Assert.Contains("差序格局", stored.Note);
        Assert.Contains("https://example.org/", stored.Note);
        foreach (var bad in new[] { "<script", "onclick", "javascript:", "alert(" }) Assert.DoesNotContain(bad, stored.Note, StringComparison.OrdinalIgnoreCase);
        var feed = await Json(await member.GetAsync(url));
        Assert.Equal(stored.Note, feed[0].GetProperty("note").GetString());
        Assert.True(feed[0].GetProperty("canDelete").GetBoolean());
        // Plain text keeps its line breaks, encoded.
        var plain = await member.PostAsJsonAsync(url, new { book = "论语", progress = "", minutes = 10, note = "第一行\n<第二行>", day = today.AddDays(-7).ToString("yyyy-MM-dd") });
        Assert.Equal(HttpStatusCode.Created, plain.StatusCode);
        Assert.Equal("第一行<br>\n&lt;第二行&gt;", await app.WithDbAsync(db => db.ReadingCheckIns.Where(c => c.Id == JsonDocument.Parse(plain.Content.ReadAsStream()).RootElement.GetProperty("id").GetInt32()).Select(c => c.Note).SingleAsync()));

        // A closed group takes no check-ins.
        var staff = await app.ClientAsAsync(Staff);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.PostAsync($"/api/reading-groups/{id}/close", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await (await app.ClientAsAsync(OtherStaff)).PostAsync($"/api/reading-groups/{id}/close", null)).StatusCode); // not theirs to see
        Assert.Equal(HttpStatusCode.NoContent, (await staff.PostAsync($"/api/reading-groups/{id}/close", null)).StatusCode);
        var closed = await member.PostAsJsonAsync(url, new { book = "乡土中国", minutes = 30 });
        Assert.Equal(HttpStatusCode.Conflict, closed.StatusCode);
        Assert.Contains("已结束", (await Json(closed)).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await staff.PostAsync($"/api/reading-groups/{id}/reopen", null)).StatusCode);
    }

    [Fact]
    public async Task Comments_features_deletions_and_books_are_refused_to_the_wrong_people_and_change_nothing_then()
    {
        var (id, m) = await GroupAsync(4);
        var leader = await AsMemberAsync(m[0]);
        var member = await AsMemberAsync(m[1]);
        var other = await AsMemberAsync(m[2]);
        var outsider = await AsMemberAsync((await FreshMembersAsync("520201", 1))[0]);
        var shuicheng = await app.ClientAsAsync(OtherStaff);
        var staff = await app.ClientAsAsync(Staff);
        var created = await member.PostAsJsonAsync($"/api/reading-groups/{id}/checkins", new { book = "乡土中国", progress = "1–20页", minutes = 40, note = "<p>笔记</p>" });
        var cid = (await Json(created)).GetProperty("id").GetInt32();
        var noNote = (await Json(await member.PostAsJsonAsync($"/api/reading-groups/{id}/checkins", new { book = "乡土中国", progress = "", minutes = 40, note = "" }))).GetProperty("id").GetInt32();
        var suggested = (await Json(await member.PostAsJsonAsync($"/api/reading-groups/{id}/books", new { title = "《论语》", author = "孔子", recommendation = "常读常新" }))).GetProperty("id").GetInt32();
        var c = $"/api/reading-groups/{id}/checkins/{cid}";
        var before = await SnapshotAsync();

        // Comments: outsiders and another district refused; empty and too long refused with the field.
        foreach (var who in new[] { outsider, shuicheng }) Assert.Equal(HttpStatusCode.NotFound, (await who.PostAsJsonAsync($"{c}/comments", new { text = "好" })).StatusCode);
        Assert.Contains("评论", (await Errors(await other.PostAsJsonAsync($"{c}/comments", new { text = "  " }))).GetProperty("text")[0].GetString());
        Assert.Contains("500", (await Errors(await other.PostAsJsonAsync($"{c}/comments", new { text = new string('好', 501) }))).GetProperty("text")[0].GetString());
        // Feature: a plain member refused (403); an outsider, another district do not see the group (404); no note: 409.
        foreach (var who in new[] { member, other }) Assert.Equal(HttpStatusCode.Forbidden, (await who.PostAsync($"{c}/feature", null)).StatusCode);
        foreach (var who in new[] { outsider, shuicheng }) Assert.Equal(HttpStatusCode.NotFound, (await who.PostAsync($"{c}/feature", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await leader.PostAsync($"/api/reading-groups/{id}/checkins/{noNote}/feature", null)).StatusCode);
        // Delete: not one's own.
        foreach (var who in new[] { leader, other, staff }) Assert.Equal(HttpStatusCode.Forbidden, (await who.DeleteAsync(c)).StatusCode);
        // Books: the plan is the leader's or staff's; period checked; remove by the adder, the leader or staff only.
        Assert.Equal(HttpStatusCode.Forbidden, (await member.PostAsJsonAsync($"/api/reading-groups/{id}/books", new { title = "资本论", inPlan = true, from = "2026-11-01", to = "2026-11-30" })).StatusCode);
        var pe = await Errors(await leader.PostAsJsonAsync($"/api/reading-groups/{id}/books", new { title = "资本论", inPlan = true, from = "2026-12-01", to = "2026-11-30" }));
        Assert.Contains("不能早于", pe.GetProperty("to")[0].GetString());
        pe = await Errors(await leader.PostAsJsonAsync($"/api/reading-groups/{id}/books", new { title = "《》", inPlan = true }));
        Assert.True(pe.TryGetProperty("title", out _) && pe.TryGetProperty("from", out _) && pe.TryGetProperty("to", out _));
        Assert.Equal(HttpStatusCode.Conflict, (await other.PostAsJsonAsync($"/api/reading-groups/{id}/books", new { title = "论 语" })).StatusCode);
        foreach (var who in new[] { outsider, shuicheng }) Assert.Equal(HttpStatusCode.NotFound, (await who.PostAsJsonAsync($"/api/reading-groups/{id}/books", new { title = "孟子" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.DeleteAsync($"/api/reading-groups/{id}/books/{suggested}")).StatusCode);
        // Edit: only staff in scope; the leader may not be removed.
        Assert.Equal(HttpStatusCode.Forbidden, (await leader.PutAsJsonAsync($"/api/reading-groups/{id}", new { name = "改名" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await shuicheng.PutAsJsonAsync($"/api/reading-groups/{id}", new { name = "改名" })).StatusCode);
        Assert.Contains("领读人", (await Errors(await staff.PutAsJsonAsync($"/api/reading-groups/{id}", new { memberIds = new[] { m[1] } }))).GetProperty("memberIds")[0].GetString());
        var foreign = await FreshMembersAsync("520204", 1);
        Assert.Contains("在职委员", (await Errors(await staff.PutAsJsonAsync($"/api/reading-groups/{id}", new { memberIds = new[] { m[0], foreign[0] } }))).GetProperty("memberIds")[0].GetString());
        Assert.Contains("名称", (await Errors(await staff.PutAsJsonAsync($"/api/reading-groups/{id}", new { name = " " }))).GetProperty("name")[0].GetString());
        Assert.Equal(before, await SnapshotAsync());

        // The right people.
        Assert.Equal(HttpStatusCode.Created, (await other.PostAsJsonAsync($"{c}/comments", new { text = "写得好" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await staff.PostAsJsonAsync($"{c}/comments", new { text = "已阅" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await leader.PostAsync($"{c}/feature", null)).StatusCode);
        var featured = await Json(await other.GetAsync($"/api/reading-groups/{id}/checkins?featured=true"));
        Assert.Equal([cid], featured.EnumerateArray().Select(x => x.GetProperty("id").GetInt32()).ToArray());
        Assert.Equal(["写得好", "已阅"], featured[0].GetProperty("comments").EnumerateArray().Select(x => x.GetProperty("text").GetString()!).ToArray());
        Assert.Equal(1, await app.WithDbAsync(db => db.DutyRecords.CountAsync(r => r.Source == ReadingDuty.NoteSource && r.SourceId == cid && r.MemberId == m[1])));
        Assert.Equal(HttpStatusCode.NoContent, (await staff.DeleteAsync($"{c}/feature")).StatusCode);
        Assert.Equal(0, await app.WithDbAsync(db => db.DutyRecords.CountAsync(r => r.Source == ReadingDuty.NoteSource && r.SourceId == cid)));
        Assert.Equal(HttpStatusCode.NoContent, (await member.DeleteAsync($"/api/reading-groups/{id}/books/{suggested}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await member.DeleteAsync(c)).StatusCode);
        Assert.Equal(0, await app.WithDbAsync(db => db.ReadingComments.CountAsync(x => x.CheckInId == cid)));
        // Staff change the leader and members: the new leader joins, the old one may then go.
        var edited = await staff.PutAsJsonAsync($"/api/reading-groups/{id}", new { name = "新名称", leaderId = m[1], memberIds = new[] { m[2] } });
        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        var d = await Json(edited);
        Assert.Equal(m[1], d.GetProperty("leader").GetProperty("id").GetInt32());
        Assert.Equal(new[] { m[1], m[2] }.Order(), d.GetProperty("members").EnumerateArray().Select(x => x.GetProperty("id").GetInt32()).Order());
        Assert.Equal(HttpStatusCode.NotFound, (await leader.GetAsync($"/api/reading-groups/{id}")).StatusCode);
    }

    [Fact]
    public async Task Every_changing_endpoint_refuses_outsiders_other_districts_units_and_office_leaders_and_staff_or_leader_actions_a_plain_member()
    {
        var (id, m) = await GroupAsync(3);
        await TestAccounts.EnsureAsync(app, Unit, Roles.HandlingUnit, "520201");
        var leader = await AsMemberAsync(m[0]);
        var owner = await AsMemberAsync(m[1]);
        var plain = await AsMemberAsync(m[2]);
        var cid = (await Json(await owner.PostAsJsonAsync($"/api/reading-groups/{id}/checkins", new { book = "论语", progress = "学而", minutes = 30, note = "<p>学而时习之</p>" }))).GetProperty("id").GetInt32();
        var bookId = (await Json(await owner.PostAsJsonAsync($"/api/reading-groups/{id}/books", new { title = "孟子" }))).GetProperty("id").GetInt32();
        Assert.Equal(HttpStatusCode.NoContent, (await leader.PostAsync($"/api/reading-groups/{id}/checkins/{cid}/feature", null)).StatusCode);
        var g = $"/api/reading-groups/{id}";
        var calls = new (string Name, Func<HttpClient, Task<HttpResponseMessage>> Call, bool PlainMemberRefused)[]
        {
            ("edit", c => c.PutAsJsonAsync(g, new { name = "改名" }), true),
            ("close", c => c.PostAsync($"{g}/close", null), true),
            ("reopen", c => c.PostAsync($"{g}/reopen", null), true),
            ("plan", c => c.PostAsJsonAsync($"{g}/books", new { title = "资本论", inPlan = true, from = "2026-11-01", to = "2026-11-30" }), true),
            ("suggest", c => c.PostAsJsonAsync($"{g}/books", new { title = "大学" }), false),
            ("remove book", c => c.DeleteAsync($"{g}/books/{bookId}"), true),
            ("check in", c => c.PostAsJsonAsync($"{g}/checkins", new { book = "论语", progress = "", minutes = 30, note = "" }), false),
            ("delete check-in", c => c.DeleteAsync($"{g}/checkins/{cid}"), true),
            ("comment", c => c.PostAsJsonAsync($"{g}/checkins/{cid}/comments", new { text = "好" }), false),
            ("feature", c => c.PostAsync($"{g}/checkins/{cid}/feature", null), true),
            ("unfeature", c => c.DeleteAsync($"{g}/checkins/{cid}/feature"), true),
            ("leave", c => c.PostAsync($"{g}/leave", null), false),
        };
        var outsider = await AsMemberAsync((await FreshMembersAsync("520201", 1))[0]);
        // Those who may not see the group get 404 (not revealed); the office leader, who reads it, 403.
        var refusedAlways = new (string Who, HttpClient Client, HttpStatusCode Status)[]
        {
            ("member outside the group", outsider, HttpStatusCode.NotFound), ("staff.520204", await app.ClientAsAsync(OtherStaff), HttpStatusCode.NotFound),
            ("handling unit", await app.ClientAsAsync(Unit), HttpStatusCode.NotFound),
            ("leader.520201 (reads only)", await app.ClientAsAsync("leader.520201"), HttpStatusCode.Forbidden), ("member.520201", await app.ClientAsAsync("member.520201"), HttpStatusCode.NotFound),
        };
        var before = await SnapshotAsync();
        foreach (var (name, call, plainRefused) in calls)
        {
            foreach (var (who, client, status) in refusedAlways)
            {
                var res = await call(client);
                Assert.True(res.StatusCode == status, $"{name} by {who}: {(int)res.StatusCode}");
                Assert.False(string.IsNullOrEmpty((await Json(res)).GetProperty("detail").GetString()));
            }
            if (plainRefused) Assert.Equal(HttpStatusCode.Forbidden, (await call(plain)).StatusCode);
            Assert.Equal(before, await SnapshotAsync());
        }
        // Nothing in another group's name: a check-in id of this group under another group is not found.
        var (other, _) = await GroupAsync(2, "另一个读书小组");
        Assert.Equal(HttpStatusCode.NotFound, (await owner.DeleteAsync($"/api/reading-groups/{other}/checkins/{cid}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await (await app.ClientAsAsync(Staff)).DeleteAsync($"/api/reading-groups/{other}/checkins/{cid}/feature")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await (await app.ClientAsAsync(Staff)).DeleteAsync($"/api/reading-groups/{other}/books/{bookId}")).StatusCode);
        Assert.Equal(1, await app.WithDbAsync(db => db.ReadingCheckIns.CountAsync(c => c.Id == cid && c.FeaturedAt != null)));

        // The leader may not leave; a member may, keeping their check-ins, and then no longer sees the group.
        var stay = await leader.PostAsync($"{g}/leave", null);
        Assert.Equal(HttpStatusCode.Conflict, stay.StatusCode);
        Assert.Contains("领读人不能退出", (await Json(stay)).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await plain.PostAsync($"{g}/leave", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await plain.GetAsync(g)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await owner.PostAsync($"{g}/leave", null)).StatusCode);
        Assert.Equal(1, await app.WithDbAsync(db => db.ReadingCheckIns.CountAsync(c => c.Id == cid)));
        Assert.Equal([m[0]], await app.WithDbAsync(db => db.ReadingGroupMembers.Where(x => x.GroupId == id).Select(x => x.MemberId).ToListAsync()));
    }

    [Fact]
    public async Task Stats_count_active_readers_weeks_books_finished_featured_notes_and_top_readers()
    {
        var (id, m) = await GroupAsync(4);
        var today = ChinaTime.DayOf(DateTimeOffset.UtcNow);
        var now = DateTimeOffset.UtcNow;
        await app.WithDbAsync(async db =>
        {
            var path = await db.ReadingGroups.Where(g => g.Id == id).Select(g => g.CommitteePath).FirstAsync();
            void Add(int member, int daysAgo, int minutes, string book, bool finished = false, bool featured = false) => db.ReadingCheckIns.Add(new()
            {
                GroupId = id, MemberId = member, CommitteePath = path, Book = book, Minutes = minutes, Finished = finished, Day = today.AddDays(-daysAgo),
                CreatedAt = now, Note = featured ? "<p>好</p>" : "", FeaturedAt = featured ? now : null,
            });
            Add(m[0], 0, 30, "乡土中国", finished: true);
            Add(m[0], 1, 30, "乡 土中国", finished: true); // the same book finished twice counts once
            Add(m[1], 3, 20, "论语", featured: true);
            Add(m[1], 8, 50, "论语", finished: true);
            Add(m[2], 40, 100, "孟子", finished: true); // not active (40 days ago), still in the totals
            Add(m[2], 200, 10, "孟子"); // outside the 12 weeks
            await db.SaveChangesAsync();
            return 0;
        });
        var s = await Json(await (await AsMemberAsync(m[3])).GetAsync($"/api/reading-groups/{id}/stats"));
        Assert.Equal(4, s.GetProperty("members").GetInt32());
        Assert.Equal(2, s.GetProperty("activeReaders").GetInt32());
        Assert.Equal(3, s.GetProperty("booksFinished").GetInt32());
        Assert.Equal(1, s.GetProperty("featuredNotes").GetInt32());
        Assert.Equal(6, s.GetProperty("totalCheckIns").GetInt32());
        Assert.Equal(240, s.GetProperty("totalMinutes").GetInt32());
        var weeks = s.GetProperty("weeks").EnumerateArray().ToList();
        Assert.Equal(12, weeks.Count);
        Assert.Equal(ReadingQueries.WeekOf(today), weeks[^1].GetProperty("week").GetString());
        Assert.Equal(ChinaTime.MondayOf(today).AddDays(-77).ToString("yyyy-MM-dd"), weeks[0].GetProperty("monday").GetString());
        Assert.Equal(5, weeks.Sum(w => w.GetProperty("checkIns").GetInt32()));
        Assert.Equal(230, weeks.Sum(w => w.GetProperty("minutes").GetInt32()));
        Assert.Contains(weeks, w => w.GetProperty("checkIns").GetInt32() == 0);
        // This week's numbers: what lies between its Monday and today.
        var monday = ChinaTime.MondayOf(today);
        var expected = new[] { (0, 30), (1, 30), (3, 20), (8, 50), (40, 100) }.Where(x => today.AddDays(-x.Item1) >= monday).ToList();
        Assert.Equal(expected.Count, weeks[^1].GetProperty("checkIns").GetInt32());
        Assert.Equal(expected.Sum(x => x.Item2), weeks[^1].GetProperty("minutes").GetInt32());
        var top = s.GetProperty("topReaders").EnumerateArray().Select(x => (x.GetProperty("memberId").GetInt32(), x.GetProperty("minutes").GetInt32())).ToList();
        Assert.Equal([(m[2], 110), (m[1], 70), (m[0], 60)], top);
    }

    [Fact]
    public async Task The_rule_endpoints_are_for_staff_in_scope_with_Chinese_field_errors()
    {
        var before = await SnapshotAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync("member.520201")).GetAsync("/api/reading-rules/520201")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync(OtherStaff)).GetAsync("/api/reading-rules/520201")).StatusCode);
        var rule = await Json(await (await app.ClientAsAsync("leader.520201")).GetAsync("/api/reading-rules/520201"));
        Assert.Equal(4, rule.GetProperty("monthlyMinCheckIns").GetInt32());
        Assert.Equal(120, rule.GetProperty("monthlyMinMinutes").GetInt32());
        Assert.False(rule.GetProperty("own").GetBoolean());
        foreach (var who in new[] { "member.520201", "leader.520201", OtherStaff })
            Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync(who)).PutAsJsonAsync("/api/reading-rules/520201", new { monthlyMinCheckIns = 2, monthlyMinMinutes = 30, featuredNoteCounts = true })).StatusCode);
        var e = await Errors(await (await app.ClientAsAsync(Staff)).PutAsJsonAsync("/api/reading-rules/520201", new { monthlyMinCheckIns = 0, monthlyMinMinutes = 10001 }));
        Assert.Contains("1 到 31", e.GetProperty("monthlyMinCheckIns")[0].GetString());
        Assert.Contains("10000", e.GetProperty("monthlyMinMinutes")[0].GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await (await app.ClientAsAsync(Staff)).PutAsJsonAsync("/api/reading-rules/999999", new { monthlyMinCheckIns = 2, monthlyMinMinutes = 30 })).StatusCode);
        Assert.Equal(before, await SnapshotAsync());
        try
        {
            Assert.Equal(HttpStatusCode.NoContent, (await (await app.ClientAsAsync(Staff)).PutAsJsonAsync("/api/reading-rules/520201", new { monthlyMinCheckIns = 2, monthlyMinMinutes = 30, featuredNoteCounts = false })).StatusCode);
            rule = await Json(await (await app.ClientAsAsync(City)).GetAsync("/api/reading-rules/520201"));
            Assert.True(rule.GetProperty("own").GetBoolean());
            Assert.False(rule.GetProperty("featuredNoteCounts").GetBoolean());
        }
        finally
        {
            await app.WithDbAsync(db => db.ReadingDutyRules.Where(r => r.CommitteePath.EndsWith("/520201/")).ExecuteDeleteAsync());
        }
    }
}

public sealed class ReadingApiSqliteTests(SqliteAppFactory app) : ReadingApiTests(app), IClassFixture<SqliteAppFactory>;
public sealed class ReadingApiPostgresTests(PostgresAppFactory app) : ReadingApiTests(app), IClassFixture<PostgresAppFactory>;

using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Opinions;
using Xieshang.Web.Features.Proposals;
using Xieshang.Web.Infrastructure;
using Xieshang.Web.Infrastructure.Auth;

namespace Xieshang.Tests.Features.Opinions;

/// <summary>
/// The public-opinion items API: writing and the 1,500-character limit, every edge of the workflow for its role and
/// refused for the others, every non-edge refused, scope, outcomes and their duty records, bulletins with numbers
/// without gaps under concurrent issuing, the .docx, and the conversion from a proposal.
/// </summary>
public abstract class OpinionsApiTests(AppFactory app)
{
    private const string Author = "member.520201", Office = "staff.520201", OtherDistrict = "staff.520204", City = "staff.520200", Leader = "leader.520201";

    private static string Text(int n, string unit = "民") => string.Concat(Enumerable.Repeat(unit, n));

    private static async Task<JsonElement> Json(HttpResponseMessage res) => JsonDocument.Parse(await res.Content.ReadAsStringAsync()).RootElement;

    private static async Task<string> Detail(HttpResponseMessage res) => (await Json(res)).GetProperty("detail").GetString() ?? "";

    private async Task<int> CreateAsync(HttpClient client, string title = "关于老旧小区加装电梯的建议", string? body = null)
    {
        var res = await client.PostAsJsonAsync("/api/opinions", new { title, body = body ?? "群众反映，老旧小区加装电梯推进慢。建议简化审批。" });
        Assert.Equal(HttpStatusCode.Created, res.StatusCode);
        var json = await Json(res);
        Assert.Equal("draft", json.GetProperty("status").GetString());
        return json.GetProperty("id").GetInt32();
    }

    /// <summary>An item of <see cref="Author"/> in 钟山区 put straight into <paramref name="status"/> (as the workflow would have).</summary>
    private async Task<int> SeedAsync(OpinionStatus status, string committee = "520201", string author = Author)
    {
        var memberId = await TestActivities.MemberIdOfAsync(app, author);
        return await app.WithDbAsync(async db =>
        {
            var c = await db.Committees.FirstAsync(x => x.Code == committee);
            var name = await db.Members.Where(m => m.Id == memberId).Select(m => m.Name).FirstAsync();
            var item = new OpinionItem
            {
                CommitteeId = c.Id, CommitteePath = c.Path, Status = status, AuthorMemberId = memberId, AuthorName = name, Title = $"测试信息（{status}）",
                Body = "正文。", CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
                SubmittedAt = status == OpinionStatus.Draft ? null : DateTimeOffset.UtcNow,
            };
            db.OpinionItems.Add(item);
            await db.SaveChangesAsync();
            return item.Id;
        });
    }

    private Task<OpinionStatus> StatusAsync(int id) => app.WithDbAsync(db => db.OpinionItems.Where(x => x.Id == id).Select(x => x.Status).FirstAsync());

    private static Task<HttpResponseMessage> ActAsync(HttpClient client, int id, string action, string? reason = "理由") =>
        client.PostAsJsonAsync($"/api/opinions/{id}/actions/{action}", new { reason });

    [Fact]
    public async Task Member_writes_and_submits_office_reviews_and_accepts_with_a_timeline_and_a_notice()
    {
        var member = await app.ClientAsAsync(Author);
        var office = await app.ClientAsAsync(Office);
        var id = await CreateAsync(member);

        // A draft stays with its author.
        Assert.Equal(HttpStatusCode.Forbidden, (await office.GetAsync($"/api/opinions/{id}")).StatusCode);
        var officeList = await office.GetFromJsonAsync<JsonElement>("/api/opinions?pageSize=100");
        Assert.DoesNotContain(officeList.GetProperty("items").EnumerateArray(), x => x.GetProperty("id").GetInt32() == id);
        var mine = await member.GetFromJsonAsync<JsonElement>("/api/opinions?pageSize=100");
        Assert.Contains(mine.GetProperty("items").EnumerateArray(), x => x.GetProperty("id").GetInt32() == id);

        Assert.Equal(HttpStatusCode.OK, (await ActAsync(member, id, "submit", null)).StatusCode);
        var seen = await office.GetFromJsonAsync<JsonElement>($"/api/opinions/{id}");
        Assert.Equal("submitted", seen.GetProperty("status").GetString());
        Assert.Equal(["review", "accept", "keep", "reject", "return"], seen.GetProperty("actions").EnumerateArray().Select(a => a.GetString()!).ToArray());
        Assert.Equal(HttpStatusCode.OK, (await ActAsync(office, id, "review", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ActAsync(office, id, "accept", "内容翔实")).StatusCode);

        var d = await member.GetFromJsonAsync<JsonElement>($"/api/opinions/{id}");
        Assert.Equal("accepted", d.GetProperty("status").GetString());
        Assert.Equal("录用", d.GetProperty("statusName").GetString());
        Assert.Equal(["create", "submit", "review", "accept"], d.GetProperty("history").EnumerateArray().Select(e => e.GetProperty("action").GetString()!).ToArray());
        Assert.Equal("内容翔实", d.GetProperty("history")[3].GetProperty("comment").GetString());
        Assert.Empty(d.GetProperty("actions").EnumerateArray());
        var memberId = await TestActivities.MemberIdOfAsync(app, Author);
        Assert.True(await app.WithDbAsync(db => db.Notifications.AnyAsync(n => n.MemberId == memberId && n.Kind == "opinion.accept" && n.Link == $"/opinions/{id}")));

        // The city sees the district's item; the other district does not, in the list nor by id nor by committee filter.
        var city = await app.ClientAsAsync(City);
        Assert.Equal(HttpStatusCode.OK, (await city.GetAsync($"/api/opinions/{id}")).StatusCode);
        var other = await app.ClientAsAsync(OtherDistrict);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync($"/api/opinions/{id}")).StatusCode);
        var otherList = await other.GetFromJsonAsync<JsonElement>("/api/opinions?pageSize=100");
        Assert.DoesNotContain(otherList.GetProperty("items").EnumerateArray(), x => x.GetProperty("id").GetInt32() == id);
        var forbidden = await other.GetAsync("/api/opinions?committee=520201");
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Contains("钟山区", await Detail(forbidden));
        Assert.Equal(HttpStatusCode.NotFound, (await office.GetAsync("/api/opinions?committee=999999")).StatusCode);
        var filtered = await city.GetFromJsonAsync<JsonElement>("/api/opinions?committee=520201&status=accepted&q=加装电梯&pageSize=100");
        Assert.Contains(filtered.GetProperty("items").EnumerateArray(), x => x.GetProperty("id").GetInt32() == id);
        Assert.All(filtered.GetProperty("items").EnumerateArray(), x => Assert.Equal("520201", x.GetProperty("committeeCode").GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, (await city.GetAsync("/api/opinions?status=bogus")).StatusCode);
    }

    [Fact]
    public async Task Every_edge_is_allowed_for_its_role_and_refused_for_the_others_and_every_non_edge_is_refused()
    {
        var clients = new Dictionary<string, HttpClient>
        {
            [OpinionActors.Author] = await app.ClientAsAsync(Author),
            [OpinionActors.Office] = await app.ClientAsAsync(Office),
        };
        var leader = await app.ClientAsAsync(Leader);
        var city = await app.ClientAsAsync(City);
        foreach (var edge in OpinionWorkflow.Edges)
        {
            var id = await SeedAsync(edge.From);
            // The other role, and a leader who reads but acts on nothing.
            var wrong = edge.Actor == OpinionActors.Author ? clients[OpinionActors.Office] : clients[OpinionActors.Author];
            var refused = await ActAsync(wrong, id, edge.Action);
            Assert.True(refused.StatusCode == HttpStatusCode.Forbidden, $"{edge.From}/{edge.Action} by the wrong role: {(int)refused.StatusCode}");
            if (edge.From != OpinionStatus.Draft)
                Assert.Equal(HttpStatusCode.Forbidden, (await ActAsync(leader, id, edge.Action)).StatusCode);
            Assert.Equal(edge.From, await StatusAsync(id));

            var ok = await ActAsync(clients[edge.Actor], id, edge.Action);
            Assert.True(ok.StatusCode == HttpStatusCode.OK, $"{edge.From}/{edge.Action}: {(int)ok.StatusCode} {await ok.Content.ReadAsStringAsync()}");
            Assert.Equal(edge.To, await StatusAsync(id));
            var last = await app.WithDbAsync(db => db.OpinionEvents.Where(e => e.OpinionItemId == id).OrderByDescending(e => e.Id).FirstAsync());
            Assert.Equal((edge.Action, edge.From, edge.To, edge.Actor), (last.Action, last.FromStatus, last.ToStatus, last.Actor));
        }
        // The city office manages the districts below it too.
        var cityItem = await SeedAsync(OpinionStatus.Submitted);
        Assert.Equal(HttpStatusCode.OK, (await ActAsync(city, cityItem, "keep")).StatusCode);

        var actions = OpinionWorkflow.Edges.Select(e => e.Action).Distinct().ToList();
        foreach (var state in Enum.GetValues<OpinionStatus>())
        {
            var id = await SeedAsync(state);
            foreach (var action in actions.Where(a => !OpinionWorkflow.Edges.Any(e => e.From == state && e.Action == a)))
            {
                var res = await ActAsync(clients[OpinionActors.Author], id, action);
                Assert.True(res.StatusCode == HttpStatusCode.Conflict, $"{state}/{action}: {(int)res.StatusCode}");
                Assert.Contains(OpinionWorkflow.StateName(state), await Detail(res));
            }
            Assert.Equal(state, await StatusAsync(id));
        }
        var any = await SeedAsync(OpinionStatus.Submitted);
        Assert.Equal(HttpStatusCode.NotFound, (await ActAsync(clients[OpinionActors.Office], any, "publish")).StatusCode);
    }

    [Fact]
    public async Task Reject_and_return_need_a_reason_and_a_returned_item_is_edited_and_submitted_again()
    {
        var member = await app.ClientAsAsync(Author);
        var office = await app.ClientAsAsync(Office);
        var id = await SeedAsync(OpinionStatus.Submitted);
        foreach (var action in new[] { "reject", "return" })
        {
            var res = await ActAsync(office, id, action, "  ");
            Assert.Equal(HttpStatusCode.BadRequest, res.StatusCode);
            Assert.Contains("理由", await Detail(res));
            Assert.True((await Json(res)).GetProperty("errors").TryGetProperty("reason", out _));
            Assert.Equal(OpinionStatus.Submitted, await StatusAsync(id));
        }
        // Only drafts and returned items can be edited, only by the author.
        var edit = new { title = "修改后的标题", body = "修改后的正文。" };
        Assert.Equal(HttpStatusCode.Conflict, (await member.PutAsJsonAsync($"/api/opinions/{id}", edit)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ActAsync(office, id, "return", "请补充具体建议")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await office.PutAsJsonAsync($"/api/opinions/{id}", edit)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await member.PutAsJsonAsync($"/api/opinions/{id}", edit)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ActAsync(member, id, "submit", null)).StatusCode);
        var d = await office.GetFromJsonAsync<JsonElement>($"/api/opinions/{id}");
        Assert.Equal(("submitted", "修改后的标题", "请补充具体建议"), (d.GetProperty("status").GetString(), d.GetProperty("title").GetString(), d.GetProperty("reviewNote").GetString()));
        Assert.Equal(["return", "edit", "submit"], d.GetProperty("history").EnumerateArray().Select(e => e.GetProperty("action").GetString()!).ToArray());

        // A stale version is refused.
        var stale = await office.PostAsJsonAsync($"/api/opinions/{id}/actions/accept", new { version = 0 });
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal(OpinionStatus.Submitted, await StatusAsync(id));
    }

    [Fact]
    public async Task The_body_holds_at_most_1500_characters_counting_a_supplementary_character_once()
    {
        var member = await app.ClientAsAsync(Author);
        // 1,499 BMP characters and 𠮷 (two UTF-16 units, one character) make 1,500: accepted.
        var full = Text(1499) + "𠮷";
        Assert.Equal(1501, full.Length);
        var id = await CreateAsync(member, body: full);
        var d = await member.GetFromJsonAsync<JsonElement>($"/api/opinions/{id}");
        Assert.Equal(full, d.GetProperty("body").GetString());
        Assert.Equal(1500, d.GetProperty("length").GetInt32());

        var before = await app.WithDbAsync(db => db.OpinionItems.CountAsync());
        foreach (var tooLong in new[] { Text(1501), Text(1500) + "𠮷", Text(1500, "𠮷") + "a" })
        {
            var res = await member.PostAsJsonAsync("/api/opinions", new { title = "超长", body = tooLong });
            Assert.Equal(HttpStatusCode.BadRequest, res.StatusCode);
            var json = await Json(res);
            Assert.Contains("1,500", json.GetProperty("errors").GetProperty("body")[0].GetString());
            Assert.Contains("1,501", json.GetProperty("errors").GetProperty("body")[0].GetString());
        }
        Assert.Equal(before, await app.WithDbAsync(db => db.OpinionItems.CountAsync()));

        // Editing to 1,501 is refused and the text stays as it was.
        var put = await member.PutAsJsonAsync($"/api/opinions/{id}", new { title = "超长", body = Text(1501) });
        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Equal(full, await app.WithDbAsync(db => db.OpinionItems.Where(x => x.Id == id).Select(x => x.Body).FirstAsync()));

        var empty = await member.PostAsJsonAsync("/api/opinions", new { title = " ", body = "" });
        var errors = (await Json(empty)).GetProperty("errors");
        Assert.Equal("请填写标题。", errors.GetProperty("title")[0].GetString());
        Assert.Equal("请填写正文。", errors.GetProperty("body")[0].GetString());
    }

    [Fact]
    public async Task Markup_in_the_body_is_kept_as_plain_text()
    {
        var member = await app.ClientAsAsync(Author);
        const string body = "<script>alert('x')</script><img src=x onerror=alert(1)>\r\n第二行 & 结尾";
        var id = await CreateAsync(member, "<b>标题</b>", body);
        var d = await member.GetFromJsonAsync<JsonElement>($"/api/opinions/{id}");
        Assert.Equal("<script>alert('x')</script><img src=x onerror=alert(1)>\n第二行 & 结尾", d.GetProperty("body").GetString());
        Assert.Equal("<b>标题</b>", d.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Staff_enter_items_for_their_own_members_only_and_leaders_and_units_cannot_write()
    {
        var office = await app.ClientAsAsync(Office);
        var ownMember = await TestActivities.MemberIdOfAsync(app, Author);
        var foreign = await TestActivities.MemberIdOfAsync(app, "member.520204");
        var res = await office.PostAsJsonAsync("/api/opinions", new { title = "代录信息", body = "正文", authorMemberId = ownMember });
        Assert.Equal(HttpStatusCode.Created, res.StatusCode);
        var id = (await Json(res)).GetProperty("id").GetInt32();
        // The member sees the item entered for them and may submit it.
        Assert.Equal(HttpStatusCode.OK, (await ActAsync(await app.ClientAsAsync(Author), id, "submit", null)).StatusCode);

        var before = await app.WithDbAsync(db => db.OpinionItems.CountAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await office.PostAsJsonAsync("/api/opinions", new { title = "代录", body = "正文", authorMemberId = foreign })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await office.PostAsJsonAsync("/api/opinions", new { title = "代录", body = "正文", authorMemberId = ownMember, committee = "520200" })).StatusCode);
        var member = await app.ClientAsAsync(Author);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.PostAsJsonAsync("/api/opinions", new { title = "冒名", body = "正文", authorMemberId = foreign })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.PostAsJsonAsync("/api/opinions", new { title = "越级", body = "正文", committee = "520204" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync(Leader)).PostAsJsonAsync("/api/opinions", new { title = "领导", body = "正文" })).StatusCode);
        var bad = await office.PostAsJsonAsync("/api/opinions", new { title = "无作者", body = "正文" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.True((await Json(bad)).GetProperty("errors").TryGetProperty("authorMemberId", out _));
        var coBad = await member.PostAsJsonAsync("/api/opinions", new { title = "联名", body = "正文", coAuthorIds = new[] { foreign } });
        Assert.Equal(HttpStatusCode.BadRequest, coBad.StatusCode);
        Assert.Equal(before, await app.WithDbAsync(db => db.OpinionItems.CountAsync()));

        // A handling unit is refused on every endpoint.
        await TestAccounts.EnsureAsync(app, "unit.opinions.test", Roles.HandlingUnit, "520200");
        var unit = await app.ClientAsAsync("unit.opinions.test");
        var bulletin = await app.WithDbAsync(db => db.OpinionBulletins.OrderBy(b => b.Id).Select(b => (int?)b.Id).FirstOrDefaultAsync()) ?? 1;
        foreach (var (method, url) in new[]
        {
            ("GET", "/api/opinions"), ("GET", $"/api/opinions/{id}"), ("POST", "/api/opinions"), ("PUT", $"/api/opinions/{id}"),
            ("POST", $"/api/opinions/{id}/actions/accept"), ("POST", $"/api/opinions/{id}/adoptions"), ("POST", $"/api/opinions/{id}/instructions"),
            ("DELETE", $"/api/opinions/{id}/outcomes/1"), ("GET", "/api/opinions/bulletins"), ("POST", "/api/opinions/bulletins"),
            ("GET", $"/api/opinions/bulletins/{bulletin}"), ("POST", $"/api/opinions/bulletins/{bulletin}/issue"), ("GET", $"/api/opinions/bulletins/{bulletin}/docx"),
        })
        {
            var r = await unit.SendAsync(new HttpRequestMessage(new HttpMethod(method), url) { Content = method is "POST" or "PUT" ? JsonContent.Create(new { }) : null });
            Assert.True(r.StatusCode == HttpStatusCode.Forbidden, $"{method} {url}: {(int)r.StatusCode}");
            Assert.Contains("社情民意", await Detail(r));
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().GetAsync("/api/opinions")).StatusCode);
    }

    [Fact]
    public async Task Outcomes_write_duty_records_and_deleting_one_removes_its_record()
    {
        var office = await app.ClientAsAsync(Office);
        var id = await SeedAsync(OpinionStatus.Accepted);
        var memberId = await TestActivities.MemberIdOfAsync(app, Author);
        var today = ChinaTime.DayOf(DateTimeOffset.UtcNow).ToString("yyyy-MM-dd");
        Task<List<(string Code, decimal Points, decimal Quantity)>> Records() => app.WithDbAsync(async db =>
            (await db.DutyRecords.Where(r => r.Source == "opinion" && r.SourceId == id && r.MemberId == memberId).OrderBy(r => r.RuleCode)
                .Select(r => new { r.RuleCode, r.Points, r.Quantity }).ToListAsync()).Select(r => (r.RuleCode, r.Points, r.Quantity)).ToList());

        var own = await office.PostAsJsonAsync($"/api/opinions/{id}/adoptions", new { committee = "520201", on = today });
        Assert.Equal(HttpStatusCode.Created, own.StatusCode);
        Assert.Equal("opinion.adopted", (await Json(own)).GetProperty("ruleCode").GetString());
        var upper = await office.PostAsJsonAsync($"/api/opinions/{id}/adoptions", new { committee = "520200", on = today });
        Assert.Equal("opinion.adopted.upper", (await Json(upper)).GetProperty("ruleCode").GetString());
        Assert.Equal("city", (await Json(upper)).GetProperty("level").GetString());
        var province = await office.PostAsJsonAsync($"/api/opinions/{id}/instructions", new { leaderName = "王某副省长", level = "province", text = "请省卫健委研究。", on = today });
        Assert.Equal("instruction.upper", (await Json(province)).GetProperty("ruleCode").GetString());
        var county = await office.PostAsJsonAsync($"/api/opinions/{id}/instructions", new { leaderName = "李某区长", level = "county", text = "请区住建局办理。", on = today });
        Assert.Equal(HttpStatusCode.Created, county.StatusCode);

        var records = await Records();
        Assert.Equal(["instruction", "instruction.upper", "opinion.adopted", "opinion.adopted.upper"], records.Select(r => r.Code).ToArray());
        Assert.Equal([10m, 30m, 5m, 20m], records.Select(r => r.Points).ToArray());

        // Refused: the same committee twice, a sibling committee, bad level and dates, other roles and committees — nothing changes.
        Assert.Equal(HttpStatusCode.Conflict, (await office.PostAsJsonAsync($"/api/opinions/{id}/adoptions", new { committee = "520201", on = today })).StatusCode);
        var sibling = await office.PostAsJsonAsync($"/api/opinions/{id}/adoptions", new { committee = "520204", on = today });
        Assert.Equal(HttpStatusCode.BadRequest, sibling.StatusCode);
        Assert.Contains("上级", await Detail(sibling));
        Assert.Equal(HttpStatusCode.BadRequest, (await office.PostAsJsonAsync($"/api/opinions/{id}/instructions", new { leaderName = "某", level = "village", text = "x", on = today })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await office.PostAsJsonAsync($"/api/opinions/{id}/instructions", new { leaderName = "某", level = "city", text = "x", on = "2099-01-01" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await office.PostAsJsonAsync($"/api/opinions/{id}/adoptions", new { committee = "520200", on = "昨天" })).StatusCode);
        foreach (var who in new[] { OtherDistrict, Leader, Author })
        {
            var c = await app.ClientAsAsync(who);
            Assert.Equal(HttpStatusCode.Forbidden, (await c.PostAsJsonAsync($"/api/opinions/{id}/adoptions", new { committee = "520200", on = today })).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await c.PostAsJsonAsync($"/api/opinions/{id}/instructions", new { leaderName = "某", level = "city", text = "x", on = today })).StatusCode);
        }
        var notAccepted = await SeedAsync(OpinionStatus.Submitted);
        Assert.Equal(HttpStatusCode.Conflict, (await office.PostAsJsonAsync($"/api/opinions/{notAccepted}/adoptions", new { committee = "520201", on = today })).StatusCode);
        Assert.Equal(4, await app.WithDbAsync(db => db.OpinionOutcomes.CountAsync(o => o.OpinionItemId == id)));
        Assert.Equal(records, await Records());

        // Deleting: not by another district; by the office the record goes.
        var d = await office.GetFromJsonAsync<JsonElement>($"/api/opinions/{id}");
        var upperId = d.GetProperty("outcomes").EnumerateArray().First(o => o.GetProperty("ruleCode").GetString() == "instruction.upper").GetProperty("id").GetInt32();
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync(OtherDistrict)).DeleteAsync($"/api/opinions/{id}/outcomes/{upperId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync(Leader)).DeleteAsync($"/api/opinions/{id}/outcomes/{upperId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await office.DeleteAsync($"/api/opinions/{id}/outcomes/{upperId}")).StatusCode);
        Assert.Equal(["instruction", "opinion.adopted", "opinion.adopted.upper"], (await Records()).Select(r => r.Code).ToArray());
        Assert.Equal(HttpStatusCode.NotFound, (await office.DeleteAsync($"/api/opinions/{id}/outcomes/{upperId}")).StatusCode);
    }

    private async Task<int> BulletinAsync(HttpClient client, string committee, int[] items, bool toParent = false)
    {
        var res = await client.PostAsJsonAsync("/api/opinions/bulletins", new { committee, itemIds = items, recipients = new[] { "区委办公室", "区政府办公室" }, sendToParent = toParent });
        Assert.True(res.StatusCode == HttpStatusCode.Created, await res.Content.ReadAsStringAsync());
        return (await Json(res)).GetProperty("id").GetInt32();
    }

    [Fact]
    public async Task Bulletins_are_composed_from_accepted_items_issued_with_a_number_sent_upward_and_exported()
    {
        var office = await app.ClientAsAsync(Office);
        var a = await SeedAsync(OpinionStatus.Accepted);
        var b = await SeedAsync(OpinionStatus.Accepted);
        var submitted = await SeedAsync(OpinionStatus.Submitted);
        var foreign = await SeedAsync(OpinionStatus.Accepted, "520204", "member.520204");
        var id = await BulletinAsync(office, "520201", [a], toParent: true);

        Assert.Equal(HttpStatusCode.Conflict, (await office.PostAsJsonAsync($"/api/opinions/bulletins/{id}/items", new { itemIds = new[] { submitted } })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await office.PostAsJsonAsync($"/api/opinions/bulletins/{id}/items", new { itemIds = new[] { foreign } })).StatusCode);
        var added = await office.PostAsJsonAsync($"/api/opinions/bulletins/{id}/items", new { itemIds = new[] { b, a } });
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        Assert.Equal([a, b], (await Json(added)).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt32()).ToArray());
        Assert.Equal(HttpStatusCode.OK, (await office.DeleteAsync($"/api/opinions/bulletins/{id}/items/{b}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await office.PostAsJsonAsync($"/api/opinions/bulletins/{id}/items", new { itemIds = new[] { b } })).StatusCode);

        // Other districts, leaders and members may not touch it; the other district does not even see it.
        var other = await app.ClientAsAsync(OtherDistrict);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync($"/api/opinions/bulletins/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.PostAsync($"/api/opinions/bulletins/{id}/issue", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.PostAsJsonAsync("/api/opinions/bulletins", new { committee = "520201" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync("/api/opinions/bulletins?committee=520201")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync(Leader)).PostAsync($"/api/opinions/bulletins/{id}/issue", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync(Author)).GetAsync($"/api/opinions/bulletins/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync(Author)).GetAsync("/api/opinions/bulletins")).StatusCode);

        var empty = await BulletinAsync(office, "520201", []);
        Assert.Equal(HttpStatusCode.BadRequest, (await office.PostAsync($"/api/opinions/bulletins/{empty}/issue", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await office.DeleteAsync($"/api/opinions/bulletins/{empty}")).StatusCode);

        var year = ChinaTime.YearOf(DateTimeOffset.UtcNow);
        var before = await app.WithDbAsync(db => db.OpinionBulletins.Where(x => x.Committee!.Code == "520201" && x.Year == year).MaxAsync(x => x.Sequence)) ?? 0;
        var issued = await office.PostAsync($"/api/opinions/bulletins/{id}/issue", null);
        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        var json = await Json(issued);
        Assert.Equal($"{year}年第{before + 1}期", json.GetProperty("number").GetString());
        Assert.Equal("issued", json.GetProperty("status").GetString());
        Assert.Equal("六盘水市政协", json.GetProperty("parentCommitteeName").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await office.PostAsync($"/api/opinions/bulletins/{id}/issue", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await office.DeleteAsync($"/api/opinions/bulletins/{id}/items/{a}")).StatusCode);

        // Sent upward: the city's list of received issues holds it; the author's item names the issue.
        var city = await app.ClientAsAsync(City);
        var received = await city.GetFromJsonAsync<JsonElement>("/api/opinions/bulletins?received=true&pageSize=100");
        Assert.Contains(received.GetProperty("items").EnumerateArray(), x => x.GetProperty("id").GetInt32() == id && x.GetProperty("received").GetBoolean());
        var item = await (await app.ClientAsAsync(Author)).GetFromJsonAsync<JsonElement>($"/api/opinions/{a}");
        Assert.Contains(item.GetProperty("bulletins").EnumerateArray(), x => x.GetProperty("number").GetString() == $"{year}年第{before + 1}期");
        Assert.Contains(item.GetProperty("history").EnumerateArray(), e => e.GetProperty("action").GetString() == "bulletin");

        var docx = await office.GetAsync($"/api/opinions/bulletins/{id}/docx");
        Assert.Equal(HttpStatusCode.OK, docx.StatusCode);
        Assert.Equal("application/vnd.openxmlformats-officedocument.wordprocessingml.document", docx.Content.Headers.ContentType?.MediaType);
        using var zip = new ZipArchive(await docx.Content.ReadAsStreamAsync());
        using var reader = new StreamReader(zip.GetEntry("word/document.xml")!.Open());
        var xml = await reader.ReadToEndAsync();
        var authorName = await app.WithDbAsync(db => db.OpinionItems.Where(x => x.Id == a).Select(x => x.AuthorName).FirstAsync());
        foreach (var expected in new[] { "社情民意", $"{year}年第{before + 1}期", "钟山区政协", authorName, "测试信息（Accepted）", "六盘水市政协", "区委办公室" })
            Assert.Contains(expected, xml);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync($"/api/opinions/bulletins/{id}/docx")).StatusCode);
    }

    [Fact]
    public async Task Concurrent_issuing_numbers_bulletins_without_gaps_or_repeats()
    {
        var office = await app.ClientAsAsync(OtherDistrict);
        var year = ChinaTime.YearOf(DateTimeOffset.UtcNow);
        var before = await app.WithDbAsync(db => db.OpinionBulletins.Where(x => x.Committee!.Code == "520204" && x.Year == year).MaxAsync(x => x.Sequence)) ?? 0;
        var ids = new List<int>();
        for (var i = 0; i < 8; i++)
            ids.Add(await BulletinAsync(office, "520204", [await SeedAsync(OpinionStatus.Accepted, "520204", "member.520204")]));
        var results = await Task.WhenAll(ids.Select(async id =>
        {
            var client = await app.ClientAsAsync(OtherDistrict);
            return await client.PostAsync($"/api/opinions/bulletins/{id}/issue", null);
        }));
        Assert.All(results, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var numbers = await app.WithDbAsync(db => db.OpinionBulletins.Where(x => ids.Contains(x.Id)).Select(x => x.Sequence!.Value).ToListAsync());
        Assert.Equal(Enumerable.Range(before + 1, 8), numbers.Order());
    }

    [Fact]
    public async Task A_proposal_not_filed_is_converted_into_a_submitted_item()
    {
        var memberId = await TestActivities.MemberIdOfAsync(app, Author);
        var longBody = "<p>一、<strong>现状</strong>：" + Text(1600) + "</p><p>二、建议 &amp; 措施</p>";
        var id = await app.WithDbAsync(async db =>
        {
            var c = await db.Committees.FirstAsync(x => x.Code == "520201");
            var name = await db.Members.Where(m => m.Id == memberId).Select(m => m.Name).FirstAsync();
            var p = new Proposal
            {
                CommitteeId = c.Id, CommitteePath = c.Path, Status = ProposalStatus.NotFiled, Kind = ProposalKind.BetweenSession, ProposerType = ProposerType.Member,
                ProposerMemberId = memberId, ProposerName = name, Title = "关于规范共享单车停放的提案", Body = longBody, Term = 9, Session = 2, Year = 2026,
                CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
            };
            db.Proposals.Add(p);
            await db.SaveChangesAsync();
            var staff = new CurrentUser("staff.520201", new HashSet<string> { Roles.Staff }, c.Id, c.Code, c.Path, null) { UserId = "x", DisplayName = "钟山区政协提案委" };
            var item = OpinionItem.CreateFromProposal(db, p, staff, TimeProvider.System);
            Assert.Equal(0, await db.OpinionItems.CountAsync(x => x.SourceProposalId == p.Id)); // added, not saved
            await db.SaveChangesAsync();
            return item.Id;
        });
        var office = await app.ClientAsAsync(Office);
        var d = await office.GetFromJsonAsync<JsonElement>($"/api/opinions/{id}");
        Assert.Equal("submitted", d.GetProperty("status").GetString());
        Assert.Equal("关于规范共享单车停放的提案", d.GetProperty("title").GetString());
        Assert.Equal(1500, d.GetProperty("length").GetInt32());
        Assert.StartsWith("一、现状：民民", d.GetProperty("body").GetString());
        Assert.DoesNotContain("<", d.GetProperty("body").GetString());
        Assert.Equal(memberId, d.GetProperty("authorMemberId").GetInt32());
        Assert.Equal("convert", d.GetProperty("history")[0].GetProperty("action").GetString());
        Assert.True(d.GetProperty("sourceProposalId").GetInt32() > 0);
        // The author may still withdraw it; the office decides on it.
        var author = await (await app.ClientAsAsync(Author)).GetFromJsonAsync<JsonElement>($"/api/opinions/{id}");
        Assert.Equal(["withdraw"], author.GetProperty("actions").EnumerateArray().Select(a => a.GetString()!).ToArray());
    }
}

public sealed class OpinionsApiSqliteTests(SqliteAppFactory app) : OpinionsApiTests(app), IClassFixture<SqliteAppFactory>;
public sealed class OpinionsApiPostgresTests(PostgresAppFactory app) : OpinionsApiTests(app), IClassFixture<PostgresAppFactory>;

using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Outcomes;
using Xieshang.Web.Features.Proposals;
using Xieshang.Web.Features.Studios;
using static Xieshang.Tests.Features.Studios.StudioSteps;

namespace Xieshang.Tests.Features.Studios;

/// <summary>
/// Members' studios: creation rules (township in the committee's area, the committee's own sector, members in scope), the
/// message lifecycle (new → answered; converted to a proposal draft and to an opinion draft with work links; the tracking
/// view without internal data), studio activities through the activities mechanism, the public side exposing nothing
/// internal (no member phone, no unpublished studio), and every office endpoint refused to the wrong role and committee.
/// </summary>
public abstract class StudiosApiTests(AppFactory app)
{
    private async Task<(int Studio, int OnDuty, int OffDuty, string OffDutyUser)> StudioWithMembersAsync(bool published = true, string name = "钟山区黄土坡委员工作室")
    {
        var onDuty = await MemberIdOfAsync(app, "member.520201");
        var (offUser, offDuty) = await OffDutyMemberAsync(app);
        var id = await CreateStudioAsync(app, [new { memberId = onDuty, onDuty = true, note = "每月第一周" }, new { memberId = offDuty, onDuty = false }], published, name);
        return (id, onDuty, offDuty, offUser);
    }

    [Fact]
    public async Task Creation_refuses_a_township_outside_the_area_another_committees_sector_and_a_member_out_of_scope()
    {
        var staff = await app.ClientAsAsync("staff.520201");
        var own = await MemberIdOfAsync(app, "member.520201");
        var otherSector = await app.WithDbAsync(db => db.Sectors.Where(s => s.Committee!.Code == "520204").Select(s => s.Id).FirstAsync());
        var otherMember = (await OtherMembersAsync(app, "520204", 1))[0];
        var liuzhiTownship = await app.WithDbAsync(_ => Task.FromResult(app.Services.GetRequiredService<Townships>().InCounty("520203").First().Code));
        var before = await app.WithDbAsync(db => db.Studios.CountAsync());
        async Task Refused(object body, string field, string words)
        {
            var res = await staff.PostAsJsonAsync("/api/studios", body);
            Assert.Equal(HttpStatusCode.BadRequest, res.StatusCode);
            var json = await Json(res);
            Assert.Contains(words, json.GetProperty("errors").GetProperty(field)[0].GetString());
        }
        await Refused(new { name = "工作室", committeeCode = "520201", townshipCode = liuzhiTownship, address = "某路 1 号", memberIds = new[] { own } }, "townshipCode", "不在钟山区政协的行政区域内");
        await Refused(new { name = "工作室", committeeCode = "520201", sectorId = otherSector, townshipCode = "520201011", address = "某路 1 号", memberIds = new[] { own } }, "sectorId", "界别须是钟山区政协的界别");
        await Refused(new { name = "工作室", committeeCode = "520201", townshipCode = "520201011", address = "某路 1 号", memberIds = new[] { otherMember } }, "memberIds", "不属于钟山区政协");
        await Refused(new { name = "", committeeCode = "520201", townshipCode = "999999999", address = "", memberIds = new[] { own } }, "townshipCode", "不存在");
        await Refused(new { name = "工作室", committeeCode = "520201", kind = "sector", townshipCode = "520201011", address = "某路 1 号", memberIds = new[] { own } }, "sectorId", "须选择界别");
        Assert.Equal(before, await app.WithDbAsync(db => db.Studios.CountAsync()));

        // A city studio may sit in a township of any of its counties; a sector studio with the committee's own sector is fine.
        var city = await app.ClientAsAsync("staff.520200");
        var citySector = await app.WithDbAsync(db => db.Sectors.Where(s => s.Committee!.Code == "520200").Select(s => s.Id).FirstAsync());
        var ok = await city.PostAsJsonAsync("/api/studios", new { name = "市政协经济界委员工作室", committeeCode = "520200", sectorId = citySector, townshipCode = "520201011", address = "黄土坡街道 8 号", memberIds = Array.Empty<int>() });
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        var created = await app.WithDbAsync(db => db.Studios.AsNoTracking().FirstAsync(s => s.Name == "市政协经济界委员工作室"));
        Assert.Equal(StudioKind.Sector, created.Kind);
        Assert.Equal("黄土坡街道", created.TownshipName);
        Assert.False(created.IsPublished);
    }

    [Fact]
    public async Task A_message_is_answered_converted_to_a_proposal_and_to_an_opinion_with_links_and_the_citizen_sees_only_the_state()
    {
        var (studio, onDuty, _, _) = await StudioWithMembersAsync();
        var member = await app.ClientAsAsync("member.520201");
        var citizen = app.CreateClient();

        // new → answered, the member on duty notified.
        var (code1, id1) = await LeaveMessageAsync(app, studio, "小区门口的路灯坏了三个月，晚上出行很不方便。", "13800001111");
        Assert.True(await app.WithDbAsync(db => db.Notifications.AnyAsync(n => n.MemberId == onDuty && n.Kind == "studio.message")));
        var tracked = await citizen.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/studio-messages/{code1.ToLowerInvariant()}");
        Assert.Equal("new", tracked.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await member.PostAsJsonAsync($"/api/studio-messages/{id1}/answer", new { text = "已联系街道办，本周内修复。" })).StatusCode);
        tracked = await citizen.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/studio-messages/{code1}");
        Assert.Equal("answered", tracked.GetProperty("status").GetString());
        Assert.Equal("已联系街道办，本周内修复。", tracked.GetProperty("answer").GetString());
        var raw = System.Text.Json.JsonSerializer.Serialize(tracked);
        Assert.DoesNotContain("13800001111", raw);
        Assert.False(tracked.TryGetProperty("answeredByMemberId", out _));
        Assert.False(tracked.TryGetProperty("phone", out _));
        var stored = await app.WithDbAsync(db => db.StudioMessages.AsNoTracking().FirstAsync(m => m.Id == id1));
        Assert.Equal(onDuty, stored.AnsweredByMemberId);
        Assert.NotNull(stored.AnsweredAt);
        Assert.Equal(64, stored.ClientKey.Length);

        // → a proposal draft by the member on duty, without the citizen's phone, linked both ways.
        var (code2, id2) = await LeaveMessageAsync(app, studio, "村里的通组路雨天泥泞，孩子上学困难，希望硬化。", "13900002222");
        var conv = await member.PostAsJsonAsync($"/api/studio-messages/{id2}/convert", new { to = "proposal" });
        Assert.True(conv.StatusCode == HttpStatusCode.OK, await conv.Content.ReadAsStringAsync());
        var proposalId = (await Json(conv)).GetProperty("id").GetInt32();
        Assert.Equal($"/proposals/{proposalId}", (await Json(conv)).GetProperty("link").GetString());
        var proposal = await app.WithDbAsync(db => db.Proposals.AsNoTracking().FirstAsync(p => p.Id == proposalId));
        Assert.Equal(ProposalStatus.Draft, proposal.Status);
        Assert.Equal(onDuty, proposal.ProposerMemberId);
        Assert.Contains("通组路", proposal.Body);
        Assert.DoesNotContain("13900002222", proposal.Body + proposal.Title);
        Assert.True(await app.WithDbAsync(db => db.WorkLinks.AnyAsync(l => l.FromType == WorkItemType.StudioMessage && l.FromId == id2 && l.ToType == WorkItemType.Proposal && l.ToId == proposalId)));
        Assert.Equal(proposalId, await app.WithDbAsync(db => db.StudioMessages.Where(m => m.Id == id2).Select(m => m.ConvertedProposalId).FirstAsync()));
        var t2 = await citizen.GetAsync($"/api/studio-messages/{code2}");
        var t2Text = await t2.Content.ReadAsStringAsync();
        Assert.Contains("已转为委员提案，正在办理", t2Text);
        Assert.DoesNotContain(proposal.Title, t2Text);
        Assert.DoesNotContain("/proposals/", t2Text);
        Assert.Equal(HttpStatusCode.Conflict, (await member.PostAsJsonAsync($"/api/studio-messages/{id2}/convert", new { to = "opinion" })).StatusCode);

        // → an opinion draft, entered by staff for the member on duty.
        var (code3, id3) = await LeaveMessageAsync(app, studio, "菜市场周边占道经营严重，建议规划临时摊位区。");
        var staff = await app.ClientAsAsync("staff.520201");
        var conv3 = await staff.PostAsJsonAsync($"/api/studio-messages/{id3}/convert", new { to = "opinion" });
        Assert.True(conv3.StatusCode == HttpStatusCode.OK, await conv3.Content.ReadAsStringAsync());
        var opinionId = (await Json(conv3)).GetProperty("id").GetInt32();
        var opinion = await app.WithDbAsync(db => db.OpinionItems.AsNoTracking().FirstAsync(o => o.Id == opinionId));
        Assert.Equal(Xieshang.Web.Features.Opinions.OpinionStatus.Draft, opinion.Status);
        Assert.Equal(onDuty, opinion.AuthorMemberId);
        Assert.DoesNotContain("13800001111", opinion.Body);
        Assert.True(await app.WithDbAsync(db => db.WorkLinks.AnyAsync(l => l.FromType == WorkItemType.StudioMessage && l.FromId == id3 && l.ToType == WorkItemType.OpinionItem && l.ToId == opinionId)));
        Assert.Contains("已转为社情民意，正在办理", await (await citizen.GetAsync($"/api/studio-messages/{code3}")).Content.ReadAsStringAsync());

        // The inbox: filter by state; response time counted.
        var inbox = await member.GetFromJsonAsync<List<System.Text.Json.JsonElement>>($"/api/studios/{studio}/messages?status=converted");
        Assert.Equal(2, inbox!.Count);
        Assert.Contains(inbox, m => m.GetProperty("phone").GetString() == "13900002222");
        var detail = await staff.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/studios/{studio}");
        Assert.Equal(3, detail.GetProperty("response").GetProperty("responded").GetInt32());
        Assert.Equal(1.0, detail.GetProperty("response").GetProperty("withinThreeWorkingDays").GetDouble());
        Assert.Equal(HttpStatusCode.BadRequest, (await member.GetAsync($"/api/studios/{studio}/messages?status=bogus")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await citizen.GetAsync("/api/studio-messages/ZZZZZZZZZZ")).StatusCode);
    }

    [Fact]
    public async Task A_draft_made_from_a_message_carries_neither_the_citizens_name_nor_phone_nor_a_self_introduction()
    {
        var (studio, onDuty, _, _) = await StudioWithMembersAsync(name: "钟山区隐私检查委员工作室");
        const string content = "我是李秀英，家住黄土坡街道 3 栋。小区门口的路灯坏了三个月，王秀兰阿姨晚上摔了一跤；请回电 13812345678 或分机 88123。";
        string[] secrets = ["李秀英", "王秀兰", "13812345678", "88123", "家住", "3 栋"];
        async Task<int> Leave()
        {
            var res = await PostMessageAsync(app.CreateClient(), studio, content, "王秀兰", "88123");
            Assert.True(res.StatusCode == HttpStatusCode.Created, await res.Content.ReadAsStringAsync());
            var code = (await Json(res)).GetProperty("trackingCode").GetString()!;
            return await app.WithDbAsync(db => db.StudioMessages.Where(m => m.TrackingCode == code).Select(m => m.Id).FirstAsync());
        }

        // A proposal draft by the member on duty: the title quotes the matter's first clause after the introduction.
        var toProposal = await (await app.ClientAsAsync("member.520201")).PostAsJsonAsync($"/api/studio-messages/{await Leave()}/convert", new { to = "proposal" });
        Assert.True(toProposal.StatusCode == HttpStatusCode.OK, await toProposal.Content.ReadAsStringAsync());
        var pid = (await Json(toProposal)).GetProperty("id").GetInt32();
        var proposal = await app.WithDbAsync(db => db.Proposals.AsNoTracking().FirstAsync(p => p.Id == pid));
        Assert.Equal(onDuty, proposal.ProposerMemberId);
        Assert.Equal("关于小区门口的路灯坏了三个月问题的建议", proposal.Title);
        Assert.Contains("某某阿姨晚上摔了一跤", proposal.Body);
        Assert.Contains("请回电 *** 或分机 ***", proposal.Body);
        foreach (var secret in secrets) Assert.DoesNotContain(secret, proposal.Title + proposal.Body);

        // An opinion draft entered by staff: the same.
        var toOpinion = await (await app.ClientAsAsync("staff.520201")).PostAsJsonAsync($"/api/studio-messages/{await Leave()}/convert", new { to = "opinion" });
        Assert.True(toOpinion.StatusCode == HttpStatusCode.OK, await toOpinion.Content.ReadAsStringAsync());
        var oid = (await Json(toOpinion)).GetProperty("id").GetInt32();
        var opinion = await app.WithDbAsync(db => db.OpinionItems.AsNoTracking().FirstAsync(o => o.Id == oid));
        Assert.Equal("关于小区门口的路灯坏了三个月的情况反映", opinion.Title);
        foreach (var secret in secrets) Assert.DoesNotContain(secret, opinion.Title + opinion.Body);

        // The chain node of the message uses the same function.
        var node = StudioMessageResolver.Excerpt(content, "王秀兰", "88123");
        Assert.StartsWith("小区门口的路灯坏了三个月，某某阿姨", node);
        foreach (var secret in secrets) Assert.DoesNotContain(secret, node);
    }

    [Fact]
    public async Task The_list_of_a_committee_includes_the_studios_of_the_committees_below_it()
    {
        var (studio, _, _, _) = await StudioWithMembersAsync(name: "钟山区下级列表检查委员工作室");
        async Task<List<System.Text.Json.JsonElement>> List(string who, string code) =>
            (await (await app.ClientAsAsync(who)).GetFromJsonAsync<List<System.Text.Json.JsonElement>>($"/api/studios?committee={code}"))!;
        var city = await List("staff.520200", "520200");
        Assert.Contains(city, s => s.GetProperty("id").GetInt32() == studio);
        Assert.All(city, s => Assert.StartsWith("5202", s.GetProperty("committeeCode").GetString()));
        Assert.Contains(await List("leader.520200", "520200"), s => s.GetProperty("id").GetInt32() == studio);
        Assert.Contains(await List("staff.520200", "520201"), s => s.GetProperty("id").GetInt32() == studio);
        var shuicheng = await List("staff.520200", "520204");
        Assert.DoesNotContain(shuicheng, s => s.GetProperty("id").GetInt32() == studio);
        Assert.All(shuicheng, s => Assert.Equal("520204", s.GetProperty("committeeCode").GetString()));
        // Below does not reach above: a district's staff and leader are refused the city's list.
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync("staff.520201")).GetAsync("/api/studios?committee=520200")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync("leader.520201")).GetAsync("/api/studios?committee=520200")).StatusCode);
    }

    [Fact]
    public async Task A_reception_day_is_an_activity_inviting_the_studios_members_and_shows_on_the_public_page()
    {
        var (studio, onDuty, offDuty, _) = await StudioWithMembersAsync(name: "钟山区接待日测试工作室");
        var staff = await app.ClientAsAsync("staff.520201");
        var start = DateTimeOffset.UtcNow.AddDays(7);
        var res = await staff.PostAsJsonAsync($"/api/studios/{studio}/activities", new { kind = "reception", startsAt = start, endsAt = start.AddHours(3), publish = true });
        Assert.True(res.StatusCode == HttpStatusCode.Created, await res.Content.ReadAsStringAsync());
        var activityId = (await Json(res)).GetProperty("id").GetInt32();
        var invited = await app.WithDbAsync(db => db.Invitations.Where(i => i.ActivityId == activityId).Select(i => i.MemberId).OrderBy(i => i).ToListAsync());
        Assert.Equal(new[] { onDuty, offDuty }.Order(), invited);
        // The address already names the township: the place is the address as typed, the township not printed twice.
        Assert.Equal("黄土坡街道社区服务中心二楼", await app.WithDbAsync(db => db.Activities.Where(a => a.Id == activityId).Select(a => a.Place).FirstAsync()));
        Assert.Equal("荷泉街道人民路88号", StudioRules.PlaceOf("荷泉街道", "人民路88号"));
        Assert.Equal("钟山区荷泉街道人民路88号", StudioRules.PlaceOf("荷泉街道", "钟山区荷泉街道人民路88号"));
        var page = await app.CreateClient().GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/public/studios/{studio}");
        Assert.Single(page.GetProperty("upcoming").EnumerateArray());
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync("member.520201")).PostAsJsonAsync($"/api/studios/{studio}/activities", new { kind = "reception", startsAt = start, endsAt = start.AddHours(3) })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync("staff.520204")).PostAsJsonAsync($"/api/studios/{studio}/activities", new { kind = "reception", startsAt = start, endsAt = start.AddHours(3) })).StatusCode);
    }

    [Fact]
    public async Task Public_endpoints_and_pages_show_no_member_phone_and_no_unpublished_studio()
    {
        var (studio, onDuty, _, _) = await StudioWithMembersAsync(name: "钟山区公开测试工作室");
        var hidden = await CreateStudioAsync(app, [], published: false, name: "钟山区未公开测试工作室");
        const string memberPhone = "13612345678";
        await app.WithDbAsync(async db => { var m = await db.Members.FirstAsync(x => x.Id == onDuty); m.Phone = memberPhone; return await db.SaveChangesAsync(); });
        var memberName = await app.WithDbAsync(db => db.Members.Where(m => m.Id == onDuty).Select(m => m.Name).FirstAsync());
        var (code, _) = await LeaveMessageAsync(app, studio, "反映一个问题。", "13700003333");
        var anon = app.CreateClient();
        var texts = new List<string>();
        foreach (var url in new[] { "/api/public/studios", $"/api/public/studios/{studio}", $"/api/studio-messages/{code}", "/studios", $"/studios/{studio}", $"/studios/track/{code}" })
        {
            var res = await anon.GetAsync(url);
            Assert.True(res.StatusCode == HttpStatusCode.OK, $"{url}: {(int)res.StatusCode}");
            texts.Add(System.Net.WebUtility.HtmlDecode(await res.Content.ReadAsStringAsync()));
        }
        Assert.All(texts, t => Assert.DoesNotContain(memberPhone, t));
        Assert.All(texts, t => Assert.DoesNotContain("13700003333", t));
        Assert.All(texts, t => Assert.DoesNotContain("钟山区未公开测试工作室", t));
        Assert.Contains(memberName, texts[1]);
        Assert.Contains("0858-8221234", texts[1]);
        Assert.DoesNotContain($"\"memberId\"", texts[1]);
        Assert.Equal(HttpStatusCode.NotFound, (await anon.GetAsync($"/api/public/studios/{hidden}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anon.GetAsync($"/studios/{hidden}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await PostMessageAsync(anon, hidden, "给未公开的工作室留言")).StatusCode);
        Assert.Equal(0, await app.WithDbAsync(db => db.StudioMessages.CountAsync(m => m.StudioId == hidden)));
        Assert.Equal(HttpStatusCode.NotFound, (await anon.GetAsync("/studios/track/ABCDEFGHJK")).StatusCode);
    }

    [Fact]
    public async Task Every_office_endpoint_refuses_the_wrong_role_and_committee_and_changes_nothing()
    {
        var (studio, _, _, offUser) = await StudioWithMembersAsync(name: "钟山区权限测试工作室");
        var (_, messageId) = await LeaveMessageAsync(app, studio, "权限测试留言");
        async Task<string> SnapshotAsync() => await app.WithDbAsync(async db => string.Join("|",
            await db.Studios.CountAsync(), await db.Studios.Where(s => s.Id == studio).Select(s => s.Name + s.Address + s.IsPublished).FirstAsync(),
            await db.StudioMembers.CountAsync(), await db.StudioMessages.Where(m => m.Id == messageId).Select(m => m.Status + m.Answer).FirstAsync(),
            await db.Proposals.CountAsync(), await db.OpinionItems.CountAsync(), await db.WorkLinks.CountAsync(), await db.Activities.CountAsync()));
        var before = await SnapshotAsync();
        var start = DateTimeOffset.UtcNow.AddDays(5);
        var body = new { name = "越权", committeeCode = "520201", townshipCode = "520201011", address = "某路", memberIds = Array.Empty<int>() };
        var writes = new (string Method, string Url, object Body)[]
        {
            ("POST", "/api/studios", body),
            ("PUT", $"/api/studios/{studio}", body),
            ("POST", $"/api/studios/{studio}/activities", new { kind = "reception", startsAt = start, endsAt = start.AddHours(2) }),
            ("POST", $"/api/studio-messages/{messageId}/answer", new { text = "越权答复" }),
            ("POST", $"/api/studio-messages/{messageId}/convert", new { to = "opinion" }),
            ("POST", $"/api/studio-messages/{messageId}/close", new { }),
        };
        // Wrong committee (another district's staff), wrong role (a leader, a member not on duty, a member of another district, a handling unit).
        foreach (var who in new[] { "staff.520204", "leader.520201", offUser, "member.520204", "unit.520200.edu" })
        {
            var client = await app.ClientAsAsync(who);
            foreach (var (method, url, payload) in writes)
            {
                var res = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), url) { Content = JsonContent.Create(payload) });
                Assert.True(res.StatusCode == HttpStatusCode.Forbidden, $"{who} {method} {url}: {(int)res.StatusCode}");
                Assert.False(string.IsNullOrEmpty(await Detail(res)), $"{who} {method} {url}: no Chinese message");
            }
            foreach (var url in new[] { $"/api/studios/{studio}/messages", $"/api/studio-messages/{messageId}/photo" })
                Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(url)).StatusCode);
            Assert.Equal(before, await SnapshotAsync());
        }
        // Reading the list: another district, a handling unit refused; a member sees their committee's studios, without phones.
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync("staff.520204")).GetAsync("/api/studios?committee=520201")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync("unit.520200.edu")).GetAsync("/api/studios")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync("staff.520204")).GetAsync($"/api/studios/{studio}")).StatusCode);
        var list = await (await app.ClientAsAsync("leader.520201")).GetFromJsonAsync<List<System.Text.Json.JsonElement>>("/api/studios?committee=520201");
        Assert.Contains(list!, s => s.GetProperty("id").GetInt32() == studio);
        Assert.DoesNotContain(list!, s => s.GetProperty("canHandle").GetBoolean());
        // A member not on duty cannot convert to a proposal either; the city office may (scope above).
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync(offUser)).PostAsJsonAsync($"/api/studio-messages/{messageId}/convert", new { to = "proposal" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await (await app.ClientAsAsync("staff.520200")).PostAsJsonAsync($"/api/studio-messages/{messageId}/answer", new { text = "市政协已转交钟山区。" })).StatusCode);
        // Bad input from the right account: a Chinese message, nothing changed.
        var staff = await app.ClientAsAsync("staff.520201");
        var snapshot = await SnapshotAsync();
        var bad = await staff.PostAsJsonAsync($"/api/studio-messages/{messageId}/answer", new { text = "" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("答复内容", await Detail(bad));
        Assert.Equal(HttpStatusCode.BadRequest, (await staff.PostAsJsonAsync($"/api/studio-messages/{messageId}/convert", new { to = "letter" })).StatusCode);
        Assert.Equal(snapshot, await SnapshotAsync());
    }
}

public sealed class StudiosApiSqliteTests(StudioSqliteFactory app) : StudiosApiTests(app), IClassFixture<StudioSqliteFactory>;
public sealed class StudiosApiPostgresTests(StudioPostgresFactory app) : StudiosApiTests(app), IClassFixture<StudioPostgresFactory>;

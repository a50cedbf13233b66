using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Activities;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;
using Xieshang.Web.Infrastructure.Notifications;

namespace Xieshang.Tests.Features.Activities;

/// <summary>
/// Check-in: the QR code endpoint, a member's scan, the desk (invitees and walk-ins), the desk search, the attendance
/// board; idempotence under concurrency; token rotation through the real service on a fake clock; refusals by role and committee.
/// </summary>
public abstract class CheckInApiTests(AppFactory app)
{
    private static readonly TimeSpan Started = TimeSpan.FromMinutes(-10);

    /// <summary>A published activity of <paramref name="organizer"/> that started 10 minutes ago (or at <paramref name="startIn"/> from now).</summary>
    private Task<(int ActivityId, int[] MemberIds)> LiveAsync(string organizer = "520200", int[]? members = null, TimeSpan? startIn = null,
        ActivityStatus status = ActivityStatus.Published, TimeSpan? duration = null, int inviteCount = 5) =>
        TestActivities.CreateAsync(app, startsAt: DateTimeOffset.UtcNow + (startIn ?? Started), organizers: [organizer], memberIds: members,
            inviteCount: inviteCount, status: status, duration: duration);

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage res, HttpStatusCode expected)
    {
        var body = await res.Content.ReadAsStringAsync();
        Assert.True(res.StatusCode == expected, $"{(int)res.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    private static async Task AssertProblemAsync(HttpResponseMessage res, HttpStatusCode status, string detail)
    {
        var body = await JsonAsync(res, status);
        Assert.Contains(detail, body.GetProperty("detail").GetString());
    }

    private async Task<string> TokenAsync(int activityId, string staff = "staff.520200") =>
        (await JsonAsync(await (await app.ClientAsAsync(staff)).GetAsync($"/api/activities/{activityId}/checkin-code"), HttpStatusCode.OK))
            .GetProperty("token").GetString()!;

    private Task<byte[]> KeyAsync(int activityId) => app.WithDbAsync(db => db.Activities.Where(a => a.Id == activityId).Select(a => a.CheckInKey).FirstAsync());

    private Task<int> CheckInCountAsync(int activityId) => app.WithDbAsync(db => db.CheckIns.CountAsync(c => c.ActivityId == activityId));

    private Task<int[]> MembersOfAsync(string committee, int take, int skip = 0, bool withPhone = false) => app.WithDbAsync(db =>
        db.Members.Where(m => m.Committee!.Code == committee && m.IsActive && (!withPhone || m.Phone.Length == 11))
            .OrderBy(m => m.Id).Skip(skip).Take(take).Select(m => m.Id).ToArrayAsync());

    [Fact]
    public async Task The_code_carries_an_absolute_url_and_the_end_of_its_window()
    {
        var (id, _) = await LiveAsync();
        var staff = await app.ClientAsAsync("staff.520200");
        var before = DateTimeOffset.UtcNow;
        var code = await JsonAsync(await staff.GetAsync($"/api/activities/{id}/checkin-code"), HttpStatusCode.OK);
        var token = code.GetProperty("token").GetString()!;
        Assert.Equal($"http://localhost:5080/checkin/{id}?t={token}", code.GetProperty("url").GetString());
        var expires = code.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.InRange(expires, before, DateTimeOffset.UtcNow.AddSeconds(60));
        Assert.Equal(0, expires.ToUnixTimeSeconds() % 60);
        Assert.Equal(TokenCheck.Valid, CheckInTokens.Check(id, await KeyAsync(id), token, DateTimeOffset.UtcNow, 60, 30));
    }

    [Fact]
    public async Task Scanning_twice_and_then_the_desk_leave_one_check_in_with_the_first_method()
    {
        var memberId = await TestActivities.MemberIdOfAsync(app, "member.520200");
        var (id, _) = await LiveAsync(members: [memberId, .. await MembersOfAsync("520200", 3)]);
        var member = await app.ClientAsAsync("member.520200");
        var token = await TokenAsync(id);

        var first = await JsonAsync(await member.PostAsJsonAsync($"/api/activities/{id}/checkin", new { token }), HttpStatusCode.OK);
        Assert.Equal(memberId, first.GetProperty("memberId").GetInt32());
        Assert.Equal("qr", first.GetProperty("method").GetString());
        Assert.True(first.GetProperty("late").GetBoolean()); // started 10 minutes ago
        Assert.False(string.IsNullOrEmpty(first.GetProperty("name").GetString()));

        var second = await JsonAsync(await member.PostAsJsonAsync($"/api/activities/{id}/checkin", new { token }), HttpStatusCode.OK);
        Assert.Equal(first.GetProperty("at").GetDateTimeOffset(), second.GetProperty("at").GetDateTimeOffset());

        var desk = await JsonAsync(await (await app.ClientAsAsync("staff.520200")).PostAsJsonAsync($"/api/activities/{id}/checkin/desk", new { memberId }), HttpStatusCode.OK);
        Assert.Equal("qr", desk.GetProperty("method").GetString());
        Assert.Equal(first.GetProperty("at").GetDateTimeOffset(), desk.GetProperty("at").GetDateTimeOffset());
        Assert.Equal(1, await CheckInCountAsync(id));
        var row = await app.WithDbAsync(db => db.CheckIns.SingleAsync(c => c.ActivityId == id));
        Assert.Equal(("member.520200", CheckInMethod.Qr, true), (row.By, row.Method, row.Late));
    }

    [Fact]
    public async Task Desk_first_then_a_scan_keeps_the_desk_check_in()
    {
        var memberId = await TestActivities.MemberIdOfAsync(app, "member.520200");
        var (id, _) = await LiveAsync(members: [memberId], startIn: TimeSpan.FromMinutes(30));
        var desk = await JsonAsync(await (await app.ClientAsAsync("staff.520200")).PostAsJsonAsync($"/api/activities/{id}/checkin/desk", new { memberId }), HttpStatusCode.OK);
        Assert.Equal("desk", desk.GetProperty("method").GetString());
        Assert.False(desk.GetProperty("late").GetBoolean()); // before the start
        var scan = await JsonAsync(await (await app.ClientAsAsync("member.520200")).PostAsJsonAsync($"/api/activities/{id}/checkin", new { token = await TokenAsync(id) }), HttpStatusCode.OK);
        Assert.Equal("desk", scan.GetProperty("method").GetString());
        Assert.Equal(1, await CheckInCountAsync(id));
        Assert.Equal("staff.520200", await app.WithDbAsync(db => db.CheckIns.Where(c => c.ActivityId == id).Select(c => c.By).SingleAsync()));
    }

    [Fact]
    public async Task A_member_not_on_the_list_cannot_scan_in()
    {
        var (id, invited) = await LiveAsync(members: await MembersOfAsync("520200", 3, skip: 3));
        Assert.DoesNotContain(await TestActivities.MemberIdOfAsync(app, "member.520200"), invited);
        var res = await (await app.ClientAsAsync("member.520200")).PostAsJsonAsync($"/api/activities/{id}/checkin", new { token = await TokenAsync(id) });
        await AssertProblemAsync(res, HttpStatusCode.Forbidden, "您不在本次活动的邀请名单中");
        Assert.Equal(0, await CheckInCountAsync(id));
    }

    [Fact]
    public async Task Old_future_foreign_and_missing_tokens_are_refused_in_plain_chinese()
    {
        var memberId = await TestActivities.MemberIdOfAsync(app, "member.520200");
        var (id, _) = await LiveAsync(members: [memberId]);
        var (other, _) = await LiveAsync(members: [memberId]);
        var key = await KeyAsync(id);
        var member = await app.ClientAsAsync("member.520200");
        var now = DateTimeOffset.UtcNow;

        var old = CheckInTokens.Issue(id, key, now.AddMinutes(-5), 60).Token; // a photo of the screen five minutes ago
        await AssertProblemAsync(await member.PostAsJsonAsync($"/api/activities/{id}/checkin", new { token = old }), HttpStatusCode.BadRequest, "二维码已过期，请重新扫描");
        var future = CheckInTokens.Issue(id, key, now.AddMinutes(5), 60).Token;
        await AssertProblemAsync(await member.PostAsJsonAsync($"/api/activities/{id}/checkin", new { token = future }), HttpStatusCode.BadRequest, "二维码无效");
        var foreign = await TokenAsync(other); // the current code of another activity
        await AssertProblemAsync(await member.PostAsJsonAsync($"/api/activities/{id}/checkin", new { token = foreign }), HttpStatusCode.BadRequest, "二维码无效");
        await AssertProblemAsync(await member.PostAsJsonAsync($"/api/activities/{id}/checkin", new { }), HttpStatusCode.BadRequest, "缺少签到码");
        await AssertProblemAsync(await member.PostAsJsonAsync($"/api/activities/{id}/checkin", new { token = new string('9', 500) }), HttpStatusCode.BadRequest, "二维码无效");
        var garbage = await member.PostAsync($"/api/activities/{id}/checkin", new StringContent("not json", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
        Assert.Equal(0, await CheckInCountAsync(id));
        Assert.Equal(0, await CheckInCountAsync(other));
        Assert.Equal(HttpStatusCode.NotFound, (await member.PostAsJsonAsync("/api/activities/999999/checkin", new { token = foreign })).StatusCode);
    }

    [Fact]
    public async Task Check_in_is_closed_after_the_end_before_the_opening_and_for_cancelled_or_draft_activities()
    {
        var memberId = await TestActivities.MemberIdOfAsync(app, "member.520200");
        var staff = await app.ClientAsAsync("staff.520200");
        var member = await app.ClientAsAsync("member.520200");

        var (ended, _) = await LiveAsync(members: [memberId], startIn: TimeSpan.FromHours(-4), duration: TimeSpan.FromHours(3));
        await AssertProblemAsync(await staff.GetAsync($"/api/activities/{ended}/checkin-code"), HttpStatusCode.Conflict, "签到已结束");
        var lastToken = CheckInTokens.Issue(ended, await KeyAsync(ended), DateTimeOffset.UtcNow, 60).Token; // a genuine current token, after the end
        await AssertProblemAsync(await member.PostAsJsonAsync($"/api/activities/{ended}/checkin", new { token = lastToken }), HttpStatusCode.Conflict, "签到已结束");
        await AssertProblemAsync(await staff.PostAsJsonAsync($"/api/activities/{ended}/checkin/desk", new { memberId }), HttpStatusCode.Conflict, "签到已结束");

        var (later, _) = await LiveAsync(members: [memberId], startIn: TimeSpan.FromHours(5));
        await AssertProblemAsync(await staff.GetAsync($"/api/activities/{later}/checkin-code"), HttpStatusCode.Conflict, "签到尚未开始");
        var early = CheckInTokens.Issue(later, await KeyAsync(later), DateTimeOffset.UtcNow, 60).Token;
        await AssertProblemAsync(await member.PostAsJsonAsync($"/api/activities/{later}/checkin", new { token = early }), HttpStatusCode.Conflict, "签到尚未开始");

        var (cancelled, _) = await LiveAsync(members: [memberId]);
        await app.WithDbAsync(db => db.Activities.Where(a => a.Id == cancelled).ExecuteUpdateAsync(s => s.SetProperty(a => a.Status, ActivityStatus.Cancelled)));
        await AssertProblemAsync(await staff.GetAsync($"/api/activities/{cancelled}/checkin-code"), HttpStatusCode.Conflict, "活动已取消");
        await AssertProblemAsync(await member.PostAsJsonAsync($"/api/activities/{cancelled}/checkin", new { token = CheckInTokens.Issue(cancelled, await KeyAsync(cancelled), DateTimeOffset.UtcNow, 60).Token }),
            HttpStatusCode.Conflict, "活动已取消");
        await AssertProblemAsync(await staff.PostAsJsonAsync($"/api/activities/{cancelled}/checkin/desk", new { memberId }), HttpStatusCode.Conflict, "活动已取消");

        var (draft, _) = await LiveAsync(status: ActivityStatus.Draft);
        await AssertProblemAsync(await staff.GetAsync($"/api/activities/{draft}/checkin-code"), HttpStatusCode.Conflict, "活动尚未发布");
        await AssertProblemAsync(await staff.PostAsJsonAsync($"/api/activities/{draft}/checkin/desk", new { memberId }), HttpStatusCode.Conflict, "活动尚未发布");

        foreach (var id in new[] { ended, later, cancelled, draft }) Assert.Equal(0, await CheckInCountAsync(id));
    }

    [Fact]
    public async Task An_activity_without_a_key_gets_one_on_the_first_code()
    {
        var (id, _) = await LiveAsync();
        await app.WithDbAsync(db => db.Activities.Where(a => a.Id == id).ExecuteUpdateAsync(s => s.SetProperty(a => a.CheckInKey, Array.Empty<byte>())));
        var token = await TokenAsync(id);
        var key = await KeyAsync(id);
        Assert.Equal(CheckInTokens.KeyBytes, key.Length);
        Assert.Equal(TokenCheck.Valid, CheckInTokens.Check(id, key, token, DateTimeOffset.UtcNow, 60, 30));
        var second = await TokenAsync(id);
        Assert.Equal(key, await KeyAsync(id)); // kept: the second code is signed with the same key
        Assert.Equal(TokenCheck.Valid, CheckInTokens.Check(id, key, second, DateTimeOffset.UtcNow, 60, 30));
    }

    [Fact]
    public async Task The_desk_checks_in_walk_ins_of_the_organisers_scope_and_refuses_others()
    {
        var invited = await MembersOfAsync("520201", 3);
        var (id, _) = await LiveAsync(organizer: "520201", members: invited);
        var walkIn = (await MembersOfAsync("520201", 1, skip: 3))[0];
        var outsider = (await MembersOfAsync("520204", 1))[0];
        var staff = await app.ClientAsAsync("staff.520201");

        var res = await JsonAsync(await staff.PostAsJsonAsync($"/api/activities/{id}/checkin/desk", new { memberId = walkIn }), HttpStatusCode.OK);
        Assert.Equal("desk", res.GetProperty("method").GetString());
        var invitation = await app.WithDbAsync(db => db.Invitations.SingleAsync(i => i.ActivityId == id && i.MemberId == walkIn));
        Assert.True(invitation.WalkIn);

        // 水城区's member is outside 钟山区's scope; the city's staff may manage them, but they are outside every organiser's scope.
        foreach (var user in new[] { "staff.520201", "staff.520200" })
            await AssertProblemAsync(await (await app.ClientAsAsync(user)).PostAsJsonAsync($"/api/activities/{id}/checkin/desk", new { memberId = outsider }),
                HttpStatusCode.Forbidden, "不能现场签到");
        Assert.False(await app.WithDbAsync(db => db.Invitations.AnyAsync(i => i.ActivityId == id && i.MemberId == outsider)));

        await AssertProblemAsync(await staff.PostAsJsonAsync($"/api/activities/{id}/checkin/desk", new { memberId = 99_999_999 }), HttpStatusCode.NotFound, "未找到该委员");
        await AssertProblemAsync(await staff.PostAsJsonAsync($"/api/activities/{id}/checkin/desk", new { }), HttpStatusCode.BadRequest, "请指定要签到的委员");

        // An inactive member of the scope is not added as a walk-in.
        var inactive = (await MembersOfAsync("520201", 1, skip: 4))[0];
        await app.WithDbAsync(db => db.Members.Where(m => m.Id == inactive).ExecuteUpdateAsync(s => s.SetProperty(m => m.IsActive, false)));
        try
        {
            await AssertProblemAsync(await staff.PostAsJsonAsync($"/api/activities/{id}/checkin/desk", new { memberId = inactive }), HttpStatusCode.BadRequest, "已停用");
        }
        finally
        {
            await app.WithDbAsync(db => db.Members.Where(m => m.Id == inactive).ExecuteUpdateAsync(s => s.SetProperty(m => m.IsActive, true)));
        }
        Assert.Equal(1, await CheckInCountAsync(id));
        Assert.Equal(4, await app.WithDbAsync(db => db.Invitations.CountAsync(i => i.ActivityId == id)));
    }

    [Fact]
    public async Task Wrong_roles_and_committees_are_refused_on_every_endpoint()
    {
        await TestAccounts.EnsureAsync(app, "unit.checkin", Roles.HandlingUnit);
        var own = await TestActivities.MemberIdOfAsync(app, "member.520201");
        var (id, _) = await LiveAsync(organizer: "520201", members: [own, .. await MembersOfAsync("520201", 3, skip: 5)]);
        var target = own;
        var token = await TokenAsync(id, "staff.520201");

        async Task AllRefusedAsync(HttpClient client, HttpStatusCode status, bool scanToo = true)
        {
            Assert.Equal(status, (await client.GetAsync($"/api/activities/{id}/checkin-code")).StatusCode);
            Assert.Equal(status, (await client.PostAsJsonAsync($"/api/activities/{id}/checkin/desk", new { memberId = target })).StatusCode);
            Assert.Equal(status, (await client.GetAsync($"/api/activities/{id}/checkin/search?q=a")).StatusCode);
            Assert.Equal(status, (await client.GetAsync($"/api/activities/{id}/board")).StatusCode);
            if (scanToo) Assert.Equal(status, (await client.PostAsJsonAsync($"/api/activities/{id}/checkin", new { token })).StatusCode);
        }

        // A member (even an invited one) runs no desk, screen or board; another district's staff, a handling unit: nothing.
        await AllRefusedAsync(await app.ClientAsAsync("member.520201"), HttpStatusCode.Forbidden, scanToo: false);
        await AllRefusedAsync(await app.ClientAsAsync("staff.520204"), HttpStatusCode.Forbidden);
        await AllRefusedAsync(await app.ClientAsAsync("unit.checkin"), HttpStatusCode.Forbidden);
        await AllRefusedAsync(app.CreateClient(), HttpStatusCode.Unauthorized);
        // Another district's member is not invited.
        await AssertProblemAsync(await (await app.ClientAsAsync("member.520204")).PostAsJsonAsync($"/api/activities/{id}/checkin", new { token }),
            HttpStatusCode.Forbidden, "您不在本次活动的邀请名单中");
        // Staff scan nobody in by QR: they have no member record.
        await AssertProblemAsync(await (await app.ClientAsAsync("staff.520201")).PostAsJsonAsync($"/api/activities/{id}/checkin", new { token }),
            HttpStatusCode.Forbidden, "只有委员账号可以扫码签到");

        // Leaders read the board (their own district's, and the city's above it) but run no check-in.
        foreach (var leader in new[] { "leader.520201", "leader.520200" })
        {
            var client = await app.ClientAsAsync(leader);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/activities/{id}/board")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"/api/activities/{id}/checkin-code")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync($"/api/activities/{id}/checkin/desk", new { memberId = target })).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"/api/activities/{id}/checkin/search?q=a")).StatusCode);
        }
        Assert.Equal(0, await CheckInCountAsync(id));

        // The city's staff manage the district's activity; an unknown activity is 404.
        var city = await app.ClientAsAsync("staff.520200");
        Assert.Equal(HttpStatusCode.OK, (await city.GetAsync($"/api/activities/{id}/checkin-code")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await city.GetAsync("/api/activities/999999/checkin-code")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await city.GetAsync("/api/activities/999999/board")).StatusCode);
    }

    [Fact]
    public async Task The_desk_search_finds_invitees_and_walk_ins_by_name_pinyin_initials_and_phone()
    {
        var invited = await MembersOfAsync("520201", 5, withPhone: true);
        var (id, _) = await LiveAsync(organizer: "520201", members: invited);
        var m = await app.WithDbAsync(db => db.Members.AsNoTracking().FirstAsync(x => x.Id == invited[0]));
        var walkIn = await app.WithDbAsync(db => db.Members.AsNoTracking().Where(x => x.Committee!.Code == "520201" && x.IsActive && !invited.Contains(x.Id)).OrderByDescending(x => x.Id).FirstAsync());
        var outsider = await app.WithDbAsync(db => db.Members.AsNoTracking().Where(x => x.Committee!.Code == "520204" && x.IsActive && x.Phone.Length == 11).OrderBy(x => x.Id).FirstAsync());
        var staff = await app.ClientAsAsync("staff.520201");

        async Task<JsonElement[]> SearchAsync(string q) =>
            (await JsonAsync(await staff.GetAsync($"/api/activities/{id}/checkin/search?q={Uri.EscapeDataString(q)}"), HttpStatusCode.OK)).EnumerateArray().ToArray();
        JsonElement Hit(JsonElement[] hits, int memberId) => Assert.Single(hits, h => h.GetProperty("memberId").GetInt32() == memberId);

        foreach (var q in new[] { m.Name, m.PinyinInitials, m.PinyinFull, m.Phone[^4..], m.Phone })
        {
            var hit = Hit(await SearchAsync(q), m.Id);
            Assert.True(hit.GetProperty("invited").GetBoolean(), q);
            Assert.Equal(JsonValueKind.Null, hit.GetProperty("checkIn").ValueKind);
            Assert.Equal(m.Phone, hit.GetProperty("phone").GetString());
        }
        var candidate = Hit(await SearchAsync(walkIn.Name), walkIn.Id);
        Assert.False(candidate.GetProperty("invited").GetBoolean());
        Assert.True(candidate.GetProperty("walkIn").GetBoolean());
        Assert.DoesNotContain(await SearchAsync(outsider.Name), h => h.GetProperty("memberId").GetInt32() == outsider.Id);
        Assert.Empty(await SearchAsync(outsider.Phone));

        await JsonAsync(await staff.PostAsJsonAsync($"/api/activities/{id}/checkin/desk", new { memberId = m.Id }), HttpStatusCode.OK);
        var checkedIn = Hit(await SearchAsync(m.Name), m.Id).GetProperty("checkIn");
        Assert.Equal("desk", checkedIn.GetProperty("method").GetString());

        Assert.Empty(await SearchAsync(""));
        Assert.Empty(await SearchAsync("12")); // too few digits to search phones
        await AssertProblemAsync(await staff.GetAsync($"/api/activities/{id}/checkin/search?q={new string('张', 51)}"), HttpStatusCode.BadRequest, "搜索内容过长");
    }

    [Fact]
    public async Task The_board_counts_expected_checked_in_on_leave_and_absent_by_committee_and_sector_within_the_viewers_scope()
    {
        var city = await MembersOfAsync("520200", 4);
        var zhongshan = await MembersOfAsync("520201", 2, skip: 10);
        var shuicheng = await MembersOfAsync("520204", 1, skip: 10);
        var (id, _) = await LiveAsync(members: [.. city, .. zhongshan, .. shuicheng]);
        await app.WithDbAsync(db => db.Invitations.Where(i => i.ActivityId == id && i.MemberId == city[3])
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.Response, InvitationResponse.Leave).SetProperty(i => i.LeaveDecision, LeaveDecision.Granted)));
        var staff = await app.ClientAsAsync("staff.520200");
        foreach (var memberId in new[] { city[0], zhongshan[0] })
            await JsonAsync(await staff.PostAsJsonAsync($"/api/activities/{id}/checkin/desk", new { memberId }), HttpStatusCode.OK);

        var board = await JsonAsync(await staff.GetAsync($"/api/activities/{id}/board"), HttpStatusCode.OK);
        Assert.False(board.GetProperty("partial").GetBoolean());
        AssertCounts(board.GetProperty("totals"), expected: 7, checkedIn: 2, onLeave: 1, absent: 4);
        Assert.Equal(2, board.GetProperty("totals").GetProperty("late").GetInt32());
        var byCommittee = board.GetProperty("byCommittee").EnumerateArray().ToDictionary(g => g.GetProperty("key").GetString()!, g => g.GetProperty("counts"));
        Assert.Equal(["520200", "520201", "520204"], byCommittee.Keys.Order().ToArray());
        AssertCounts(byCommittee["520200"], 4, 1, 1, 2);
        AssertCounts(byCommittee["520201"], 2, 1, 0, 1);
        AssertCounts(byCommittee["520204"], 1, 0, 0, 1);
        Assert.Equal(7, board.GetProperty("bySector").EnumerateArray().Sum(g => g.GetProperty("counts").GetProperty("expected").GetInt32()));
        var recent = board.GetProperty("recent").EnumerateArray().Select(r => r.GetProperty("memberId").GetInt32()).ToArray();
        Assert.Equal([zhongshan[0], city[0]], recent); // latest first

        // A district office sees the city's activity only for its own invitees.
        foreach (var user in new[] { "staff.520201", "leader.520201" })
        {
            var partial = await JsonAsync(await (await app.ClientAsAsync(user)).GetAsync($"/api/activities/{id}/board"), HttpStatusCode.OK);
            Assert.True(partial.GetProperty("partial").GetBoolean());
            AssertCounts(partial.GetProperty("totals"), 2, 1, 0, 1);
            Assert.Equal(["520201"], partial.GetProperty("byCommittee").EnumerateArray().Select(g => g.GetProperty("key").GetString()).ToArray());
            Assert.Equal([zhongshan[0]], partial.GetProperty("recent").EnumerateArray().Select(r => r.GetProperty("memberId").GetInt32()).ToArray());
        }

        static void AssertCounts(JsonElement c, int expected, int checkedIn, int onLeave, int absent) =>
            Assert.Equal((expected, checkedIn, onLeave, absent),
                (c.GetProperty("expected").GetInt32(), c.GetProperty("checkedIn").GetInt32(), c.GetProperty("onLeave").GetInt32(), c.GetProperty("absent").GetInt32()));
    }

    [Fact]
    public async Task Tokens_rotate_with_grace_and_stop_at_the_end_on_a_fake_clock()
    {
        var memberId = await TestActivities.MemberIdOfAsync(app, "member.520200");
        var start = new DateTimeOffset(DateTimeOffset.UtcNow.Date.AddDays(20).AddHours(1), TimeSpan.Zero); // 09:00 Beijing, a window boundary
        var otherId = (await MembersOfAsync("520200", 1, skip: 30))[0];
        var (id, _) = await TestActivities.CreateAsync(app, startsAt: start, duration: TimeSpan.FromHours(2), memberIds: [memberId, otherId]);
        var staff = await UserAsync("staff.520200");
        var member = await UserAsync("member.520200");
        var other = member with { UserName = "other", MemberId = otherId }; // an invitee who has not checked in
        var clock = new FakeTimeProvider(start.AddHours(-3));

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var service = new CheckInService(db, clock, Options.Create(new ActivityOptions()), Options.Create(new CheckInOptions()),
            Options.Create(new PublicUrlOptions { PublicUrl = "https://zx.example.cn/" }));
        var activity = (await service.FindAsync(id))!;

        Assert.Equal("not-open", (await service.CodeAsync(id, staff)).Error?.Code); // opens two hours before the start
        clock.SetUtcNow(start.AddHours(-2).AddSeconds(10));
        var code = (await service.CodeAsync(id, staff)).Value!;
        Assert.Equal($"https://zx.example.cn/checkin/{id}?t={code.Token}", code.Url);
        Assert.Equal(start.AddHours(-2).AddSeconds(60), code.ExpiresAt);
        Assert.Null(await service.ScanErrorAsync(activity, member, code.Token));

        clock.Advance(TimeSpan.FromSeconds(50)); // the next window: a new token, the old one within grace
        var next = (await service.CodeAsync(id, staff)).Value!;
        Assert.NotEqual(code.Token, next.Token);
        Assert.Null(await service.ScanErrorAsync(activity, member, code.Token));
        clock.Advance(TimeSpan.FromSeconds(30)); // 30 s after the rotation: grace over
        Assert.Equal("expired", (await service.ScanErrorAsync(activity, member, code.Token))?.Code);
        Assert.Null(await service.ScanErrorAsync(activity, member, next.Token));
        Assert.Equal("invalid", (await service.ScanErrorAsync(activity, member, CheckInTokens.Issue(id, activity.CheckInKey, clock.GetUtcNow().AddMinutes(1), 60).Token))?.Code);

        clock.SetUtcNow(start.AddMinutes(5)); // during the activity, a scan is late
        var record = (await service.ScanAsync(id, member, (await service.CodeAsync(id, staff)).Value!.Token)).Value!;
        Assert.True(record.Late);
        Assert.Equal(start.AddMinutes(5), record.At);

        clock.SetUtcNow(start.AddHours(2).AddSeconds(-20)); // the last window before the end
        var last = (await service.CodeAsync(id, staff)).Value!;
        Assert.Equal(start.AddHours(2), last.ExpiresAt);
        Assert.Null(await service.ScanErrorAsync(activity, other, last.Token));
        clock.SetUtcNow(start.AddHours(2)); // the end: even the current token stops working
        Assert.Equal("ended", (await service.ScanErrorAsync(activity, other, last.Token))?.Code);
        Assert.Equal("ended", (await service.ScanErrorAsync(activity, other, CheckInTokens.Issue(id, activity.CheckInKey, clock.GetUtcNow(), 60).Token))?.Code);
        Assert.Equal("ended", (await service.CodeAsync(id, staff)).Error?.Code);
        Assert.Null(await service.ScanErrorAsync(activity, member, last.Token)); // the one who checked in still sees their check-in
    }

    private Task<CurrentUser> UserAsync(string userName) => app.WithDbAsync(async db =>
    {
        var u = await db.Users.FirstAsync(x => x.UserName == userName);
        var c = await db.Committees.FirstAsync(x => x.Id == u.CommitteeId);
        var roles = await db.UserRoles.Where(r => r.UserId == u.Id).Join(db.Roles, r => r.RoleId, r => r.Id, (_, r) => r.Name!).ToListAsync();
        return new CurrentUser(userName, roles.ToHashSet(), c.Id, c.Code, c.Path, u.MemberId);
    });

    [Fact]
    public async Task A_hundred_parallel_check_ins_of_fifty_members_mixing_qr_and_desk_leave_fifty()
    {
        var members = await MembersOfAsync("520200", 50, skip: 20);
        Assert.Equal(50, members.Length);
        var prefix = $"ci{app.Provider[0]}".ToLowerInvariant();
        await Task.WhenAll(members.Select((m, i) => TestAccounts.EnsureAsync(app, $"{prefix}.{m}", Roles.Member, "520200", m)));
        var (id, _) = await LiveAsync(members: members);
        var token = await TokenAsync(id);
        var clients = await Task.WhenAll(members.Select(m => app.ClientAsAsync($"{prefix}.{m}")));
        var desk = await app.ClientAsAsync("staff.520200");

        // Two requests per member: QR+QR, QR+desk or desk+desk, all released at once in a shuffled order.
        var requests = members.SelectMany((m, i) => (i % 3) switch
        {
            0 => new (int Member, bool Qr, HttpClient Client)[] { (m, true, clients[i]), (m, true, clients[i]) },
            1 => [(m, true, clients[i]), (m, false, desk)],
            _ => [(m, false, desk), (m, false, desk)],
        }).OrderBy(_ => Random.Shared.Next()).ToList();
        Assert.Equal(100, requests.Count);
        using var go = new ManualResetEventSlim();
        var tasks = requests.Select(r => Task.Run(async () =>
        {
            go.Wait();
            var res = r.Qr
                ? await r.Client.PostAsJsonAsync($"/api/activities/{id}/checkin", new { token })
                : await r.Client.PostAsJsonAsync($"/api/activities/{id}/checkin/desk", new { memberId = r.Member });
            return (r.Member, Status: res.StatusCode, Body: await res.Content.ReadAsStringAsync());
        })).ToList();
        go.Set();
        var results = await Task.WhenAll(tasks);

        Assert.All(results, r => Assert.True(r.Status == HttpStatusCode.OK, $"{(int)r.Status}: {r.Body}"));
        var rows = await app.WithDbAsync(db => db.CheckIns.Where(c => c.ActivityId == id).ToListAsync());
        Assert.Equal(50, rows.Count);
        Assert.Equal(members.Order(), rows.Select(r => r.MemberId).Order());
        // Both answers for a member are the one stored record (same time and method).
        foreach (var group in results.GroupBy(r => r.Member))
        {
            var row = rows.Single(r => r.MemberId == group.Key);
            foreach (var r in group)
            {
                var body = JsonDocument.Parse(r.Body).RootElement;
                Assert.Equal(row.At, body.GetProperty("at").GetDateTimeOffset());
                Assert.Equal(CheckInService.MethodCode(row.Method), body.GetProperty("method").GetString());
            }
        }
    }
}

public sealed class CheckInApiSqliteTests(SqliteAppFactory app) : CheckInApiTests(app), IClassFixture<SqliteAppFactory>;
public sealed class CheckInApiPostgresTests(PostgresAppFactory app) : CheckInApiTests(app), IClassFixture<PostgresAppFactory>;

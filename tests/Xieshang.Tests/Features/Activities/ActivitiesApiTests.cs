using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Activities;
using Xieshang.Web.Infrastructure.Auth;

namespace Xieshang.Tests.Features.Activities;

/// <summary>The activities API: create, validate, publish and resolve invitees, scope, answers and leave, attendance to duty records, postpone and cancel.</summary>
public abstract class ActivitiesApiTests(AppFactory app)
{
    private static object Body(string title, string[] organizers, object invitees, DateTimeOffset? start = null, string type = "standing", bool mandatory = true) => new
    {
        title, type, startsAt = start ?? DateTimeOffset.UtcNow.AddDays(10), endsAt = (start ?? DateTimeOffset.UtcNow.AddDays(10)).AddHours(3),
        place = "市政协三楼会议室", organizerCodes = organizers, invitees, mandatory, agenda = "一、通报工作\n二、<script>alert(1)</script>协商",
    };

    private async Task<int> CreateAsync(HttpClient client, object body)
    {
        var res = await client.PostAsJsonAsync("/api/activities", body);
        Assert.Equal(HttpStatusCode.Created, res.StatusCode);
        return (await res.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
    }

    private Task<int> SectorIdAsync(string committee, string name) =>
        app.WithDbAsync(db => db.Sectors.Where(s => s.Committee!.Code == committee && s.Name == name).Select(s => s.Id).FirstAsync());

    [Fact]
    public async Task Staff_create_and_publish_resolving_committee_sector_and_named_invitees_and_notifying_them()
    {
        var staff = await app.ClientAsAsync("staff.520200");
        var sector = await SectorIdAsync("520204", "教育界");
        var named = await TestActivities.MemberIdOfAsync(app, "member.520281");
        var id = await CreateAsync(staff, Body("十二月常委会议", ["520200", "520201"], new { committees = new[] { "520201" }, sectors = new[] { sector }, members = new[] { named } }));

        var draft = await staff.GetFromJsonAsync<JsonElement>($"/api/activities/{id}");
        var created = await app.WithDbAsync(db => db.AuditEntries.Where(a => a.EntityType == "Activity" && a.EntityId == id.ToString()).Select(a => a.Changes).FirstAsync());
        Assert.Contains("\"CheckInKey\":{\"new\":\"***\"}", created);
        Assert.Equal("draft", draft.GetProperty("status").GetString());
        Assert.DoesNotContain("<script", draft.GetProperty("agenda").GetString());
        Assert.Contains("一、通报工作", draft.GetProperty("agenda").GetString());
        Assert.Contains("二、协商", draft.GetProperty("agenda").GetString());
        Assert.Equal(0, await app.WithDbAsync(db => db.Invitations.CountAsync(i => i.ActivityId == id)));

        Assert.Equal(HttpStatusCode.NoContent, (await staff.PostAsync($"/api/activities/{id}/publish", null)).StatusCode);
        var expected = await app.WithDbAsync(async db =>
            (await db.Members.Where(m => m.IsActive && (m.Committee!.Code == "520201" || m.SectorId == sector || m.Id == named)).Select(m => m.Id).ToListAsync()).ToHashSet());
        var invitees = await staff.GetFromJsonAsync<JsonElement>($"/api/activities/{id}/invitees");
        Assert.Equal(expected, invitees.EnumerateArray().Select(i => i.GetProperty("memberId").GetInt32()).ToHashSet());
        Assert.All(invitees.EnumerateArray(), i => Assert.Equal("invited", i.GetProperty("status").GetString()));
        Assert.Equal(expected.Count, await app.WithDbAsync(db => db.Notifications.CountAsync(n => n.Kind == "activity.published" && n.Link == $"/activities/{id}")));
        var withMail = await app.WithDbAsync(db => db.Members.CountAsync(m => expected.Contains(m.Id) && m.Email != ""));
        Assert.Equal(withMail, await app.WithDbAsync(db => db.OutboxMails.CountAsync(m => m.Body.Contains($"/activities/{id}"))));

        // Publishing twice is refused and changes nothing.
        var again = await staff.PostAsync($"/api/activities/{id}/publish", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(expected.Count, await app.WithDbAsync(db => db.Invitations.CountAsync(i => i.ActivityId == id)));

        // A joint activity shows in each organiser's list.
        foreach (var code in new[] { "520200", "520201" })
        {
            var list = await staff.GetFromJsonAsync<JsonElement>($"/api/activities?committee={code}");
            Assert.Contains(list.EnumerateArray(), a => a.GetProperty("id").GetInt32() == id);
        }
    }

    [Fact]
    public async Task Bad_input_gets_chinese_messages_and_saves_nothing()
    {
        var staff = await app.ClientAsAsync("staff.520201");
        var before = await app.WithDbAsync(db => db.Activities.CountAsync());
        var start = DateTimeOffset.UtcNow.AddDays(5);
        var res = await staff.PostAsJsonAsync("/api/activities", new { title = "", type = "party", startsAt = start, endsAt = start.AddHours(-1), organizerCodes = Array.Empty<string>() });
        Assert.Equal(HttpStatusCode.BadRequest, res.StatusCode);
        var errors = (await res.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        foreach (var field in new[] { "title", "type", "endsAt", "place", "organizerCodes" })
            Assert.True(errors.TryGetProperty(field, out _), field);
        Assert.Contains("活动类型", errors.GetProperty("type")[0].GetString());
        var link = await staff.PostAsJsonAsync("/api/activities", new { title = "线上学习", type = "training", startsAt = start, endsAt = start.AddHours(1), onlineLink = "javascript:alert(1)", organizerCodes = new[] { "520201" } });
        Assert.Equal(HttpStatusCode.BadRequest, link.StatusCode);
        Assert.Equal(before, await app.WithDbAsync(db => db.Activities.CountAsync()));

        // A draft with no invitees cannot be published.
        var id = await CreateAsync(staff, Body("无人受邀", ["520201"], new { }));
        var publish = await staff.PostAsync($"/api/activities/{id}/publish", null);
        Assert.Equal(HttpStatusCode.BadRequest, publish.StatusCode);
        Assert.Contains("受邀对象", (await publish.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Scope_wrong_role_and_wrong_committee_are_refused_on_every_endpoint()
    {
        await TestAccounts.EnsureAsync(app, "unit.520201.edu", Roles.HandlingUnit, "520201");
        var staff201 = await app.ClientAsAsync("staff.520201");
        var id = await CreateAsync(staff201, Body("钟山区委员培训", ["520201"], new { committees = new[] { "520201" } }, type: "training"));
        var member = await TestActivities.MemberIdOfAsync(app, "member.520201");

        // Drafts are invisible outside the organiser's scope; creating in someone else's committee is refused.
        var other = await app.ClientAsAsync("staff.520204");
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync($"/api/activities/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.PostAsJsonAsync("/api/activities", Body("越权", ["520201"], new { }))).StatusCode);
        var invite = await other.PostAsJsonAsync("/api/activities", Body("越权邀请", ["520204"], new { committees = new[] { "520201" } }));
        Assert.Equal(HttpStatusCode.BadRequest, invite.StatusCode);
        Assert.Contains("无权邀请", (await invite.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("invitees.committees")[0].GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync("/api/activities?committee=520201")).StatusCode);

        var refusedEverywhere = new[] { "staff.520204", "member.520201", "leader.520201", "unit.520201.edu" };
        foreach (var user in refusedEverywhere)
        {
            var c = await app.ClientAsAsync(user);
            Assert.Equal(HttpStatusCode.Forbidden, (await c.PostAsync($"/api/activities/{id}/publish", null)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await c.PutAsJsonAsync($"/api/activities/{id}", Body("改名", ["520201"], new { }))).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await c.PostAsJsonAsync($"/api/activities/{id}/cancel", new { reason = "x" })).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await c.PostAsJsonAsync($"/api/activities/{id}/attendance", new[] { new { memberId = member, role = "present" } })).StatusCode);
        }
        Assert.Equal(HttpStatusCode.NoContent, (await staff201.PostAsync($"/api/activities/{id}/publish", null)).StatusCode);

        // Published: the invited member and 钟山区's leader see it; 水城区 staff and members of other committees do not; a unit sees nothing.
        Assert.Equal(HttpStatusCode.OK, (await (await app.ClientAsAsync("member.520201")).GetAsync($"/api/activities/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await (await app.ClientAsAsync("leader.520201")).GetAsync($"/api/activities/{id}/invitees")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await (await app.ClientAsAsync("staff.520200")).GetAsync($"/api/activities/{id}")).StatusCode);
        foreach (var user in new[] { "staff.520204", "member.520204", "unit.520201.edu" })
        {
            var c = await app.ClientAsAsync(user);
            Assert.Equal(HttpStatusCode.Forbidden, (await c.GetAsync($"/api/activities/{id}")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await c.GetAsync($"/api/activities/{id}/invitees")).StatusCode);
            Assert.DoesNotContain((await c.GetFromJsonAsync<JsonElement>("/api/activities")).EnumerateArray(), a => a.GetProperty("id").GetInt32() == id);
        }
        // Members never get the invitee list, even when invited.
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync("member.520201")).GetAsync($"/api/activities/{id}/invitees")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync("member.520204")).PostAsJsonAsync($"/api/activities/{id}/response", new { response = "attend" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().GetAsync($"/api/activities/{id}")).StatusCode);

        // 水城区 staff see the city's activity once their members are invited, and only their own members in its list.
        var city = await app.ClientAsAsync("staff.520200");
        var joint = await CreateAsync(city, Body("全市委员学习会", ["520200"], new { committees = new[] { "520200", "520204" } }, type: "lecture"));
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync($"/api/activities/{joint}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await city.PostAsync($"/api/activities/{joint}/publish", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync($"/api/activities/{joint}")).StatusCode);
        var theirs = await other.GetFromJsonAsync<JsonElement>($"/api/activities/{joint}/invitees");
        Assert.NotEmpty(theirs.EnumerateArray());
        Assert.All(theirs.EnumerateArray(), i => Assert.Equal("520204", i.GetProperty("committeeCode").GetString()));
        Assert.Equal(HttpStatusCode.Forbidden, (await other.PostAsync($"/api/activities/{joint}/publish", null)).StatusCode);
    }

    [Fact]
    public async Task Members_answer_until_the_start_and_late_leave_is_flagged_and_decided_by_leaders()
    {
        var member = await TestActivities.MemberIdOfAsync(app, "member.520201");
        var (soon, _) = await TestActivities.CreateAsync(app, organizers: ["520201"], memberIds: [member], startsAt: DateTimeOffset.UtcNow.AddHours(20), title: "明日常委会议");
        var (later, _) = await TestActivities.CreateAsync(app, organizers: ["520201"], memberIds: [member], startsAt: DateTimeOffset.UtcNow.AddDays(9), title: "下周常委会议");
        var client = await app.ClientAsAsync("member.520201");

        var noReason = await client.PostAsJsonAsync($"/api/activities/{later}/response", new { response = "leave", reason = " " });
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Contains("事由", (await noReason.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsJsonAsync($"/api/activities/{later}/response", new { response = "maybe" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsJsonAsync($"/api/activities/{later}/response", new { response = "decline" })).StatusCode); // mandatory: leave, not decline

        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync($"/api/activities/{later}/response", new { response = "leave", reason = "赴省外出差" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync($"/api/activities/{soon}/response", new { response = "leave", reason = "突发疾病" })).StatusCode);
        var inv = await app.WithDbAsync(db => db.Invitations.AsNoTracking().Where(i => i.MemberId == member && (i.ActivityId == soon || i.ActivityId == later)).ToDictionaryAsync(i => i.ActivityId));
        Assert.False(inv[later].LeaveLate);
        Assert.True(inv[soon].LeaveLate);
        Assert.Equal(LeaveDecision.Pending, inv[soon].LeaveDecision);
        Assert.True(await app.WithDbAsync(db => db.Notifications.AnyAsync(n => n.Kind == "leave.requested" && n.Body.Contains("突发疾病") && n.UserId != null)));

        // Staff and leaders of another committee cannot decide; 钟山区's leader can, once.
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync("staff.520201")).PostAsJsonAsync($"/api/activities/{soon}/leave/{member}/approve", new { note = "" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync("member.520201")).PostAsJsonAsync($"/api/activities/{soon}/leave/{member}/approve", new { note = "" })).StatusCode);
        await TestAccounts.EnsureAsync(app, "leader.520204", Roles.Leader, "520204");
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync("leader.520204")).PostAsJsonAsync($"/api/activities/{soon}/leave/{member}/approve", new { note = "" })).StatusCode);
        var leader = await app.ClientAsAsync("leader.520201");
        Assert.Equal(HttpStatusCode.NoContent, (await leader.PostAsJsonAsync($"/api/activities/{soon}/leave/{member}/approve", new { note = "注意身体" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await leader.PostAsJsonAsync($"/api/activities/{soon}/leave/{member}/refuse", new { note = "" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await leader.PostAsJsonAsync($"/api/activities/{later}/leave/{member}/refuse", new { note = "会议重要" })).StatusCode);
        Assert.True(await app.WithDbAsync(db => db.Notifications.AnyAsync(n => n.MemberId == member && n.Kind == "leave.granted" && n.Body.Contains("注意身体"))));
        Assert.True(await app.WithDbAsync(db => db.Notifications.AnyAsync(n => n.MemberId == member && n.Kind == "leave.refused")));
        var mine = (await client.GetFromJsonAsync<JsonElement>($"/api/activities/{soon}")).GetProperty("mine");
        Assert.Equal("leave-granted", mine.GetProperty("status").GetString());

        // Changing the answer clears the leave request; after the start nothing changes.
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync($"/api/activities/{later}/response", new { response = "attend" })).StatusCode);
        Assert.Equal("registered", (await client.GetFromJsonAsync<JsonElement>($"/api/activities/{later}")).GetProperty("mine").GetProperty("status").GetString());
        var (started, _) = await TestActivities.CreateAsync(app, organizers: ["520201"], memberIds: [member], startsAt: DateTimeOffset.UtcNow.AddMinutes(-5));
        var tooLate = await client.PostAsJsonAsync($"/api/activities/{started}/response", new { response = "leave", reason = "临时有事" });
        Assert.Equal(HttpStatusCode.Conflict, tooLate.StatusCode);
        Assert.Equal(InvitationResponse.None, await app.WithDbAsync(db => db.Invitations.Where(i => i.ActivityId == started).Select(i => i.Response).FirstAsync()));
    }

    [Fact]
    public async Task Attendance_opens_at_the_start_and_turns_roles_into_duty_points()
    {
        var (future, futureMembers) = await TestActivities.CreateAsync(app, type: ActivityType.Plenary, organizers: ["520203"], inviteCount: 2);
        var staff = await app.ClientAsAsync("staff.520200");
        var early = await staff.PostAsJsonAsync($"/api/activities/{future}/attendance", new[] { new { memberId = futureMembers[0], role = "present" } });
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);

        var (id, m) = await TestActivities.CreateAsync(app, type: ActivityType.Plenary, organizers: ["520203"], inviteCount: 5, startsAt: DateTimeOffset.UtcNow.AddHours(-2), title: "第十届委员会第二次会议");
        var bad = await staff.PostAsJsonAsync($"/api/activities/{id}/attendance", new object[] { new { memberId = m[0], role = "present" }, new { memberId = m[1], role = "asleep" } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var stranger = await app.WithDbAsync(db => db.Members.Where(x => x.Committee!.Code == "520204").Select(x => x.Id).FirstAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await staff.PostAsJsonAsync($"/api/activities/{id}/attendance", new[] { new { memberId = stranger, role = "present" } })).StatusCode);
        Assert.Equal(0, await app.WithDbAsync(db => db.Invitations.CountAsync(i => i.ActivityId == id && i.Attendance != null)));

        var rows = new[] { "present", "nonvoting", "speaker", "excused", "absent" }.Select((role, i) => new { memberId = m[i], role }).ToArray();
        Assert.Equal(HttpStatusCode.NoContent, (await staff.PostAsJsonAsync($"/api/activities/{id}/attendance", rows)).StatusCode);
        async Task<Dictionary<int, decimal>> PointsAsync() => await app.WithDbAsync(db => db.DutyRecords.Where(r => r.Source == "activity" && r.SourceId == id)
            .GroupBy(r => r.MemberId).Select(g => new { g.Key, Sum = g.Sum(r => r.Points) }).ToDictionaryAsync(x => x.Key, x => x.Sum));
        var points = await PointsAsync();
        Assert.Equal(8m, points[m[0]]);   // attend.plenary
        Assert.Equal(2m, points[m[1]]);   // attend.nonvoting
        Assert.Equal(16m, points[m[2]]);  // attend.plenary + speaker: quality outweighs presence
        Assert.Equal(0m, points[m[3]]);   // excused, on file with no points
        Assert.Equal(-20m, points[m[4]]); // absent.plenary
        Assert.Equal(6, await app.WithDbAsync(db => db.DutyRecords.CountAsync(r => r.Source == "activity" && r.SourceId == id)));

        // Confirming again replaces, never duplicates.
        Assert.Equal(HttpStatusCode.NoContent, (await staff.PostAsJsonAsync($"/api/activities/{id}/attendance", new[] { new { memberId = m[4], role = "excused" } })).StatusCode);
        points = await PointsAsync();
        Assert.Equal(0m, points[m[4]]);
        Assert.Equal(6, await app.WithDbAsync(db => db.DutyRecords.CountAsync(r => r.Source == "activity" && r.SourceId == id)));
        var list = await staff.GetFromJsonAsync<JsonElement>($"/api/activities/{id}/invitees");
        Assert.Equal("speaker", list.EnumerateArray().Single(i => i.GetProperty("memberId").GetInt32() == m[2]).GetProperty("attendance").GetString());

        // Once attendance is on file the activity cannot be cancelled or postponed.
        Assert.Equal(HttpStatusCode.Conflict, (await staff.PostAsJsonAsync($"/api/activities/{id}/cancel", new { reason = "x" })).StatusCode);
    }

    [Fact]
    public async Task Postpone_and_cancel_notify_invitees()
    {
        var staff = await app.ClientAsAsync("staff.520201");
        var start = DateTimeOffset.UtcNow.AddDays(6);
        var id = await CreateAsync(staff, Body("社区协商议事", ["520201"], new { committees = new[] { "520201" } }, start, "consultation"));
        Assert.Equal(HttpStatusCode.NoContent, (await staff.PostAsync($"/api/activities/{id}/publish", null)).StatusCode);
        var invited = await app.WithDbAsync(db => db.Invitations.CountAsync(i => i.ActivityId == id));

        // Times of a published activity change only by postponing.
        var edit = await staff.PutAsJsonAsync($"/api/activities/{id}", Body("社区协商议事", ["520201"], new { committees = new[] { "520201" } }, start.AddDays(1), "consultation"));
        Assert.Equal(HttpStatusCode.BadRequest, edit.StatusCode);
        var bad = await staff.PostAsJsonAsync($"/api/activities/{id}/postpone", new { startsAt = start.AddDays(3), endsAt = start.AddDays(2) });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await staff.PostAsJsonAsync($"/api/activities/{id}/postpone", new { startsAt = start.AddDays(3), endsAt = start.AddDays(3).AddHours(2), reason = "与区人大会议冲突" })).StatusCode);
        var detail = await staff.GetFromJsonAsync<JsonElement>($"/api/activities/{id}");
        Assert.Equal("postponed", detail.GetProperty("status").GetString());
        Assert.Equal(start.ToUniversalTime(), detail.GetProperty("originalStartsAt").GetDateTimeOffset().ToUniversalTime(), TimeSpan.FromSeconds(1));
        Assert.Equal(invited, await app.WithDbAsync(db => db.Notifications.CountAsync(n => n.Kind == "activity.postponed" && n.Link == $"/activities/{id}" && n.Body.Contains("与区人大会议冲突"))));

        Assert.Equal(HttpStatusCode.NoContent, (await staff.PostAsJsonAsync($"/api/activities/{id}/cancel", new { reason = "疫情防控" })).StatusCode);
        Assert.Equal(invited, await app.WithDbAsync(db => db.Notifications.CountAsync(n => n.Kind == "activity.cancelled" && n.Link == $"/activities/{id}")));
        Assert.Equal(HttpStatusCode.Conflict, (await staff.PostAsJsonAsync($"/api/activities/{id}/cancel", new { reason = "again" })).StatusCode);
        var member = await app.ClientAsAsync("member.520201");
        Assert.Equal(HttpStatusCode.Forbidden, (await member.PostAsJsonAsync($"/api/activities/{id}/response", new { response = "attend" })).StatusCode);
    }

    [Fact]
    public async Task Amending_a_published_list_adds_and_removes_invitees()
    {
        var staff = await app.ClientAsAsync("staff.520200");
        var a = await TestActivities.MemberIdOfAsync(app, "member.520203");
        var b = await TestActivities.MemberIdOfAsync(app, "member.520204");
        var start = DateTimeOffset.UtcNow.AddDays(8);
        var id = await CreateAsync(staff, Body("专题视察", ["520200"], new { members = new[] { a } }, start, "inspection"));
        Assert.Equal(HttpStatusCode.NoContent, (await staff.PostAsync($"/api/activities/{id}/publish", null)).StatusCode);
        var res = await staff.PutAsJsonAsync($"/api/activities/{id}", Body("专题视察", ["520200"], new { members = new[] { b } }, start, "inspection"));
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        var ids = await app.WithDbAsync(db => db.Invitations.Where(i => i.ActivityId == id).Select(i => i.MemberId).ToListAsync());
        Assert.Equal([b], ids);
        Assert.True(await app.WithDbAsync(db => db.Notifications.AnyAsync(n => n.MemberId == a && n.Kind == "activity.uninvited")));
        Assert.True(await app.WithDbAsync(db => db.Notifications.AnyAsync(n => n.MemberId == b && n.Kind == "activity.published" && n.Link == $"/activities/{id}")));
    }

    [Fact]
    public async Task A_special_committee_invites_its_members_and_membership_is_kept_to_its_committee()
    {
        var staff = await app.ClientAsAsync("staff.520200");
        var specials = await staff.GetFromJsonAsync<JsonElement>("/api/special-committees?committee=520200");
        var sc = specials.EnumerateArray().First();
        var scId = sc.GetProperty("id").GetInt32();
        var own = await app.WithDbAsync(db => db.Members.Where(m => m.Committee!.Code == "520200" && m.IsActive).OrderBy(m => m.Id).Select(m => m.Id).Take(3).ToArrayAsync());
        var outsider = await TestActivities.MemberIdOfAsync(app, "member.520201");
        var wrong = await staff.PutAsJsonAsync($"/api/special-committees/{scId}/members", own.Append(outsider).ToArray());
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync("staff.520201")).PutAsJsonAsync($"/api/special-committees/{scId}/members", own)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync("leader.520200")).PutAsJsonAsync($"/api/special-committees/{scId}/members", own)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await staff.PutAsJsonAsync($"/api/special-committees/{scId}/members", own)).StatusCode);
        Assert.Equal(3, (await staff.GetFromJsonAsync<JsonElement>("/api/special-committees?committee=520200")).EnumerateArray().First(x => x.GetProperty("id").GetInt32() == scId).GetProperty("members").GetInt32());

        var id = await CreateAsync(staff, Body("专委会协商座谈", ["520200"], new { specialCommittees = new[] { scId } }, type: "consultation"));
        Assert.Equal(HttpStatusCode.NoContent, (await staff.PostAsync($"/api/activities/{id}/publish", null)).StatusCode);
        var invited = await app.WithDbAsync(db => db.Invitations.Where(i => i.ActivityId == id).Select(i => i.MemberId).OrderBy(x => x).ToListAsync());
        Assert.Equal(own.Order().ToList(), invited);
    }

    [Fact]
    public async Task Absurd_years_are_refused_and_a_validation_problem_says_what_is_wrong()
    {
        var staff = await app.ClientAsAsync("staff.520201");
        foreach (var start in new[] { new DateTimeOffset(9999, 12, 31, 12, 0, 0, TimeSpan.Zero), new DateTimeOffset(1, 1, 1, 0, 0, 0, TimeSpan.Zero) })
        {
            var res = await staff.PostAsJsonAsync("/api/activities", Body("穿越", ["520201"], new { committees = new[] { "520201" } }, start));
            Assert.Equal(HttpStatusCode.BadRequest, res.StatusCode);
            var problem = await res.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Contains("年之间", problem.GetProperty("errors").GetProperty("startsAt")[0].GetString());
            Assert.Contains("年之间", problem.GetProperty("detail").GetString()); // the first field message, not a generic "bad format"
        }
        Assert.False(await app.WithDbAsync(db => db.Activities.AnyAsync(a => a.Title == "穿越")));
        // The activity list ignores months outside the plausible years instead of failing.
        var pages = await app.SignedInPageClientAsync("staff.520201");
        foreach (var month in new[] { "0001-01", "9999-12" })
        {
            var page = await pages.GetAsync($"/activities?month={month}");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("活动", await page.HtmlAsync());
        }
    }

    [Fact]
    public async Task Postpone_and_cancel_need_a_reason_and_new_times_and_a_refused_leave_is_final()
    {
        var member = await TestActivities.MemberIdOfAsync(app, "member.520201");
        var start = ActivityRules.Seconds(DateTimeOffset.UtcNow.AddDays(9))!.Value;
        var (id, _) = await TestActivities.CreateAsync(app, organizers: ["520201"], memberIds: [member], startsAt: start);
        var staff = await app.ClientAsAsync("staff.520201");
        Assert.Equal(HttpStatusCode.BadRequest, (await staff.PostAsJsonAsync($"/api/activities/{id}/postpone", new { startsAt = start.AddDays(1), endsAt = start.AddDays(1).AddHours(1), reason = " " })).StatusCode);
        var same = await staff.PostAsJsonAsync($"/api/activities/{id}/postpone", new { startsAt = start, endsAt = start.AddHours(3), reason = "改期" });
        Assert.Equal(HttpStatusCode.BadRequest, same.StatusCode);
        Assert.Contains("相同", (await same.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await staff.PostAsJsonAsync($"/api/activities/{id}/cancel", new { reason = "" })).StatusCode);
        Assert.False(await app.WithDbAsync(db => db.Notifications.AnyAsync(n => n.Link == $"/activities/{id}" && (n.Kind == "activity.postponed" || n.Kind == "activity.cancelled"))));

        var client = await app.ClientAsAsync("member.520201");
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync($"/api/activities/{id}/response", new { response = "leave", reason = "出差" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync($"/api/activities/{id}/response", new { response = "leave", reason = "赴外省出差" })).StatusCode);
        Assert.Equal(1, await app.WithDbAsync(db => db.Notifications.CountAsync(n => n.Kind == "leave.requested" && n.Link == $"/activities/{id}/invitees" && n.UserId != null
            && db.Users.Any(u => u.Id == n.UserId && u.UserName == "leader.520201"))));
        Assert.Equal(HttpStatusCode.NoContent, (await (await app.ClientAsAsync("leader.520201")).PostAsJsonAsync($"/api/activities/{id}/leave/{member}/refuse", new { note = "会议重要" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsJsonAsync($"/api/activities/{id}/response", new { response = "leave", reason = "再请一次" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync($"/api/activities/{id}/response", new { response = "attend" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsJsonAsync($"/api/activities/{id}/response", new { response = "leave", reason = "还是请假" })).StatusCode);
        var none = await client.PostAsJsonAsync($"/api/activities/{id}/response", new { response = "" });
        Assert.Contains("请选择", (await none.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_forged_code_is_refused_even_after_the_member_checked_in()
    {
        var member = await TestActivities.MemberIdOfAsync(app, "member.520201");
        var (id, _) = await TestActivities.CreateAsync(app, organizers: ["520201"], memberIds: [member], startsAt: DateTimeOffset.UtcNow.AddMinutes(30));
        var code = await (await app.ClientAsAsync("staff.520201")).GetFromJsonAsync<JsonElement>($"/api/activities/{id}/checkin-code");
        var token = code.GetProperty("token").GetString()!;
        var client = await app.ClientAsAsync("member.520201");
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/api/activities/{id}/checkin", new { token })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/api/activities/{id}/checkin", new { token })).StatusCode);
        foreach (var forged in new[] { "abc", "", token[..^2] + (token[^1] == 'A' ? "BB" : "AA"), new string('x', 5000) })
            Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsJsonAsync($"/api/activities/{id}/checkin", new { token = forged })).StatusCode);
        Assert.Equal(1, await app.WithDbAsync(db => db.CheckIns.CountAsync(c => c.ActivityId == id)));
    }

    [Fact]
    public async Task An_invited_district_sees_only_its_own_counts_and_no_named_members_of_others()
    {
        var city = await app.ClientAsAsync("staff.520200");
        var other = await TestActivities.MemberIdOfAsync(app, "member.520203");
        var id = await CreateAsync(city, Body("全市委员视察", ["520200"], new { committees = new[] { "520204" }, members = new[] { other } }, type: "inspection"));
        Assert.Equal(HttpStatusCode.NoContent, (await city.PostAsync($"/api/activities/{id}/publish", null)).StatusCode);
        var full = await city.GetFromJsonAsync<JsonElement>($"/api/activities/{id}");
        var district = await (await app.ClientAsAsync("staff.520204")).GetFromJsonAsync<JsonElement>($"/api/activities/{id}");
        var own = await app.WithDbAsync(db => db.Invitations.CountAsync(i => i.ActivityId == id && db.Committees.Any(c => c.Id == i.CommitteeId && c.Code == "520204")));
        Assert.Equal(own + 1, full.GetProperty("counts").GetProperty("invited").GetInt32());
        Assert.Equal(own, district.GetProperty("counts").GetProperty("invited").GetInt32());
        Assert.Equal([other], full.GetProperty("invitees").GetProperty("members").EnumerateArray().Select(x => x.GetInt32()));
        Assert.Empty(district.GetProperty("invitees").GetProperty("members").EnumerateArray());
        var mine = await (await app.ClientAsAsync("member.520203")).GetFromJsonAsync<JsonElement>($"/api/activities/{id}");
        Assert.Equal(1, mine.GetProperty("counts").GetProperty("invited").GetInt32());
        Assert.Empty(mine.GetProperty("invitees").GetProperty("members").EnumerateArray());
    }

    [Fact]
    public async Task Materials_upload_download_and_refusals()
    {
        var (id, members) = await TestActivities.CreateAsync(app, organizers: ["520201"], inviteCount: 1);
        var staff = await app.ClientAsAsync("staff.520201");
        using var form = new MultipartFormDataContent { { new ByteArrayContent("会议议程：𠮷"u8.ToArray()), "file", "议程.txt" } };
        var up = await staff.PostAsync($"/api/activities/{id}/materials", form);
        Assert.Equal(HttpStatusCode.Created, up.StatusCode);
        var mid = (await up.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        Assert.Equal("会议议程：𠮷", await staff.GetStringAsync($"/api/activities/{id}/materials/{mid}"));
        // The audit log records the upload with the file's size, never its bytes.
        var audit = await app.WithDbAsync(db => db.AuditEntries.Where(a => a.EntityType == "ActivityMaterial" && a.EntityId == mid.ToString()).Select(a => a.Changes).SingleAsync());
        Assert.Contains("bytes", audit);
        Assert.DoesNotContain(Convert.ToBase64String("会议议程：𠮷"u8.ToArray()), audit);
        using var exe = new MultipartFormDataContent { { new ByteArrayContent([0x4d, 0x5a]), "file", "tool.exe" } };
        var refused = await staff.PostAsync($"/api/activities/{id}/materials", exe);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("不支持", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync("member.520204")).GetAsync($"/api/activities/{id}/materials/{mid}")).StatusCode);
        using var again = new MultipartFormDataContent { { new ByteArrayContent("x"u8.ToArray()), "file", "x.txt" } };
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync("staff.520204")).PostAsync($"/api/activities/{id}/materials", again)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync("staff.520204")).DeleteAsync($"/api/activities/{id}/materials/{mid}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientAsAsync("leader.520201")).DeleteAsync($"/api/activities/{id}/materials/{mid}")).StatusCode);
        Assert.Equal(1, await app.WithDbAsync(db => db.ActivityMaterials.CountAsync(x => x.ActivityId == id)));
        Assert.Equal(HttpStatusCode.NoContent, (await staff.DeleteAsync($"/api/activities/{id}/materials/{mid}")).StatusCode);
        Assert.Equal(0, await app.WithDbAsync(db => db.ActivityMaterials.CountAsync(x => x.ActivityId == id)));
    }
}

public sealed class ActivitiesApiSqliteTests(SqliteAppFactory app) : ActivitiesApiTests(app), IClassFixture<SqliteAppFactory>;
public sealed class ActivitiesApiPostgresTests(PostgresAppFactory app) : ActivitiesApiTests(app), IClassFixture<PostgresAppFactory>;

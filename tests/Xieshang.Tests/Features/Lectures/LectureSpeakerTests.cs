using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Activities;
using static Xieshang.Tests.Features.Lectures.LectureTestKit;

namespace Xieshang.Tests.Features.Lectures;

/// <summary>
/// The speaker duty through the one attendance mechanism: a member speaker confirmed present at a held lecture is
/// recorded as the speaker (attend.study + speaker, source <c>activity</c>, once however often attendance is confirmed);
/// nothing before the lecture is held; a non-member speaker earns nothing; changing the speaker moves the record; other
/// activities and other attendees keep the role staff gave them.
/// </summary>
public abstract class LectureSpeakerTests(AppFactory app, MovableClock clock)
{
    private Task<List<string>> CodesOf(int activityId, int memberId) => app.WithDbAsync(db => db.DutyRecords
        .Where(r => r.Source == "activity" && r.SourceId == activityId && r.MemberId == memberId).OrderBy(r => r.RuleCode).Select(r => r.RuleCode).ToListAsync());

    private Task<int> SpeakerRecords(int memberId) => app.WithDbAsync(db => db.DutyRecords.CountAsync(r => r.MemberId == memberId && r.RuleCode == "speaker"));

    private static Task<HttpResponseMessage> Confirm(HttpClient staff, int activityId, params (int MemberId, string Role)[] rows) =>
        staff.PostAsJsonAsync($"/api/activities/{activityId}/attendance", rows.Select(r => new { memberId = r.MemberId, role = r.Role }).ToArray());

    [Fact]
    public async Task A_member_speaker_earns_attend_study_and_speaker_once_when_staff_confirm_attendance_after_the_lecture_started()
    {
        var speaker = await TestActivities.MemberIdOfAsync(app, "member.520201");
        var other = (await MembersOf(app, "520201", 1, speaker))[0];
        var sid = await SeriesAsync(app);
        var body = Body(sid, clock.GetUtcNow(), startsIn: TimeSpan.FromMinutes(10), kind: "member", speakerMemberId: speaker, speakerName: null);
        var id = await LectureAsync(app, body);
        var activityId = await ActivityOf(app, id);
        var staff = await app.ClientAsAsync("staff.520201");
        var speakerBefore = await SpeakerRecords(speaker);
        try
        {
            // Not held yet: attendance cannot be confirmed, nothing is recorded.
            var early = await Confirm(staff, activityId, (speaker, "present"));
            Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
            Assert.Empty(await CodesOf(activityId, speaker));

            clock.Offset = TimeSpan.FromHours(1);
            staff = await FreshClientAsync(app, "staff.520201"); // a token of the moved clock
            Assert.Equal(HttpStatusCode.NoContent, (await Confirm(staff, activityId, (speaker, "present"), (other, "present"))).StatusCode);
            Assert.Equal(["attend.study", "speaker"], await CodesOf(activityId, speaker));
            Assert.Equal(["attend.study"], await CodesOf(activityId, other));
            var role = await app.WithDbAsync(db => db.Invitations.Where(i => i.ActivityId == activityId && i.MemberId == speaker).Select(i => i.Attendance).FirstAsync());
            Assert.Equal(AttendanceRole.Speaker, role);
            // Confirming again (present or speaker) never adds a second record.
            Assert.Equal(HttpStatusCode.NoContent, (await Confirm(staff, activityId, (speaker, "present"))).StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, (await Confirm(staff, activityId, (speaker, "speaker"), (other, "present"))).StatusCode);
            Assert.Equal(["attend.study", "speaker"], await CodesOf(activityId, speaker));
            Assert.Equal(speakerBefore + 1, await SpeakerRecords(speaker));
            // The duty page's source: the one activity ledger source, no lecture source beside it.
            Assert.Equal(0, await app.WithDbAsync(db => db.DutyRecords.CountAsync(r => r.Source.StartsWith("lecture"))));
            // Absent speaker: no record at all.
            Assert.Equal(HttpStatusCode.NoContent, (await Confirm(staff, activityId, (speaker, "absent"))).StatusCode);
            Assert.DoesNotContain("speaker", await CodesOf(activityId, speaker));
        }
        finally { clock.Reset(); }
    }

    [Fact]
    public async Task A_non_member_speaker_earns_nothing_and_the_audience_gets_attend_study()
    {
        var sid = await SeriesAsync(app);
        var id = await LectureAsync(app, Body(sid, clock.GetUtcNow(), startsIn: TimeSpan.FromMinutes(10), kind: "expert", speakerName: "李教授"));
        var activityId = await ActivityOf(app, id);
        var audience = await MembersOf(app, "520201", 3);
        var staff = await app.ClientAsAsync("staff.520201");
        try
        {
            clock.Offset = TimeSpan.FromHours(1);
            staff = await FreshClientAsync(app, "staff.520201"); // a token of the moved clock
            Assert.Equal(HttpStatusCode.NoContent, (await Confirm(staff, activityId, audience.Select(m => (m, "present")).ToArray())).StatusCode);
            foreach (var m in audience) Assert.Equal(["attend.study"], await CodesOf(activityId, m));
            Assert.Equal(0, await app.WithDbAsync(db => db.DutyRecords.CountAsync(r => r.Source == "activity" && r.SourceId == activityId && r.RuleCode == "speaker")));
        }
        finally { clock.Reset(); }
    }

    [Fact]
    public async Task Changing_the_speaker_after_attendance_moves_the_speaker_record()
    {
        var first = await TestActivities.MemberIdOfAsync(app, "member.520201");
        var second = (await MembersOf(app, "520201", 1, first))[0];
        var sid = await SeriesAsync(app);
        var body = Body(sid, clock.GetUtcNow(), startsIn: TimeSpan.FromMinutes(10), kind: "member", speakerMemberId: first, speakerName: null);
        var id = await LectureAsync(app, body);
        var activityId = await ActivityOf(app, id);
        var staff = await app.ClientAsAsync("staff.520201");
        try
        {
            clock.Offset = TimeSpan.FromHours(1);
            staff = await FreshClientAsync(app, "staff.520201"); // a token of the moved clock
            Assert.Equal(HttpStatusCode.NoContent, (await Confirm(staff, activityId, (first, "present"), (second, "present"))).StatusCode);
            Assert.Equal(["attend.study", "speaker"], await CodesOf(activityId, first));

            // A leader who is a member speaks instead (kind leader, member named): the record moves to them.
            body["speakerKind"] = "leader"; body["speakerMemberId"] = second; body["speakerName"] = null;
            var res = await staff.PutAsJsonAsync($"/api/lectures/{id}", body);
            Assert.True(res.StatusCode == HttpStatusCode.OK, await res.Content.ReadAsStringAsync());
            Assert.Equal(["attend.study"], await CodesOf(activityId, first));
            Assert.Equal(["attend.study", "speaker"], await CodesOf(activityId, second));

            // An expert speaks instead: nobody keeps the speaker record; attendance stays.
            body["speakerKind"] = "expert"; body["speakerMemberId"] = null; body["speakerName"] = "张研究员";
            Assert.Equal(HttpStatusCode.OK, (await staff.PutAsJsonAsync($"/api/lectures/{id}", body)).StatusCode);
            Assert.Equal(["attend.study"], await CodesOf(activityId, first));
            Assert.Equal(["attend.study"], await CodesOf(activityId, second));
            Assert.Equal(0, await app.WithDbAsync(db => db.DutyRecords.CountAsync(r => r.Source == "activity" && r.SourceId == activityId && r.RuleCode == "speaker")));

            // Back to the first member: once again exactly one speaker record.
            body["speakerKind"] = "member"; body["speakerMemberId"] = first; body["speakerName"] = null;
            Assert.Equal(HttpStatusCode.OK, (await staff.PutAsJsonAsync($"/api/lectures/{id}", body)).StatusCode);
            Assert.Equal(["attend.study", "speaker"], await CodesOf(activityId, first));
            Assert.Equal(1, await app.WithDbAsync(db => db.DutyRecords.CountAsync(r => r.Source == "activity" && r.SourceId == activityId && r.RuleCode == "speaker")));
        }
        finally { clock.Reset(); }
    }

    [Fact]
    public async Task Other_activities_keep_the_role_staff_confirm()
    {
        // A training activity (same attend.study code) with a member who speaks at lectures: present stays present.
        var member = await TestActivities.MemberIdOfAsync(app, "member.520201");
        var (activityId, _) = await TestActivities.CreateAsync(app, ActivityType.Training, startsAt: DateTimeOffset.UtcNow.AddHours(-2), organizers: ["520201"], memberIds: [member]);
        var staff = await app.ClientAsAsync("staff.520201");
        Assert.Equal(HttpStatusCode.NoContent, (await Confirm(staff, activityId, (member, "present"))).StatusCode);
        Assert.Equal(["attend.study"], await CodesOf(activityId, member));
        Assert.Equal(AttendanceRole.Present, await app.WithDbAsync(db => db.Invitations.Where(i => i.ActivityId == activityId && i.MemberId == member).Select(i => i.Attendance).FirstAsync()));
        // A standing-committee meeting: speaker stays speaker, present stays present.
        var (meeting, _) = await TestActivities.CreateAsync(app, ActivityType.Standing, startsAt: DateTimeOffset.UtcNow.AddHours(-2), organizers: ["520201"], memberIds: [member]);
        Assert.Equal(HttpStatusCode.NoContent, (await Confirm(staff, meeting, (member, "present"))).StatusCode);
        Assert.Equal(["attend.standing"], await CodesOf(meeting, member));
    }
}

public sealed class LectureSpeakerSqliteTests(ClockedSqliteAppFactory app) : LectureSpeakerTests(app, app.Clock), IClassFixture<ClockedSqliteAppFactory>;
public sealed class LectureSpeakerPostgresTests(ClockedPostgresAppFactory app) : LectureSpeakerTests(app, app.Clock), IClassFixture<ClockedPostgresAppFactory>;

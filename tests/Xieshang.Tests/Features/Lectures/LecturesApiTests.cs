using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Activities;
using Xieshang.Web.Features.Lectures;
using Xieshang.Web.Infrastructure.Auth;
using static Xieshang.Tests.Features.Lectures.LectureTestKit;

namespace Xieshang.Tests.Features.Lectures;

/// <summary>
/// The lecture halls API: series and lectures created by staff of the committee (the lecture's activity of type lecture
/// created and published through the activities mechanism, the member speaker invited by name), what members see (invited
/// lectures and public series), bad input (Chinese message, field key, nothing changed), the summary sanitised, and every
/// endpoint refusing the wrong role and the wrong committee with the database unchanged.
/// </summary>
public abstract class LecturesApiTests(AppFactory app)
{
    [Fact]
    public async Task Staff_create_a_series_and_a_published_lecture_whose_activity_and_invitations_come_from_the_activities_mechanism()
    {
        var sid = await SeriesAsync(app, name: "钟山区委员讲堂", hall: "other");
        var speaker = await TestActivities.MemberIdOfAsync(app, "member.520201");
        var id = await LectureAsync(app, Body(sid, DateTimeOffset.UtcNow, kind: "member", speakerMemberId: speaker, speakerName: null));
        var staff = await app.ClientAsAsync("staff.520201");
        var d = await Json(await staff.GetAsync($"/api/lectures/{id}"));
        var lecture = d.GetProperty("lecture");
        Assert.Equal("member", lecture.GetProperty("speakerKind").GetString());
        Assert.Equal("委员传递共识", lecture.GetProperty("speakerKindName").GetString());
        Assert.Equal("published", lecture.GetProperty("status").GetString());
        Assert.False(lecture.GetProperty("held").GetBoolean());
        Assert.Equal(speaker, d.GetProperty("speakerMemberId").GetInt32());
        var name = await app.WithDbAsync(db => db.Members.Where(m => m.Id == speaker).Select(m => m.Name).FirstAsync());
        Assert.Equal(name, lecture.GetProperty("speakerName").GetString());
        var activityId = lecture.GetProperty("activityId").GetInt32();
        var (type, status, organizers, invited, speakerInvited) = await app.WithDbAsync(async db => (
            await db.Activities.Where(a => a.Id == activityId).Select(a => a.Type).FirstAsync(),
            await db.Activities.Where(a => a.Id == activityId).Select(a => a.Status).FirstAsync(),
            await db.ActivityOrganizers.Where(o => o.ActivityId == activityId).Select(o => o.Committee!.Code).ToListAsync(),
            await db.Invitations.CountAsync(i => i.ActivityId == activityId),
            await db.ActivityInviteeRules.AnyAsync(r => r.ActivityId == activityId && r.Kind == InviteeKind.Member && r.TargetId == speaker)));
        Assert.Equal(ActivityType.Lecture, type);
        Assert.Equal(ActivityStatus.Published, status);
        Assert.Equal(["520201"], organizers);
        Assert.True(invited > 1);
        Assert.True(speakerInvited);
        // The series list counts it; ?committee= narrows; the activity is on the activities list too.
        var series = await Json(await staff.GetAsync("/api/lecture-series?committee=520201"));
        Assert.Contains(series.EnumerateArray(), s => s.GetProperty("id").GetInt32() == sid && s.GetProperty("lectures").GetInt32() == 1 && s.GetProperty("hall").GetString() == "other");
        var list = await Json(await staff.GetAsync($"/api/lectures?series={sid}"));
        Assert.Equal(id, Assert.Single(list.EnumerateArray()).GetProperty("id").GetInt32());
        // The member speaker sees it (invited); a member of another district does not.
        var member = await app.ClientAsAsync("member.520201");
        Assert.Equal(HttpStatusCode.OK, (await member.GetAsync($"/api/lectures/{id}")).StatusCode);
        Assert.True((await Json(await member.GetAsync($"/api/lectures/{id}"))).GetProperty("speakerMemberId").ValueKind == JsonValueKind.Null);
        var other = await app.ClientAsAsync("member.520204");
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/lectures/{id}")).StatusCode);
        Assert.DoesNotContain((await Json(await other.GetAsync("/api/lectures"))).EnumerateArray(), l => l.GetProperty("id").GetInt32() == id);
        // The city's staff and leader read it (scope below them); 水城区 staff do not.
        Assert.Equal(HttpStatusCode.OK, (await (await app.ClientAsAsync("leader.520200")).GetAsync($"/api/lectures/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await (await app.ClientAsAsync("staff.520204")).GetAsync($"/api/lectures/{id}")).StatusCode);
    }

    [Fact]
    public async Task A_member_sees_the_published_lectures_of_public_series_and_never_a_draft()
    {
        var pub = await SeriesAsync(app, isPublic: true, name: "钟山区道德讲堂", hall: "ethics");
        var open = await LectureAsync(app, Body(pub, DateTimeOffset.UtcNow, topic: "公开系列的讲座"));
        var draft = await LectureAsync(app, Body(pub, DateTimeOffset.UtcNow, topic: "公开系列的草稿", publish: false));
        var other = await app.ClientAsAsync("member.520204");
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync($"/api/lectures/{open}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/lectures/{draft}")).StatusCode);
        var ids = (await Json(await other.GetAsync($"/api/lectures?series={pub}"))).EnumerateArray().Select(l => l.GetProperty("id").GetInt32()).ToList();
        Assert.Contains(open, ids);
        Assert.DoesNotContain(draft, ids);
        Assert.Contains((await Json(await other.GetAsync("/api/lecture-series"))).EnumerateArray(), s => s.GetProperty("id").GetInt32() == pub);
        // Publishing the draft makes it visible.
        Assert.Equal(HttpStatusCode.NoContent, (await (await app.ClientAsAsync("staff.520201")).PostAsync($"/api/lectures/{draft}/publish", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync($"/api/lectures/{draft}")).StatusCode);
    }

    [Fact]
    public async Task The_summary_is_sanitised_before_it_is_stored()
    {
        var sid = await SeriesAsync(app);
        // One instant for both bodies: an edit that moved the time of a published lecture would be refused (postpone instead).
        var now = DateTimeOffset.UtcNow;
        var id = await LectureAsync(app, Body(sid, now, summary:
            "<p onclick=\"x()\">讲座要点<script>alert(1)</script><img src=\"x.png\" onerror=\"alert(2)\"><a href=\"javascript:alert(3)\">链接</a><b>协商民主</b></p>"));
        var stored = await app.WithDbAsync(db => db.Lectures.Where(l => l.Id == id).Select(l => l.Summary).FirstAsync());
        Assert.Contains("<b>协商民主</b>", stored);
        Assert.Contains("讲座要点", stored);
        foreach (var bad in new[] { "<script", "alert(1)", "onerror", "onclick", "javascript:" }) Assert.DoesNotContain(bad, stored, StringComparison.OrdinalIgnoreCase);
        // An edit sanitises too.
        var body = Body(sid, now, summary: "<p>更新<script>alert(4)</script></p>");
        var put = await (await app.ClientAsAsync("staff.520201")).PutAsJsonAsync($"/api/lectures/{id}", body);
        Assert.True(put.StatusCode == HttpStatusCode.OK, $"{(int)put.StatusCode} {await put.Content.ReadAsStringAsync()}");
        stored = await app.WithDbAsync(db => db.Lectures.Where(l => l.Id == id).Select(l => l.Summary).FirstAsync());
        Assert.Equal("<p>更新</p>", stored);
    }

    [Fact]
    public async Task Bad_input_gets_a_Chinese_message_on_the_field_and_changes_nothing()
    {
        var sid = await SeriesAsync(app);
        var staff = await app.ClientAsAsync("staff.520201");
        var now = DateTimeOffset.UtcNow;
        var outsider = (await MembersOf(app, "520204", 1))[0];
        var before = await SnapshotAsync(app);

        async Task Bad(string url, object body, string field, string words)
        {
            var res = await staff.PostAsJsonAsync(url, body);
            var text = await res.Content.ReadAsStringAsync();
            Assert.True(res.StatusCode == HttpStatusCode.BadRequest, $"{url} {field}: {(int)res.StatusCode} {text}");
            var json = await Json(res);
            Assert.True(json.GetProperty("errors").TryGetProperty(field, out var messages), text);
            Assert.Contains(words, messages[0].GetString());
            Assert.Contains(words, text);
            Assert.Equal(before, await SnapshotAsync(app));
        }

        Dictionary<string, object?> With(string key, object? value) { var b = Body(sid, now); b[key] = value; return b; }
        await Bad("/api/lectures", With("topic", " "), "topic", "讲座题目");
        await Bad("/api/lectures", With("speakerKind", "guest"), "speakerKind", "主讲人类型“guest”无效");
        await Bad("/api/lectures", With("speakerKind", "member"), "speakerMemberId", "须选择主讲委员");
        await Bad("/api/lectures", With("speakerMemberId", outsider), "speakerMemberId", "不属于本系列所属政协组织");
        await Bad("/api/lectures", With("speakerName", ""), "speakerName", "请填写主讲人姓名");
        await Bad("/api/lectures", With("speakerTitle", new string('职', 101)), "speakerTitle", "不能超过 100 个字");
        await Bad("/api/lectures", With("endsAt", now.AddDays(1)), "endsAt", "结束时间须晚于开始时间");
        await Bad("/api/lectures", With("place", ""), "place", "请填写地点或线上会议链接");
        await Bad("/api/lectures", With("seriesId", null), "seriesId", "请选择讲堂系列");
        await Bad("/api/lecture-series", new { name = "", hall = "cppcc" }, "name", "请填写系列名称");
        await Bad("/api/lecture-series", new { name = "讲堂", hall = "music" }, "hall", "讲堂类别“music”无效");
        await Bad("/api/lecture-series", new { name = "讲堂", hall = "law", committeeCode = "999999" }, "committeeCode", "未找到");
        // Several faults at once: all of them, each on its field.
        var many = Body(sid, now); many["topic"] = ""; many["speakerKind"] = "x";
        var res = await staff.PostAsJsonAsync("/api/lectures", many);
        var errors = (await Json(res)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("topic", out _) && errors.TryGetProperty("speakerKind", out _));
        // 委员传递共识 with no speaker and no place: three field errors (keys kept), the detail is the first in form order (the speaker), not the place.
        var noSpeaker = Body(sid, now); noSpeaker["speakerKind"] = "member"; noSpeaker["speakerName"] = ""; noSpeaker["speakerMemberId"] = null; noSpeaker["place"] = ""; noSpeaker["onlineLink"] = null;
        var three = await Json(await staff.PostAsJsonAsync("/api/lectures", noSpeaker));
        Assert.True(three.GetProperty("errors").TryGetProperty("speakerMemberId", out _) && three.GetProperty("errors").TryGetProperty("speakerName", out _)
            && three.GetProperty("errors").TryGetProperty("place", out _), three.ToString());
        Assert.Contains("须选择主讲委员", three.GetProperty("detail").GetString());
        Assert.DoesNotContain("speakerMemberId", three.GetProperty("detail").GetString());
        Assert.Equal(["speakerMemberId", "speakerName", "place"], three.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToArray());
        // Publishing past lecture: refused, nothing left behind (the draft is rolled back with it).
        var past = Body(sid, now, startsIn: TimeSpan.FromDays(-3));
        var refused = await staff.PostAsJsonAsync("/api/lectures", past);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("结束时间已过", await refused.Content.ReadAsStringAsync());
        Assert.Equal(before, await SnapshotAsync(app));
    }

    [Fact]
    public async Task Every_endpoint_refuses_the_wrong_role_and_the_wrong_committee_and_changes_nothing()
    {
        await TestAccounts.EnsureAsync(app, "unit.520201.lectures", Roles.HandlingUnit, "520201");
        var sid = await SeriesAsync(app, name: "钟山区法治讲堂", hall: "law");
        var id = await LectureAsync(app, Body(sid, DateTimeOffset.UtcNow));
        var draft = await LectureAsync(app, Body(sid, DateTimeOffset.UtcNow, publish: false, topic: "草稿讲座"));
        var material = await app.WithDbAsync(async db =>
        {
            var m = new Xieshang.Web.Features.Study.StudyMaterial { LectureId = id, Kind = Xieshang.Web.Features.Study.MaterialKind.Link, Title = "参考", Url = "https://example.org/a", AddedBy = "t", AddedAt = DateTimeOffset.UtcNow };
            db.StudyMaterials.Add(m);
            await db.SaveChangesAsync();
            return m.Id;
        });
        var before = await SnapshotAsync(app);
        var body = Body(sid, DateTimeOffset.UtcNow, topic: "越权修改");
        static MultipartFormDataContent Link() => new() { { new StringContent("link"), "kind" }, { new StringContent("越权"), "title" }, { new StringContent("https://example.org/x"), "url" } };
        var calls = new (string Name, Func<HttpClient, Task<HttpResponseMessage>> Call, bool Write)[]
        {
            ("create series", c => c.PostAsJsonAsync("/api/lecture-series", new { name = "越权讲堂", hall = "cppcc", committeeCode = "520201" }), true),
            ("edit series", c => c.PutAsJsonAsync($"/api/lecture-series/{sid}", new { name = "越权讲堂", hall = "cppcc" }), true),
            ("create lecture", c => c.PostAsJsonAsync("/api/lectures", body), true),
            ("edit lecture", c => c.PutAsJsonAsync($"/api/lectures/{id}", body), true),
            ("publish", c => c.PostAsync($"/api/lectures/{draft}/publish", null), true),
            ("cancel", c => c.PostAsJsonAsync($"/api/lectures/{id}/cancel", new { reason = "越权" }), true),
            ("postpone", c => c.PostAsJsonAsync($"/api/lectures/{id}/postpone", new { startsAt = DateTimeOffset.UtcNow.AddDays(5), endsAt = DateTimeOffset.UtcNow.AddDays(5).AddHours(1), reason = "越权" }), true),
            ("add material", c => c.PostAsync($"/api/lectures/{id}/materials", Link()), true),
            ("delete material", c => c.DeleteAsync($"/api/lectures/{id}/materials/{material}"), true),
            ("read lecture", c => c.GetAsync($"/api/lectures/{draft}"), false),
            ("list materials", c => c.GetAsync($"/api/lectures/{draft}/materials"), false),
            ("list lectures", c => c.GetAsync($"/api/lectures?series={sid}"), false),
        };
        // 水城区 staff: another committee (not in sight: 404, or 403 for creating in 钟山区); the member, the leader (reads only)
        // and a handling unit of 钟山区 are the wrong role.
        foreach (var who in new[] { "staff.520204", "member.520201", "member.520204", "leader.520201", "unit.520201.lectures" })
        {
            var client = await app.ClientAsAsync(who);
            foreach (var (name, call, write) in calls)
            {
                if (!write && who == "leader.520201") continue; // a leader in scope reads
                if (name == "list lectures" && who == "member.520201") continue; // invited to the published one: below
                var res = await call(client);
                Assert.True(res.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound, $"{who} {name}: {(int)res.StatusCode} {await res.Content.ReadAsStringAsync()}");
                Assert.Equal(before, await SnapshotAsync(app));
            }
        }
        // The invited member lists the series' published lecture, never its draft.
        var listed = (await Json(await (await app.ClientAsAsync("member.520201")).GetAsync($"/api/lectures?series={sid}"))).EnumerateArray().Select(l => l.GetProperty("id").GetInt32()).ToList();
        Assert.Equal([id], listed);
        // Creating a lecture in a series of another committee, and a series for another committee: 403/404, nothing changed.
        var shuicheng = await app.ClientAsAsync("staff.520204");
        Assert.Equal(HttpStatusCode.Forbidden, (await shuicheng.PostAsJsonAsync("/api/lecture-series", new { name = "越权", hall = "cppcc", committeeCode = "520201" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await shuicheng.PostAsJsonAsync("/api/lectures", Body(sid, DateTimeOffset.UtcNow))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await shuicheng.GetAsync("/api/lecture-series?committee=520201")).StatusCode);
        Assert.Equal(before, await SnapshotAsync(app));
        // The leader in scope reads but may not change.
        var leader = await app.ClientAsAsync("leader.520201");
        Assert.Equal(HttpStatusCode.OK, (await leader.GetAsync($"/api/lectures/{draft}")).StatusCode);
        Assert.False((await Json(await leader.GetAsync($"/api/lectures/{draft}"))).GetProperty("canManage").GetBoolean());
        // Unauthenticated: 401 on the staff API.
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().GetAsync("/api/lectures")).StatusCode);
    }

    [Fact]
    public async Task Cancel_and_postpone_go_through_the_activity_rules()
    {
        var sid = await SeriesAsync(app);
        var id = await LectureAsync(app, Body(sid, DateTimeOffset.UtcNow));
        var staff = await app.ClientAsAsync("staff.520201");
        var noReason = await staff.PostAsJsonAsync($"/api/lectures/{id}/cancel", new { reason = "" });
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Equal("请填写取消原因，它会随通知发给受邀委员。", (await Json(noReason)).GetProperty("errors").GetProperty("reason")[0].GetString());
        var start = DateTimeOffset.UtcNow.AddDays(9);
        Assert.Equal(HttpStatusCode.NoContent, (await staff.PostAsJsonAsync($"/api/lectures/{id}/postpone", new { startsAt = start, endsAt = start.AddHours(2), reason = "主讲人行程调整" })).StatusCode);
        Assert.Equal("postponed", (await Json(await staff.GetAsync($"/api/lectures/{id}"))).GetProperty("lecture").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await staff.PostAsJsonAsync($"/api/lectures/{id}/cancel", new { reason = "场地维修" })).StatusCode);
        var d = await Json(await staff.GetAsync($"/api/lectures/{id}"));
        Assert.Equal("cancelled", d.GetProperty("lecture").GetProperty("status").GetString());
        Assert.Equal("场地维修", d.GetProperty("cancelReason").GetString());
        var edit = await staff.PutAsJsonAsync($"/api/lectures/{id}", Body(sid, DateTimeOffset.UtcNow));
        Assert.Equal(HttpStatusCode.Conflict, edit.StatusCode);
        Assert.Contains("讲堂已取消", await edit.Content.ReadAsStringAsync());
        var notices = await app.WithDbAsync(db => db.Notifications.CountAsync(n => n.Link == $"/activities/{d.GetProperty("lecture").GetProperty("activityId").GetInt32()}"));
        Assert.True(notices > 0);
    }
    [Fact]
    public async Task Materials_take_real_slides_and_a_long_recording_and_refuse_a_text_file_named_pdf()
    {
        var sid = await SeriesAsync(app);
        var id = await LectureAsync(app, Body(sid, DateTimeOffset.UtcNow));
        var staff = await app.ClientAsAsync("staff.520201");
        static MultipartFormDataContent Upload(string kind, byte[] bytes, string fileName, string title = "")
        {
            var c = new MultipartFormDataContent { { new StringContent(kind), "kind" }, { new StringContent(title), "title" } };
            c.Add(new ByteArrayContent(bytes), "file", fileName);
            return c;
        }
        var before = await SnapshotAsync(app);
        var fake = await staff.PostAsync($"/api/lectures/{id}/materials", Upload("document", "只是一段文字"u8.ToArray(), "讲稿.pdf"));
        Assert.Equal(HttpStatusCode.BadRequest, fake.StatusCode);
        var problem = await Json(fake);
        Assert.Equal("file", problem.GetProperty("field").GetString());
        Assert.Contains("文件格式不支持", problem.GetProperty("errors").GetProperty("file")[0].GetString());
        var badKind = await staff.PostAsync($"/api/lectures/{id}/materials", Upload("audio", LectureFiles.Pdf(), "a.pdf"));
        Assert.Contains("材料类型“audio”无效", (await Json(badKind)).GetProperty("errors").GetProperty("kind")[0].GetString());
        var badLink = await staff.PostAsync($"/api/lectures/{id}/materials", new MultipartFormDataContent { { new StringContent("link"), "kind" }, { new StringContent("参考"), "title" }, { new StringContent("javascript:alert(1)"), "url" } });
        Assert.Equal("url", (await Json(badLink)).GetProperty("field").GetString());
        Assert.Equal(before, await SnapshotAsync(app));

        var pdf = await staff.PostAsync($"/api/lectures/{id}/materials", Upload("document", LectureFiles.Pdf(), "课件.pdf", "讲座课件"));
        Assert.Equal(HttpStatusCode.Created, pdf.StatusCode);
        Assert.Equal("application/pdf", (await Json(pdf)).GetProperty("contentType").GetString());
        var pptx = await staff.PostAsync($"/api/lectures/{id}/materials", Upload("document", LectureFiles.Pptx(), "演示文稿.pptx"));
        Assert.Equal(HttpStatusCode.Created, pptx.StatusCode);
        var pptxJson = await Json(pptx);
        Assert.Equal("演示文稿.pptx", pptxJson.GetProperty("title").GetString());
        Assert.Equal("application/vnd.openxmlformats-officedocument.presentationml.presentation", pptxJson.GetProperty("contentType").GetString());
        // A recording over Kestrel's default request limit (about 28.6 MB): this endpoint lifts its own limit.
        var big = LectureFiles.Mp4(30 * 1024 * 1024);
        var video = await staff.PostAsync($"/api/lectures/{id}/materials", Upload("video", big, "录像.mp4", "讲座录像"));
        Assert.True(video.StatusCode == HttpStatusCode.Created, await video.Content.ReadAsStringAsync());
        var videoUrl = (await Json(video)).GetProperty("url").GetString()!;
        var range = new HttpRequestMessage(HttpMethod.Get, videoUrl);
        range.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(0, 1023);
        var partial = await staff.SendAsync(range);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal("video/mp4", partial.Content.Headers.ContentType?.MediaType);
        Assert.Equal(big.AsSpan(0, 1024).ToArray(), await partial.Content.ReadAsByteArrayAsync());
        var files = Directory.GetFiles(app.UploadPath, "*", SearchOption.AllDirectories).Where(f => !f.Contains(".tmp")).ToList();
        Assert.Contains(files, f => new FileInfo(f).Length == big.Length);

        var list = await Json(await staff.GetAsync($"/api/lectures/{id}/materials"));
        Assert.Equal(["讲座课件", "演示文稿.pptx", "讲座录像"], list.EnumerateArray().Select(m => m.GetProperty("title").GetString()).ToArray());
        // Deleting removes the row and the bytes on disk.
        var vid = list.EnumerateArray().Last().GetProperty("id").GetInt32();
        Assert.Equal(HttpStatusCode.NoContent, (await staff.DeleteAsync($"/api/lectures/{id}/materials/{vid}")).StatusCode);
        Assert.DoesNotContain(Directory.GetFiles(app.UploadPath, "*", SearchOption.AllDirectories), f => new FileInfo(f).Length == big.Length);
        Assert.Equal(HttpStatusCode.NotFound, (await staff.GetAsync(videoUrl)).StatusCode);
    }
}

public sealed class LecturesApiSqliteTests(SqliteAppFactory app) : LecturesApiTests(app), IClassFixture<SqliteAppFactory>;
public sealed class LecturesApiPostgresTests(PostgresAppFactory app) : LecturesApiTests(app), IClassFixture<PostgresAppFactory>;

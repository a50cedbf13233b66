using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Support;

namespace Xieshang.Tests.Features.Lectures;

/// <summary>Shared steps of the lecture tests: series and lectures created through the API, members of a committee, a snapshot of every lecture-related table.</summary>
internal static class LectureTestKit
{
    public static async Task<JsonElement> Json(HttpResponseMessage res) => JsonDocument.Parse(await res.Content.ReadAsStringAsync()).RootElement;

    /// <summary>A bearer client from a fresh sign-in (not the factory's cached token): for tests that move the app's clock.</summary>
    public static async Task<HttpClient> FreshClientAsync(AppFactory app, string userName)
    {
        var res = await app.CreateClient().PostAsJsonAsync("/api/auth/login", new { userName, password = AppFactory.DemoPassword });
        res.EnsureSuccessStatusCode();
        var token = (await Json(res)).GetProperty("accessToken").GetString();
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Creates a series through the API as <paramref name="staff"/> and returns its id.</summary>
    public static async Task<int> SeriesAsync(AppFactory app, string staff = "staff.520201", string code = "520201", bool isPublic = false, string hall = "cppcc", string name = "钟山区政协讲堂")
    {
        var res = await (await app.ClientAsAsync(staff)).PostAsJsonAsync("/api/lecture-series", new { name, hall, committeeCode = code, description = "每月一讲", isPublic });
        Assert.True(res.StatusCode == HttpStatusCode.Created, await res.Content.ReadAsStringAsync());
        return (await Json(res)).GetProperty("id").GetInt32();
    }

    /// <summary>A lecture body: starts <paramref name="startsIn"/> from <paramref name="now"/>, two hours long, the series' committee invited.</summary>
    public static Dictionary<string, object?> Body(int seriesId, DateTimeOffset now, TimeSpan? startsIn = null, string kind = "expert", int? speakerMemberId = null,
        string? speakerName = "王教授", string code = "520201", bool publish = true, string topic = "习近平新时代中国特色社会主义思想学习体会", string? summary = null)
    {
        var start = now + (startsIn ?? TimeSpan.FromDays(2));
        return new Dictionary<string, object?>
        {
            ["seriesId"] = seriesId, ["topic"] = topic, ["speakerName"] = speakerName, ["speakerTitle"] = "贵州大学经济学院教授", ["speakerKind"] = kind,
            ["speakerMemberId"] = speakerMemberId, ["startsAt"] = start, ["endsAt"] = start.AddHours(2), ["place"] = "区政协四楼报告厅",
            ["summary"] = summary ?? "<p>讲座围绕<b>基层协商</b>展开。</p>", ["invitees"] = new { committees = new[] { code } }, ["publish"] = publish,
        };
    }

    /// <summary>Creates a lecture through the API and returns its id.</summary>
    public static async Task<int> LectureAsync(AppFactory app, Dictionary<string, object?> body, string staff = "staff.520201")
    {
        var res = await (await app.ClientAsAsync(staff)).PostAsJsonAsync("/api/lectures", body);
        Assert.True(res.StatusCode == HttpStatusCode.Created, await res.Content.ReadAsStringAsync());
        return (await Json(res)).GetProperty("id").GetInt32();
    }

    /// <summary>Active members of a committee, first <paramref name="n"/> by id, not <paramref name="except"/>.</summary>
    public static Task<List<int>> MembersOf(AppFactory app, string code, int n, params int[] except) => app.WithDbAsync(db => db.Members
        .Where(m => m.Committee!.Code == code && m.IsActive && !except.Contains(m.Id)).OrderBy(m => m.Id).Select(m => m.Id).Take(n).ToListAsync());

    /// <summary>The activity id of a lecture.</summary>
    public static Task<int> ActivityOf(AppFactory app, int lectureId) => app.WithDbAsync(db => db.Lectures.Where(l => l.Id == lectureId).Select(l => l.ActivityId).FirstAsync());

    /// <summary>Every lecture-related table: counts and the lectures' and their activities' changing fields.</summary>
    public static Task<string> SnapshotAsync(AppFactory app) => app.WithDbAsync(async db => string.Join("|",
        await db.LectureSeries.CountAsync(), await db.Lectures.CountAsync(), await db.Activities.CountAsync(), await db.Invitations.CountAsync(),
        await db.StudyMaterials.CountAsync(), await db.StoredFiles.CountAsync(), await db.DutyRecords.CountAsync(),
        string.Join(",", await db.LectureSeries.OrderBy(s => s.Id).Select(s => s.Name + ":" + s.Hall + ":" + s.IsPublic + ":" + s.Description).ToListAsync()),
        string.Join(",", await db.Lectures.OrderBy(l => l.Id).Select(l => l.Topic + ":" + l.SpeakerName + ":" + l.SpeakerKind + ":" + l.SpeakerMemberId + ":" + l.Summary.Length
            + ":" + l.Activity!.Status + ":" + l.Activity.Title + ":" + l.Activity.Place).ToListAsync())));
}

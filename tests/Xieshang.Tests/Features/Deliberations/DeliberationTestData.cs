using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Consultations;
using Xieshang.Web.Features.Deliberations;

namespace Xieshang.Tests.Features.Deliberations;

/// <summary>Consultations and deliberations for the deliberation tests.</summary>
public static class DeliberationTestData
{
    /// <summary>A consultation of committee <paramref name="committeeCode"/> (a plain row, as the consultations slice would write it).</summary>
    public static Task<int> ConsultationAsync(AppFactory app, string committeeCode, string title = "关于推进城乡养老服务的专题协商") =>
        app.WithDbAsync(async db =>
        {
            var c = await db.Committees.Where(x => x.Code == committeeCode).Select(x => new { x.Id, x.Path }).FirstAsync();
            var now = DateTimeOffset.UtcNow;
            var row = new Consultation { CommitteeId = c.Id, CommitteePath = c.Path, Title = title, Type = ConsultationType.Online, CreatedBy = "test", CreatedAt = now, UpdatedAt = now };
            db.Consultations.Add(row);
            await db.SaveChangesAsync();
            return row.Id;
        });

    /// <summary>Creates a deliberation through the API as <paramref name="staff"/> and returns its id.</summary>
    public static async Task<int> CreateAsync(HttpClient staff, int consultationId, string visibility = "members", bool anonymous = false, params string[] seeds)
    {
        var res = await staff.PostAsJsonAsync("/api/deliberations", new
        {
            consultationId, question = "如何让城乡老人都能就近享受养老服务？", visibility, allowAnonymous = anonymous,
            seeds = seeds.Length > 0 ? seeds : new[] { "社区食堂应覆盖每个街道", "农村互助养老点应由村集体运营", "养老服务补贴应按失能等级发放" },
        });
        Assert.Equal(HttpStatusCode.Created, res.StatusCode);
        return (await res.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
    }

    /// <summary>Creates and opens a deliberation; returns its id.</summary>
    public static async Task<int> OpenAsync(AppFactory app, string committeeCode = "520200", string visibility = "members", bool anonymous = false, string[]? seeds = null, int? consultationId = null)
    {
        var staff = await app.ClientAsAsync(committeeCode == "520200" ? "staff.520200" : "staff." + committeeCode);
        var id = await CreateAsync(staff, consultationId ?? await ConsultationAsync(app, committeeCode), visibility, anonymous, seeds ?? []);
        Assert.Equal(HttpStatusCode.NoContent, (await staff.PostAsync($"/api/deliberations/{id}/open", null)).StatusCode);
        return id;
    }

    /// <summary>Accepted statement ids of a deliberation, ascending.</summary>
    public static Task<List<int>> AcceptedAsync(AppFactory app, int id) =>
        app.WithDbAsync(db => db.DeliberationStatements.Where(s => s.DeliberationId == id && s.Status == Web.Features.Deliberations.StatementStatus.Accepted)
            .OrderBy(s => s.Id).Select(s => s.Id).ToListAsync());

    /// <summary>PUTs a vote and returns the status.</summary>
    public static async Task<HttpStatusCode> VoteAsync(HttpClient client, int id, int statementId, int value, string? token = null) =>
        (await client.PutAsJsonAsync($"/api/deliberations/{id}/statements/{statementId}/vote" + (token is null ? "" : "?token=" + Uri.EscapeDataString(token)), new { value })).StatusCode;

    /// <summary>The ten seed statements of <see cref="TwoCampsAsync"/>.</summary>
    public static readonly string[] Seeds =
    [
        "老城区应优先建设社区嵌入式养老院", "养老补贴应向农村倾斜", "应鼓励社会资本举办养老机构", "居家养老上门服务应纳入医保",
        "新建小区必须配建养老用房", "养老护理员应统一提高待遇", "村级互助养老点应由村集体运营", "养老服务应以政府兜底为主",
        "应建立全市统一的养老服务信息平台", "不应再新建大型养老院",
    ];

    /// <summary>
    /// Two camps of <paramref name="perCamp"/> synthetic participants: camp A agrees with statements 0–3 and disagrees with
    /// 4–7, camp B the opposite; everyone agrees with 8 and disagrees with 9. Each participant skips one camp statement.
    /// </summary>
    /// <remarks>Votes are dated <paramref name="at"/> (default 30 s ago); a date in the future keeps the background job away.</remarks>
    public static async Task<(int Id, List<int> Statements)> TwoCampsAsync(AppFactory app, int? consultationId = null, int perCamp = 30, DateTimeOffset? at = null)
    {
        var id = await OpenAsync(app, seeds: Seeds, consultationId: consultationId);
        var statements = await AcceptedAsync(app, id);
        await app.WithDbAsync(async db =>
        {
            var now = at ?? DateTimeOffset.UtcNow.AddSeconds(-30);
            for (var i = 0; i < 2 * perCamp; i++)
            {
                var p = new DeliberationParticipant { DeliberationId = id, AnonymousKey = $"synthetic-{i}", CreatedAt = now };
                db.DeliberationParticipants.Add(p);
                await db.SaveChangesAsync();
                var campA = i % 2 == 0;
                for (var s = 0; s < 10; s++)
                {
                    if (s < 8 && s == i % 8) continue;
                    short v = s switch { < 4 => (short)(campA ? 1 : -1), < 8 => (short)(campA ? -1 : 1), 8 => 1, _ => -1 };
                    db.DeliberationVotes.Add(new DeliberationVote { DeliberationId = id, ParticipantId = p.Id, StatementId = statements[s], Value = v, UpdatedAt = now });
                }
            }
            await db.SaveChangesAsync();
            return 0;
        });
        return (id, statements);
    }

    /// <summary>Recomputes now; the background job of the app under test may hold the lease for a moment, so it waits for it (up to 10 s).</summary>
    public static async Task<bool> RecomputeAsync(AppFactory app, int id)
    {
        for (var i = 0; i < 100; i++)
        {
            if (await app.WithDbAsync(db => DeliberationMaps.RecomputeAsync(db, id, TimeProvider.System, default))) return true;
            await Task.Delay(100);
        }
        return false;
    }
}

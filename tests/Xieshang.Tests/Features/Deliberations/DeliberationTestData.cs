using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Consultations;

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
    public static async Task<int> OpenAsync(AppFactory app, string committeeCode = "520200", string visibility = "members", bool anonymous = false, params string[] seeds)
    {
        var staff = await app.ClientAsAsync(committeeCode == "520200" ? "staff.520200" : "staff." + committeeCode);
        var id = await CreateAsync(staff, await ConsultationAsync(app, committeeCode), visibility, anonymous, seeds);
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
}

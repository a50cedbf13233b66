using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Deliberations;

/// <summary>The opinion map as the API answers it and the map page shows it: the stored data with statement texts.</summary>
/// <param name="ComputedAt">When the map was computed; null when there is none yet.</param>
/// <param name="Participants">Participants with votes.</param>
/// <param name="InConv">Participants clustered into groups.</param>
/// <param name="Statements">Statements with votes.</param>
/// <param name="Votes">Votes.</param>
/// <param name="MyGroup">The caller's group id (0-based), null when they are not clustered (or have no participant).</param>
/// <param name="MyGroupName">The caller's group name (第2组), null like <paramref name="MyGroup"/>.</param>
/// <param name="Groups">Opinion groups.</param>
/// <param name="ConsensusAgree">Statements all groups agree with.</param>
/// <param name="ConsensusDisagree">Statements all groups disagree with.</param>
/// <param name="Divisive">Statements the groups disagree about most.</param>
/// <param name="Ranked">Statements by group-informed consensus, highest first.</param>
/// <param name="Points">Participant positions and groups for the chart.</param>
public sealed record MapView(DateTimeOffset? ComputedAt, int Participants, int InConv, int Statements, int Votes, int? MyGroup, string? MyGroupName,
    IReadOnlyList<MapGroupView> Groups, IReadOnlyList<MapStatementView> ConsensusAgree, IReadOnlyList<MapStatementView> ConsensusDisagree,
    IReadOnlyList<MapDivisiveView> Divisive, IReadOnlyList<MapRankedView> Ranked, MapPoints Points);

/// <summary>A group: id, name (第1组), size, centre and what sets it apart.</summary>
public sealed record MapGroupView(int Id, string Name, int Size, double X, double Y, IReadOnlyList<MapDistinctView> Distinct);

/// <summary>A representative statement: direction <c>agree</c>/<c>disagree</c>, % agree and disagree inside the group and outside.</summary>
public sealed record MapDistinctView(int StatementId, string Text, string Direction, int AgreeInPercent, int AgreeOutPercent, int DisagreeInPercent, int DisagreeOutPercent);

/// <summary>A consensus statement with the share of its voters agreeing (or disagreeing).</summary>
public sealed record MapStatementView(int StatementId, string Text, int Percent, int Votes);

/// <summary>A divisive statement: spread of the groups' agree shares and each group's % agree (−1 = no votes in that group).</summary>
public sealed record MapDivisiveView(int StatementId, string Text, double Spread, IReadOnlyList<int> GroupAgreePercent);

/// <summary>A statement ranked by group-informed consensus.</summary>
public sealed record MapRankedView(int StatementId, string Text, double Score, int AgreePercent, int Votes);

/// <summary>Read models of deliberations shared by the API and the pages.</summary>
public static class DeliberationQueries
{
    /// <summary>The stored map of deliberation <paramref name="deliberationId"/> with texts, and the group of <paramref name="participantId"/>.</summary>
    public static async Task<MapView> MapAsync(AppDbContext db, int deliberationId, int? participantId, CancellationToken ct)
    {
        var snap = await db.DeliberationMaps.AsNoTracking().Where(m => m.DeliberationId == deliberationId)
            .Select(m => new { m.Data, m.Points }).FirstOrDefaultAsync(ct);
        var data = DeliberationMapData.ReadData(snap?.Data);
        if (data is null) return new MapView(null, 0, 0, 0, 0, null, null, [], [], [], [], [], new MapPoints([], [], [], []));
        var points = string.IsNullOrEmpty(snap!.Points) ? new MapPoints([], [], [], []) : JsonSerializer.Deserialize<MapPoints>(snap.Points, DeliberationMapData.Json)!;
        var texts = await db.DeliberationStatements.AsNoTracking().Where(s => s.DeliberationId == deliberationId)
            .Select(s => new { s.Id, s.Text }).ToDictionaryAsync(s => s.Id, s => s.Text, ct);
        string T(int id) => texts.GetValueOrDefault(id, "");
        int? mine = null;
        if (participantId is { } pid && Array.IndexOf(points.P, pid) is var row and >= 0 && points.G[row] >= 0) mine = points.G[row];
        return new MapView(data.ComputedAt, data.Participants, data.InConv, data.Statements, data.Votes, mine, mine is { } g ? DeliberationMapData.GroupName(g) : null,
            data.Groups.Select(x => new MapGroupView(x.Id, DeliberationMapData.GroupName(x.Id), x.Size, x.X, x.Y,
                x.Distinct.Select(s => new MapDistinctView(s.StatementId, T(s.StatementId), s.Agree ? "agree" : "disagree",
                    s.AgreeInPercent, s.AgreeOutPercent, s.DisagreeInPercent, s.DisagreeOutPercent)).ToList())).ToList(),
            data.ConsensusAgree.Select(s => new MapStatementView(s.StatementId, T(s.StatementId), s.Percent, s.Votes)).ToList(),
            data.ConsensusDisagree.Select(s => new MapStatementView(s.StatementId, T(s.StatementId), s.Percent, s.Votes)).ToList(),
            data.Divisive.Select(s => new MapDivisiveView(s.StatementId, T(s.StatementId), s.Spread, s.GroupAgreePercent)).ToList(),
            data.Ranked.Select(s => new MapRankedView(s.StatementId, T(s.StatementId), Math.Round(s.Score, 4), s.AgreePercent, s.Votes)).ToList(),
            points);
    }
}

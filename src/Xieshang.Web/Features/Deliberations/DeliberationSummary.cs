using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Deliberations;

/// <summary>
/// What a consultation's online deliberation found, for the consultation report (.docx): the question, counts, the
/// opinion groups with what sets each apart, consensus and divisive statements (texts, Chinese). From the latest stored
/// map (<see cref="DeliberationMapSnapshot"/>); groups and statement lists are empty until a map has been computed.
/// </summary>
/// <param name="Question">The deliberation's question.</param>
/// <param name="Participants">People who took part (voted or wrote a statement).</param>
/// <param name="Statements">Accepted statements.</param>
/// <param name="Votes">Votes (latest per participant and statement).</param>
/// <param name="Groups">Opinion groups: name (第1组 …), size, and what sets each apart, e.g.
/// <c>文本（本组同意 80%，其他组同意 15%）</c>.</param>
/// <param name="ConsensusAgree">Statements all groups agree with.</param>
/// <param name="ConsensusDisagree">Statements all groups disagree with.</param>
/// <param name="Divisive">Statements the groups disagree about most.</param>
/// <param name="DeliberationId">The deliberation's id (links to its pages).</param>
/// <param name="Bridging">The accepted statements most widely shared across groups (highest group-informed consensus,
/// at most <see cref="MaxBridging"/>, only those that more than half of the voters on them agree with): id, text, score
/// (0–1), overall % agree — the candidates for the consultation's recommendations.</param>
public sealed record DeliberationSummary(
    string Question, int Participants, int Statements, int Votes,
    IReadOnlyList<(string Name, int Size, IReadOnlyList<string> Distinct)> Groups,
    IReadOnlyList<string> ConsensusAgree, IReadOnlyList<string> ConsensusDisagree, IReadOnlyList<string> Divisive,
    int DeliberationId, IReadOnlyList<BridgingStatement> Bridging)
{
    /// <summary>Most statements in <see cref="Bridging"/>.</summary>
    public const int MaxBridging = 5;

    /// <summary>The summary of consultation <paramref name="consultationId"/>'s deliberation; null when it has none.</summary>
    public static async Task<DeliberationSummary?> ForConsultationAsync(AppDbContext db, int consultationId, CancellationToken ct)
    {
        var d = await db.Deliberations.AsNoTracking().Where(x => x.ConsultationId == consultationId)
            .Select(x => new { x.Id, x.Question }).FirstOrDefaultAsync(ct);
        if (d is null) return null;
        var participants = await db.DeliberationParticipants.CountAsync(p => p.DeliberationId == d.Id
            && (db.DeliberationVotes.Any(v => v.ParticipantId == p.Id) || db.DeliberationStatements.Any(s => s.AuthorParticipantId == p.Id)), ct);
        var statements = await db.DeliberationStatements.CountAsync(s => s.DeliberationId == d.Id && s.Status == StatementStatus.Accepted, ct);
        var votes = await db.DeliberationVotes.CountAsync(v => v.DeliberationId == d.Id, ct);
        var json = await db.DeliberationMaps.AsNoTracking().Where(m => m.DeliberationId == d.Id).Select(m => m.Data).FirstOrDefaultAsync(ct);
        var map = DeliberationMapData.ReadData(json);
        if (map is null) return new DeliberationSummary(d.Question, participants, statements, votes, [], [], [], [], d.Id, []);

        var texts = await db.DeliberationStatements.AsNoTracking().Where(s => s.DeliberationId == d.Id)
            .Select(s => new { s.Id, s.Text }).ToDictionaryAsync(s => s.Id, s => s.Text, ct);
        string Text(int id) => texts.GetValueOrDefault(id, "");
        var groups = map.Groups.Select(g => (DeliberationMapData.GroupName(g.Id), g.Size,
            (IReadOnlyList<string>)g.Distinct.Select(x => $"{Text(x.StatementId)}（本组同意 {x.AgreeInPercent}%，其他组同意 {x.AgreeOutPercent}%）").ToList())).ToList();
        return new DeliberationSummary(d.Question, participants, statements, votes, groups,
            map.ConsensusAgree.Select(c => Text(c.StatementId)).ToList(),
            map.ConsensusDisagree.Select(c => Text(c.StatementId)).ToList(),
            map.Divisive.Select(c => Text(c.StatementId)).ToList(),
            d.Id,
            map.Ranked.Where(r => r.AgreePercent > 50).Take(MaxBridging)
                .Select(r => new BridgingStatement(r.StatementId, Text(r.StatementId), r.Score, r.AgreePercent)).ToList());
    }
}

/// <summary>A statement shared across opinion groups: id, text, group-informed consensus (0–1), overall % agree.</summary>
public sealed record BridgingStatement(int StatementId, string Text, double Score, int AgreePercent);

using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Features.Opinions;
using Xieshang.Web.Infrastructure;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Outcomes;

/// <summary>A leader instruction: level code (<c>county|city|province|national</c>) and Chinese name, China day.</summary>
public sealed record InstructionDto(int Id, string LeaderName, string Level, string LevelName, string Text, DateOnly On);

/// <summary>A milestone; <c>overdue</c> when not done and past its due day.</summary>
public sealed record MilestoneDto(int Id, string Title, DateOnly? DueOn, DateOnly? DoneOn, string Note, bool Overdue);

/// <summary>An evidence file; <c>Url</c> downloads it (<c>/api/outcomes/{id}/files/{fileId}</c>, same scope as the outcome).</summary>
public sealed record OutcomeFileDto(int Id, string FileName, long Size, int? ProgressId, string UploadedBy, DateTimeOffset UploadedAt, string Url);

/// <summary>A progress report: percent reached, note, China day of the step, who reported and when, its files.</summary>
public sealed record ProgressDto(int Id, int Percent, string Note, DateOnly On, string ByName, DateTimeOffset At, IReadOnlyList<OutcomeFileDto> Files);

/// <summary>An adoption or instruction recorded on a public-opinion item (shown on its outcome; recorded on the item, never twice).</summary>
public sealed record OpinionRecordDto(string Kind, string LevelName, string Text, DateOnly On);

/// <summary>
/// One row of <c>GET /api/outcomes</c>: kind code and name, source type code, id and page link, adoption code and name,
/// <c>Status</c> one of <see cref="OutcomeCodes.Statuses"/> (<c>pending</c>, <c>not-adopted</c>, <c>implementing</c>,
/// <c>stalled</c>, <c>implemented</c>), percent 0–100, responsible department name (empty when none).
/// </summary>
public sealed record OutcomeListItem(int Id, string Kind, string KindName, string Title, string CommitteeCode, string CommitteeName,
    string SourceType, int SourceId, string SourceUrl, string Adoption, string AdoptionName, string Status, string StatusName,
    DateOnly? SubmittedOn, DateOnly? AdoptedOn, int Percent, DateOnly? ImplementedOn, DateTimeOffset? LastProgressAt, string ResponsibleUnit);

/// <summary>
/// <c>GET /api/outcomes/{id}</c>: the outcome with its instructions, milestones, progress reports, evidence files, the
/// public-opinion item's own adoption and instruction records (kind <c>opinion</c>), the chain around it, and what the
/// viewer may do (<c>CanManage</c>: adoption, instructions, milestones, feedback; <c>CanReport</c>: progress).
/// </summary>
public sealed record OutcomeDetail(OutcomeListItem Summary, string Text, string AdoptingBody, string AdoptionNote, string Evidence, string Feedback, DateOnly? FeedbackOn,
    IReadOnlyList<int> MemberIds, IReadOnlyList<string> MemberNames, int? ResponsibleUnitId, IReadOnlyList<InstructionDto> Instructions, IReadOnlyList<MilestoneDto> Milestones,
    IReadOnlyList<ProgressDto> Progress, IReadOnlyList<OutcomeFileDto> Files, IReadOnlyList<OpinionRecordDto> OpinionRecords, ChainDto Chain, bool CanManage, bool CanReport);

/// <summary>Instructions, milestones, progress, files and member names of a set of outcomes, by outcome id (empty lists for none).</summary>
public sealed class OutcomeParts
{
    internal ILookup<int, InstructionDto> InstructionsBy { get; init; } = Array.Empty<InstructionDto>().ToLookup(_ => 0);
    internal ILookup<int, MilestoneDto> MilestonesBy { get; init; } = Array.Empty<MilestoneDto>().ToLookup(_ => 0);
    internal ILookup<int, ProgressDto> ProgressBy { get; init; } = Array.Empty<ProgressDto>().ToLookup(_ => 0);
    internal ILookup<int, OutcomeFileDto> FilesBy { get; init; } = Array.Empty<OutcomeFileDto>().ToLookup(_ => 0);
    /// <summary>Names of the credited members, by member id.</summary>
    public IReadOnlyDictionary<int, string> MemberNames { get; init; } = new Dictionary<int, string>();
    /// <summary>Instructions by outcome id, by day.</summary>
    public Parts<InstructionDto> Instructions => new(InstructionsBy);
    /// <summary>Milestones by outcome id, by due day.</summary>
    public Parts<MilestoneDto> Milestones => new(MilestonesBy);
    /// <summary>Progress reports by outcome id, newest first.</summary>
    public Parts<ProgressDto> Progress => new(ProgressBy);
    /// <summary>Evidence files by outcome id.</summary>
    public Parts<OutcomeFileDto> Files => new(FilesBy);

    /// <summary>Read-only lists by outcome id.</summary>
    public readonly struct Parts<T>(ILookup<int, T> lookup)
    {
        /// <summary>The items of outcome <paramref name="outcomeId"/> (empty when none).</summary>
        public IReadOnlyList<T> this[int outcomeId] => lookup[outcomeId].ToList();
    }
}

/// <summary>Read models of outcomes: list rows, the detail, the parts shared with the consultation pages, the status rules.</summary>
public static class OutcomeQueries
{
    /// <summary>Adopted or partly adopted and not implemented.</summary>
    public static readonly Expression<Func<Outcome, bool>> Implementing = o =>
        (o.Adoption == AdoptionStatus.Adopted || o.Adoption == AdoptionStatus.PartlyAdopted) && o.ImplementedOn == null;

    /// <summary>Implementing with no progress report or adoption change since <paramref name="cutoff"/> (creation when there was none).</summary>
    public static Expression<Func<Outcome, bool>> StalledSince(DateTimeOffset cutoff) => o =>
        (o.Adoption == AdoptionStatus.Adopted || o.Adoption == AdoptionStatus.PartlyAdopted) && o.ImplementedOn == null
        && (o.LastProgressAt ?? o.CreatedAt) < cutoff;

    /// <summary>The instant before which an implementing outcome without progress is stalled.</summary>
    public static DateTimeOffset StalledCutoff(TimeProvider clock, OutcomeOptions options) => clock.GetUtcNow().AddDays(-options.StalledDays);

    /// <summary>Filters by a <see cref="OutcomeCodes.Statuses"/> code; null when the code is unknown.</summary>
    public static IQueryable<Outcome>? WithStatus(this IQueryable<Outcome> q, string status, DateTimeOffset stalledCutoff) => status.Trim().ToLowerInvariant() switch
    {
        "pending" => q.Where(o => o.Adoption == AdoptionStatus.Pending),
        "adopted" => q.Where(o => o.Adoption == AdoptionStatus.Adopted),
        "partly" => q.Where(o => o.Adoption == AdoptionStatus.PartlyAdopted),
        "not-adopted" => q.Where(o => o.Adoption == AdoptionStatus.NotAdopted),
        "implementing" => q.Where(Implementing),
        "implemented" => q.Where(o => o.ImplementedOn != null),
        "stalled" => q.Where(StalledSince(stalledCutoff)),
        _ => null,
    };

    /// <summary>The one status code of an outcome (<c>pending</c>, <c>not-adopted</c>, <c>implemented</c>, <c>stalled</c> or <c>implementing</c>).</summary>
    public static string StatusOf(Outcome o, DateTimeOffset stalledCutoff) =>
        o.Adoption == AdoptionStatus.Pending ? "pending"
        : o.Adoption == AdoptionStatus.NotAdopted ? "not-adopted"
        : o.ImplementedOn is not null ? "implemented"
        : (o.LastProgressAt ?? o.CreatedAt) < stalledCutoff ? "stalled" : "implementing";

    /// <summary>Chinese name of a status code.</summary>
    public static string StatusName(string code) => OutcomeCodes.Statuses.First(s => s.Code == code).Name;

    /// <summary>The page of an outcome's source (or the outcome itself when the source has no page).</summary>
    public static string SourceUrl(Outcome o) => OutcomeChain.Link(o.SourceType, o.SourceId);

    /// <summary>List rows for <paramref name="list"/> (committee and unit names looked up once).</summary>
    public static async Task<List<OutcomeListItem>> ListAsync(AppDbContext db, IReadOnlyList<Outcome> list, DateTimeOffset stalledCutoff, CancellationToken ct)
    {
        var committeeIds = list.Select(o => o.CommitteeId).Distinct().ToList();
        var committees = await db.Committees.Where(c => committeeIds.Contains(c.Id)).Select(c => new { c.Id, c.Code, c.Name }).ToDictionaryAsync(c => c.Id, ct);
        var unitIds = list.Where(o => o.ResponsibleUnitId != null).Select(o => o.ResponsibleUnitId!.Value).Distinct().ToList();
        var units = await db.HandlingUnits.Where(u => unitIds.Contains(u.Id)).Select(u => new { u.Id, u.Name }).ToDictionaryAsync(u => u.Id, u => u.Name, ct);
        return list.Select(o =>
        {
            var status = StatusOf(o, stalledCutoff);
            var c = committees.GetValueOrDefault(o.CommitteeId);
            return new OutcomeListItem(o.Id, OutcomeCodes.KindCode(o.Kind), OutcomeCodes.KindName(o.Kind), o.Title, c?.Code ?? "", c?.Name ?? "",
                OutcomeCodes.TypeCode(o.SourceType), o.SourceId, SourceUrl(o), OutcomeCodes.AdoptionCode(o.Adoption), OutcomeCodes.AdoptionName(o.Adoption),
                status, StatusName(status), o.SubmittedOn, o.AdoptedOn, o.Percent, o.ImplementedOn, o.LastProgressAt,
                o.ResponsibleUnitId is { } u ? units.GetValueOrDefault(u, "") : "");
        }).ToList();
    }

    /// <summary>Instructions, milestones, progress reports, files and member names of <paramref name="outcomes"/>.</summary>
    public static async Task<OutcomeParts> PartsAsync(AppDbContext db, IReadOnlyList<Outcome> outcomes, TimeProvider clock, CancellationToken ct)
    {
        var ids = outcomes.Select(o => o.Id).ToList();
        var today = ChinaTime.DayOf(clock.GetUtcNow());
        var instructions = await db.OutcomeInstructions.AsNoTracking().Where(i => ids.Contains(i.OutcomeId)).OrderBy(i => i.On).ThenBy(i => i.Id).ToListAsync(ct);
        var milestones = await db.OutcomeMilestones.AsNoTracking().Where(m => ids.Contains(m.OutcomeId)).OrderBy(m => m.DueOn).ThenBy(m => m.Id).ToListAsync(ct);
        var progress = await db.OutcomeProgress.AsNoTracking().Where(p => ids.Contains(p.OutcomeId)).OrderByDescending(p => p.At).ThenByDescending(p => p.Id).ToListAsync(ct);
        var files = (await db.OutcomeFiles.AsNoTracking().Where(f => ids.Contains(f.OutcomeId)).OrderBy(f => f.Id)
                .Select(f => new { f.Id, f.OutcomeId, f.FileName, f.Size, f.ProgressId, f.UploadedBy, f.UploadedAt }).ToListAsync(ct))
            .Select(f => (f.OutcomeId, Dto: new OutcomeFileDto(f.Id, f.FileName, f.Size, f.ProgressId, f.UploadedBy, f.UploadedAt, $"/api/outcomes/{f.OutcomeId}/files/{f.Id}"))).ToList();
        var memberIds = outcomes.SelectMany(o => o.MemberIds).Distinct().ToList();
        var names = await db.Members.Where(m => memberIds.Contains(m.Id)).Select(m => new { m.Id, m.Name }).ToDictionaryAsync(m => m.Id, m => m.Name, ct);
        return new OutcomeParts
        {
            InstructionsBy = instructions.ToLookup(i => i.OutcomeId, i => new InstructionDto(i.Id, i.LeaderName, OpinionWorkflow.LevelCode(i.Level), OpinionWorkflow.LevelName(i.Level), i.Text, i.On)),
            MilestonesBy = milestones.ToLookup(m => m.OutcomeId, m => new MilestoneDto(m.Id, m.Title, m.DueOn, m.DoneOn, m.Note, m.DoneOn is null && m.DueOn < today)),
            ProgressBy = progress.ToLookup(p => p.OutcomeId, p => new ProgressDto(p.Id, p.Percent, p.Note, p.On, p.ByName, p.At,
                files.Where(f => f.Dto.ProgressId == p.Id).Select(f => f.Dto).ToList())),
            FilesBy = files.ToLookup(f => f.OutcomeId, f => f.Dto),
            MemberNames = names,
        };
    }

    /// <summary>The detail of <paramref name="o"/> for <paramref name="user"/> (who may read it: <see cref="OutcomeAccess.CanReadAsync"/>).</summary>
    public static async Task<OutcomeDetail> DetailAsync(AppDbContext db, Outcome o, CurrentUser user, IEnumerable<IWorkItemResolver> resolvers, TimeProvider clock, OutcomeOptions options, CancellationToken ct)
    {
        var row = (await ListAsync(db, [o], StalledCutoff(clock, options), ct))[0];
        var parts = await PartsAsync(db, [o], clock, ct);
        var opinion = o.Kind == OutcomeKind.OpinionItem && o.SourceType == WorkItemType.OpinionItem
            ? (await db.OpinionOutcomes.AsNoTracking().Where(x => x.OpinionItemId == o.SourceId).OrderBy(x => x.On).ThenBy(x => x.Id)
                .Select(x => new { x.Kind, x.Level, x.LeaderName, x.Text, x.On, Committee = x.Committee != null ? x.Committee.Name : "" }).ToListAsync(ct))
                .Select(x => x.Kind == OpinionOutcomeKind.Adoption
                    ? new OpinionRecordDto("adoption", OpinionWorkflow.LevelName(x.Level), $"{x.Committee}采用{(x.Text.Length > 0 ? "：" + x.Text : "")}", x.On)
                    : new OpinionRecordDto("instruction", OpinionWorkflow.LevelName(x.Level), $"{x.LeaderName}批示：{x.Text}", x.On)).ToList()
            : [];
        var chain = await OutcomeChain.BuildAsync(db, user, resolvers, WorkItemType.Outcome, o.Id, ct);
        return new OutcomeDetail(row, o.Text, o.AdoptingBody, o.AdoptionNote, o.Evidence, o.Feedback, o.FeedbackOn, o.MemberIds,
            o.MemberIds.Select(m => parts.MemberNames.GetValueOrDefault(m, "")).ToList(), o.ResponsibleUnitId,
            parts.Instructions[o.Id], parts.Milestones[o.Id], parts.Progress[o.Id], parts.Files[o.Id], opinion, chain,
            OutcomeAccess.CanManage(user, o), OutcomeAccess.CanReport(user, o));
    }
}

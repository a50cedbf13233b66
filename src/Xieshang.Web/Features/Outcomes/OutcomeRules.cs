using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Features.Activities;
using Xieshang.Web.Features.Duty;
using Xieshang.Web.Features.Opinions;
using Xieshang.Web.Infrastructure;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;
using Xieshang.Web.Infrastructure.Notifications;

namespace Xieshang.Web.Features.Outcomes;

/// <summary>A rule refusal: HTTP status (400, 403, 404, 409) and a Chinese message; <see cref="Field"/> names the input at fault.</summary>
public sealed record OutcomeError(int Status, string Message, string Field = "");

/// <summary>Body of recording adoption: status code (<c>pending|adopted|partly|not-adopted</c>), adopting body, China day, note.</summary>
public sealed record OutcomeAdoptionInput(string? Status, string? Body, DateOnly? On, string? Note);

/// <summary>Body of a leader instruction: leader, level code (<c>county|city|province|national</c>), text, China day.</summary>
public sealed record OutcomeInstructionInput(string? LeaderName, string? Level, string? Text, DateOnly? On);

/// <summary>Body of a milestone: title, due day, done day, note.</summary>
public sealed record OutcomeMilestoneInput(string? Title, DateOnly? DueOn, DateOnly? DoneOn, string? Note);

/// <summary>
/// Body of a progress report: percent reached (0–100), what was done (<c>note</c>, required when the percent goes down),
/// the China day of the step (default today), and optionally the evidence summary (落实情况) that replaces the outcome's.
/// </summary>
public sealed record OutcomeProgressInput(int? Percent, string? Note, DateOnly? On, string? Evidence = null);

/// <summary>Body of feedback (what was done, told back to the members or participants).</summary>
public sealed record OutcomeFeedbackInput(string? Text, DateOnly? On);

/// <summary>
/// The rules of outcomes (成果转化, DOMAIN.md §4.8) in one place, for every kind of outcome: adoption, leader instructions
/// (with the credited members' duty records through <see cref="DutyLedger"/>), milestones, progress reports with evidence
/// files, feedback. Consultation-specific conditions (its step) stay in the consultation rules, which call these. Who
/// may act is <see cref="OutcomeAccess"/>. Each method saves on success; a refusal changes nothing.
/// </summary>
public static class OutcomeRules
{
    /// <summary>Duty-record source of leader instructions on outcomes that do not come from a consultation (source id: the outcome).</summary>
    public const string DutySource = "outcome";

    /// <summary>Duty-record source of leader instructions on a consultation's outcomes (source id: the consultation), as before the port.</summary>
    public const string ConsultationDutySource = "consultation";

    private static string? DayProblem(DateOnly? day, TimeProvider clock, string what) =>
        day is null ? $"请填写{what}日期。" : day > ChinaTime.DayOf(clock.GetUtcNow()) ? $"{what}日期不能晚于今天。" : day.Value.Year < 2000 ? $"{what}日期无效。" : null;

    /// <summary>Records the adoption: status, adopting body (required for adopted / partly adopted), day (required unless pending).</summary>
    public static async Task<OutcomeError?> SetAdoptionAsync(AppDbContext db, Outcome o, OutcomeAdoptionInput input, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        if (!OutcomeAccess.CanManage(user, o)) return new(403, "您无权记录这项成果的采纳情况。");
        if (OutcomeCodes.ParseAdoption(input.Status) is not { } status) return new(400, "采纳情况应为 pending（待采纳）、adopted（已采纳）、partly（部分采纳）或 not-adopted（未采纳）。", "status");
        var body = input.Body?.Trim() ?? "";
        if (OutcomeCodes.IsAdopted(status) && body.Length == 0) return new(400, "请填写采纳单位。", "body");
        if (body.Length > 100) return new(400, "采纳单位不能超过 100 个字。", "body");
        if (status != AdoptionStatus.Pending && DayProblem(input.On, clock, "采纳") is { } why) return new(400, why, "on");
        if (status != AdoptionStatus.Pending && o.SubmittedOn is { } sub && input.On < sub) return new(400, $"采纳日期不能早于报送日期（{sub:yyyy-MM-dd}）。", "on");
        var note = input.Note?.Trim() ?? "";
        if (note.Length > 1000) return new(400, "说明不能超过 1000 个字。", "note");
        var now = clock.GetUtcNow();
        o.Adoption = status;
        o.AdoptingBody = body;
        o.AdoptedOn = status == AdoptionStatus.Pending ? null : input.On;
        o.AdoptionNote = note;
        o.SubmittedOn ??= ChinaTime.DayOf(o.CreatedAt == default ? now : o.CreatedAt);
        o.LastProgressAt = now;
        o.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>
    /// Records a leader's instruction and rewrites the duty records of the credited members (<c>instruction</c>, or
    /// <c>instruction.upper</c> for province level and above). An adopted public-opinion item's instructions are recorded on
    /// the item (<see cref="OpinionRules.AddInstructionAsync"/>) with their duty records, never twice: 409 here.
    /// </summary>
    public static async Task<OutcomeError?> AddInstructionAsync(AppDbContext db, Outcome o, OutcomeInstructionInput input, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        if (!OutcomeAccess.CanManage(user, o)) return new(403, "您无权记录这项成果的领导批示。");
        if (o.Kind == OutcomeKind.OpinionItem) return new(409, "社情民意信息的领导批示请在该信息页面记录（批示和履职记录只记一次）。");
        var leader = input.LeaderName?.Trim() ?? "";
        if (leader.Length == 0) return new(400, "请填写批示领导。", "leaderName");
        if (leader.Length > 64) return new(400, "批示领导不能超过 64 个字。", "leaderName");
        if (OpinionWorkflow.ParseLevel(input.Level) is not { } level) return new(400, "领导级别应为 county（县级）、city（市级）、province（省级）或 national（全国）。", "level");
        var text = input.Text?.Trim() ?? "";
        if (text.Length == 0) return new(400, "请填写批示内容。", "text");
        if (text.Length > 2000) return new(400, "批示内容不能超过 2000 个字。", "text");
        if (DayProblem(input.On, clock, "批示") is { } why) return new(400, why, "on");
        db.OutcomeInstructions.Add(new OutcomeInstruction { OutcomeId = o.Id, LeaderName = leader, Level = level, Text = text, On = input.On!.Value, RecordedBy = user.UserName });
        o.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        await WriteDutyAsync(db, o, clock, ct);
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>Adds a milestone, or (with <paramref name="milestoneId"/>) updates one, of an adopted outcome.</summary>
    public static async Task<OutcomeError?> SaveMilestoneAsync(AppDbContext db, Outcome o, int? milestoneId, OutcomeMilestoneInput input, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        if (!OutcomeAccess.CanManage(user, o)) return new(403, "您无权安排这项成果的落实节点。");
        if (!OutcomeCodes.IsAdopted(o.Adoption)) return new(409, "成果被采纳后才能安排落实节点。");
        var title = input.Title?.Trim() ?? "";
        if (title.Length == 0) return new(400, "请填写节点内容。", "title");
        if (title.Length > 200) return new(400, "节点内容不能超过 200 个字。", "title");
        if (input.DueOn is { Year: < 2000 }) return new(400, "计划完成日期无效。", "dueOn");
        if (input.DoneOn is not null && DayProblem(input.DoneOn, clock, "完成") is { } why) return new(400, why, "doneOn");
        var note = input.Note?.Trim() ?? "";
        if (note.Length > 1000) return new(400, "说明不能超过 1000 个字。", "note");
        var m = milestoneId is { } mid ? await db.OutcomeMilestones.FirstOrDefaultAsync(x => x.Id == mid && x.OutcomeId == o.Id, ct) : new OutcomeMilestone { OutcomeId = o.Id };
        if (m is null) return new(404, "没有这个落实节点。");
        if (m.Id == 0) db.OutcomeMilestones.Add(m);
        m.Title = title;
        m.DueOn = input.DueOn;
        m.DoneOn = input.DoneOn;
        m.Note = note;
        o.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>
    /// Reports progress (<c>POST /api/outcomes/{id}/progress</c>) on an adopted outcome, by staff in scope or the responsible
    /// department's account: one <see cref="OutcomeProgress"/> row with its evidence files. Percent 0–100; it never goes down
    /// without a note saying why; 100 sets <see cref="Outcome.ImplementedOn"/> to the reported day, less clears it. Files as
    /// for activity materials (office documents, PDF, images, text; at most 20 MB each). All or nothing.
    /// </summary>
    public static async Task<(OutcomeProgress? Progress, OutcomeError? Error)> ReportProgressAsync(AppDbContext db, Outcome o, OutcomeProgressInput input,
        IReadOnlyList<IFormFile> files, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        if (!OutcomeAccess.CanReport(user, o)) return (null, new(403, "您无权报告这项成果的落实进展。"));
        if (!OutcomeCodes.IsAdopted(o.Adoption)) return (null, new(409, "成果被采纳后才能报告落实进展。"));
        if (input.Percent is not (>= 0 and <= 100)) return (null, new(400, "落实进度应为 0 到 100 之间的整数。", "percent"));
        var note = input.Note?.Trim() ?? "";
        if (note.Length > 2000) return (null, new(400, "进展说明不能超过 2000 个字。", "note"));
        if (input.Percent < o.Percent && note.Length == 0) return (null, new(400, $"进度低于上次报告的 {o.Percent}%，请在说明中写明原因。", "note"));
        var today = ChinaTime.DayOf(clock.GetUtcNow());
        var on = input.On ?? today;
        if (DayProblem(on, clock, "进展") is { } why) return (null, new(400, why, "on"));
        if (o.AdoptedOn is { } adopted && on < adopted) return (null, new(400, $"进展日期不能早于采纳日期（{adopted:yyyy-MM-dd}）。", "on"));
        var evidence = input.Evidence?.Trim() ?? o.Evidence;
        if (evidence.Length > 4000) return (null, new(400, "落实情况不能超过 4000 个字。", "evidence"));
        if (files.Count > 10) return (null, new(400, "一次最多上传 10 个佐证文件。", "files"));
        var read = new List<ActivityMaterial>();
        foreach (var f in files)
        {
            var (material, error) = await ActivitiesApi.ReadMaterialAsync(0, f, user, clock, ct);
            if (error is not null) return (null, new(400, error, "files"));
            read.Add(material!);
        }
        var now = clock.GetUtcNow();
        var p = new OutcomeProgress
        {
            OutcomeId = o.Id, Percent = input.Percent.Value, Note = note, On = on, ByUserId = user.UserId,
            ByName = Notifier.Cut(user.DisplayName.Length > 0 ? user.DisplayName : user.UserName, 100), At = now,
        };
        db.OutcomeProgress.Add(p);
        foreach (var m in read) db.OutcomeFiles.Add(FileOf(o, m, user, p));
        o.Percent = p.Percent;
        o.Evidence = evidence;
        o.ImplementedOn = o.Percent == 100 ? o.ImplementedOn ?? on : null;
        o.LastProgressAt = now;
        o.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        return (p, null);
    }

    /// <summary>Adds one evidence file without a progress report (staff in scope or the responsible department), validated as in <see cref="ReportProgressAsync"/>.</summary>
    public static async Task<(OutcomeFile? File, OutcomeError? Error)> AddFileAsync(AppDbContext db, Outcome o, IFormFile? upload, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        if (!OutcomeAccess.CanReport(user, o)) return (null, new(403, "您无权上传这项成果的佐证材料。"));
        var (material, error) = await ActivitiesApi.ReadMaterialAsync(0, upload, user, clock, ct);
        if (error is not null) return (null, new(400, error, "file"));
        var f = FileOf(o, material!, user, null);
        db.OutcomeFiles.Add(f);
        await db.SaveChangesAsync(ct);
        return (f, null);
    }

    private static OutcomeFile FileOf(Outcome o, ActivityMaterial m, CurrentUser user, OutcomeProgress? p) => new()
    {
        OutcomeId = o.Id, FileName = m.FileName, ContentType = m.ContentType, Content = m.Content, Size = m.Size,
        UploadedBy = user.UserName, UploadedAt = m.UploadedAt, Progress = p,
    };

    /// <summary>Records feedback (what was done, told back to the members or participants).</summary>
    public static async Task<OutcomeError?> SetFeedbackAsync(AppDbContext db, Outcome o, OutcomeFeedbackInput input, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        if (!OutcomeAccess.CanManage(user, o)) return new(403, "您无权填写这项成果的反馈。");
        var text = input.Text?.Trim() ?? "";
        if (text.Length == 0) return new(400, "请填写反馈内容。", "text");
        if (text.Length > 2000) return new(400, "反馈不能超过 2000 个字。", "text");
        if (DayProblem(input.On, clock, "反馈") is { } why) return new(400, why, "on");
        o.Feedback = text;
        o.FeedbackOn = input.On;
        o.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>
    /// Rewrites the duty records earned by leader instructions (DOMAIN.md §4.2): each credited member of an outcome with an
    /// instruction earns <c>instruction</c> (county or city leader) or <c>instruction.upper</c> (province level or above),
    /// counted once per instruction. A consultation's outcomes share one ledger entry set (source
    /// <see cref="ConsultationDutySource"/>, id the consultation); every other outcome has its own (source
    /// <see cref="DutySource"/>, id the outcome). Public-opinion items keep theirs on the item. The caller saves.
    /// </summary>
    public static async Task WriteDutyAsync(AppDbContext db, Outcome o, TimeProvider clock, CancellationToken ct)
    {
        if (o.Kind == OutcomeKind.OpinionItem) return;
        var byConsultation = o.SourceType == WorkItemType.Consultation;
        var group = byConsultation
            ? await db.Outcomes.AsNoTracking().Where(x => x.SourceType == WorkItemType.Consultation && x.SourceId == o.SourceId).ToListAsync(ct)
            : [o];
        var ids = group.Select(x => x.Id).ToList();
        var instructions = await db.OutcomeInstructions.AsNoTracking().Where(i => ids.Contains(i.OutcomeId)).ToListAsync(ct);
        var (source, sourceId) = byConsultation ? (ConsultationDutySource, o.SourceId) : (DutySource, o.Id);
        var title = byConsultation ? await db.Consultations.Where(c => c.Id == o.SourceId).Select(c => c.Title).FirstOrDefaultAsync(ct) ?? o.Title : o.Title;
        var link = byConsultation ? $"/consultations/{o.SourceId}" : $"/outcomes/{o.Id}";
        var events = instructions
            .SelectMany(i => group.First(x => x.Id == i.OutcomeId).MemberIds.Select(m => (Member: m, Code: i.Level is OpinionLevel.Province or OpinionLevel.National ? "instruction.upper" : "instruction", i)))
            .GroupBy(x => (x.Member, x.Code))
            .Select(g =>
            {
                var first = g.OrderBy(x => x.i.On).First().i;
                var what = byConsultation ? "协商建议" : OutcomeCodes.KindName(o.Kind);
                return new DutyEvent(g.Key.Member, g.Key.Code, source, sourceId, $"{what}获{OpinionWorkflow.LevelName(first.Level)}领导批示：{title}",
                    link, ChinaTime.StartOf(first.On), g.Count());
            }).ToList();
        await DutyLedger.ReplaceAsync(db, source, sourceId, events, clock, ct);
    }
}

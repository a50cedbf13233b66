using Xieshang.Web.Features.Outcomes;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Features.Activities;
using Xieshang.Web.Features.Duty;
using Xieshang.Web.Features.Opinions;
using Xieshang.Web.Features.Proposals;
using Xieshang.Web.Infrastructure;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;
using Xieshang.Web.Infrastructure.Text;

namespace Xieshang.Web.Features.Consultations;

/// <summary>A rule refusal: HTTP status (400, 403, 404, 409, 410) and a Chinese message; <see cref="Field"/> names the input at fault.</summary>
public sealed record ConsultationError(int Status, string Message, string Field = "");

/// <summary>Body of creating or editing a consultation. <c>type</c> is a <see cref="ConsultationTypes"/> code; <c>unit</c> a handling-unit code (对口部门).</summary>
public sealed record ConsultationInput(string? Committee, string? Title, string? Type, string? Summary, int? PlanTopicId, string? Unit,
    int? NoticeDays, int? MaterialsDays, int? MinutesDays);

/// <summary>Body of scheduling the meeting: times (instants), place, invitees (as for an activity).</summary>
public sealed record MeetingInput(DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, string? Place, InviteesInput? Invitees);

/// <summary>Body of saving minutes (HTML, sanitised), the consensus found and the divergences (plain text).</summary>
public sealed record MinutesInput(string? Minutes, string? Consensus, string? Divergences);

/// <summary>Body of adding a non-member participant (by staff or through a link). <c>category</c>: a <see cref="ConsultationWorkflow.ParticipantCategories"/> code.</summary>
public sealed record ParticipantInput(string? Name, string? Organization, string? Role, string? Category, string? Phone);

/// <summary>Body of creating an invitation link.</summary>
public sealed record LinkInput(string? Label, int? MaxRegistrations);

/// <summary>Body of a plan topic: title, reason, suggester kind code and which one (a party's code such as <c>CDL</c>; the id of a special committee, sector or lower committee).</summary>
public sealed record TopicInput(string? Title, string? Reason, string? SuggesterKind, string? Suggester);

/// <summary>Body of a topic action: a reason (reject), or month/date/type/lead special committee (schedule).</summary>
public sealed record TopicActionInput(string? Reason, int? Month, DateOnly? On, string? Type, int? LeadSpecialCommitteeId);

/// <summary>Body of a recommendation: title, text, the members who put it forward.</summary>
public sealed record RecommendationInput(string? Title, string? Text, int[]? MemberIds);

/// <summary>
/// The rules of consultations (DOMAIN.md §4.5, §4.8) in one place: plans and topics, consultations and their steps,
/// the meeting as an activity (through <see cref="ActivityRules"/>), non-member participants and invitation links,
/// minutes, and recommendations: each is an <see cref="Outcome"/> (kind <see cref="OutcomeKind.Recommendation"/>, source
/// the consultation) whose adoption, instructions (and duty records), milestones, progress and feedback follow
/// <see cref="OutcomeRules"/>; this class adds only the consultation's own conditions (its step). The consensus becomes one
/// outcome of kind <see cref="OutcomeKind.ConsultationResult"/> once the minutes step is reached. Endpoints and pages only
/// translate the results. A refusal changes nothing.
/// </summary>
public static partial class ConsultationRules
{
    /// <summary>Duty-record source of consultations (leader instructions on recommendations), see <see cref="OutcomeRules.WriteDutyAsync"/>.</summary>
    public const string DutySource = OutcomeRules.ConsultationDutySource;

    // ───────────────────────── plans ─────────────────────────

    /// <summary>The plan of a committee for a year, created empty (draft) when missing. Staff of the committee only.</summary>
    public static async Task<(ConsultationPlan? Plan, ConsultationError? Error)> EnsurePlanAsync(AppDbContext db, string? committeeCode, int year, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var c = await db.Committees.FirstOrDefaultAsync(x => x.Code == (committeeCode ?? "").Trim(), ct);
        if (c is null) return (null, new(404, $"未找到代码为“{committeeCode}”的政协组织。", "committee"));
        if (!ConsultationAccess.CanManage(user, c.Path)) return (null, new(403, $"您无权编制“{c.Name}”的协商计划。"));
        var now = ChinaTime.YearOf(clock.GetUtcNow());
        if (year < 2000 || year > now + 2) return (null, new(400, $"年度应在 2000 年至 {now + 2} 年之间。", "year"));
        var plan = await db.ConsultationPlans.FirstOrDefaultAsync(p => p.CommitteeId == c.Id && p.Year == year, ct);
        if (plan is not null) return (plan, null);
        plan = new ConsultationPlan { CommitteeId = c.Id, CommitteePath = c.Path, Year = year, CreatedAt = clock.GetUtcNow() };
        db.ConsultationPlans.Add(plan);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Two staff created the same plan at once: the unique index kept one.
            db.ChangeTracker.Clear();
            plan = await db.ConsultationPlans.FirstAsync(p => p.CommitteeId == c.Id && p.Year == year, ct);
        }
        return (plan, null);
    }

    /// <summary>Publishes or withdraws a plan (publishing needs at least one scheduled topic).</summary>
    public static async Task<ConsultationError?> PlanActAsync(AppDbContext db, ConsultationPlan plan, string action, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var (edge, refusal) = ConsultationWorkflow.PlanGraph.Resolve(plan.Status, action, ConsultationAccess.Actors(user, plan.CommitteePath));
        if (refusal is not null) return new(refusal.Status, refusal.Message);
        if (action == "publish" && !await db.ConsultationPlanTopics.AnyAsync(t => t.PlanId == plan.Id && t.Status == PlanTopicStatus.Scheduled, ct))
            return new(409, "计划中还没有已安排时间的议题，不能发布。");
        plan.Status = edge!.To;
        plan.PublishedAt = plan.Status == PlanStatus.Published ? clock.GetUtcNow() : null;
        plan.PublishedBy = plan.Status == PlanStatus.Published ? user.UserName : "";
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>Adds a suggested topic to a plan: the suggester must exist (a party; a special committee or sector of the plan's committee; a committee below it).</summary>
    public static async Task<(ConsultationPlanTopic? Topic, ConsultationError? Error)> AddTopicAsync(AppDbContext db, ConsultationPlan plan, TopicInput input, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        if (!ConsultationAccess.CanManage(user, plan.CommitteePath)) return (null, new(403, "您无权修改这份协商计划。"));
        var title = input.Title?.Trim() ?? "";
        if (title.Length == 0) return (null, new(400, "请填写议题名称。", "title"));
        if (title.Length > 200) return (null, new(400, "议题名称不能超过 200 个字。", "title"));
        var reason = input.Reason?.Trim() ?? "";
        if (reason.Length > 2000) return (null, new(400, "议题说明不能超过 2000 个字。", "reason"));
        if (ConsultationWorkflow.ParseSuggester(input.SuggesterKind) is not { } kind)
            return (null, new(400, "请选择建议单位类别：party（民主党派、工商联）、special（专门委员会）、sector（界别）或 lower（下级政协）。", "suggesterKind"));
        var which = input.Suggester?.Trim() ?? "";
        var id = int.TryParse(which, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
        string? name = kind switch
        {
            SuggesterKind.Party => await db.Parties.Where(p => p.Code == which).Select(p => p.Name).FirstOrDefaultAsync(ct),
            SuggesterKind.SpecialCommittee => await db.SpecialCommittees.Where(s => s.Id == id && s.CommitteeId == plan.CommitteeId).Select(s => s.Name).FirstOrDefaultAsync(ct),
            SuggesterKind.Sector => await db.Sectors.Where(s => s.Id == id && s.CommitteeId == plan.CommitteeId).Select(s => s.Name).FirstOrDefaultAsync(ct),
            _ => await db.Committees.Where(c => c.Id == id && c.Path.StartsWith(plan.CommitteePath) && c.Path != plan.CommitteePath).Select(c => c.Name).FirstOrDefaultAsync(ct),
        };
        if (name is null) return (null, new(400, "未找到该建议单位（专门委员会、界别须属于本级政协，下级政协须在本级之下）。", "suggester"));
        var t = new ConsultationPlanTopic
        {
            PlanId = plan.Id, Title = title, Reason = reason, SuggesterKind = kind, SuggesterId = id, SuggesterName = name,
            Status = PlanTopicStatus.Suggested, CreatedBy = user.UserName, CreatedAt = clock.GetUtcNow(),
        };
        db.ConsultationPlanTopics.Add(t);
        await db.SaveChangesAsync(ct);
        return (t, null);
    }

    /// <summary>Reviews or schedules a topic: <c>approve</c>, <c>reject</c> (reason required), <c>schedule</c> (month 1–12 or a day in the plan's year, a type, optionally a lead special committee of the plan's committee), <c>reopen</c>.</summary>
    public static async Task<ConsultationError?> TopicActAsync(AppDbContext db, ConsultationPlanTopic topic, ConsultationPlan plan, string action, TopicActionInput input, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var (edge, refusal) = ConsultationWorkflow.TopicGraph.Resolve(topic.Status, action, ConsultationAccess.Actors(user, plan.CommitteePath));
        if (refusal is not null) return new(refusal.Status, refusal.Message);
        var reason = input.Reason?.Trim() ?? "";
        if (action == "reject")
        {
            if (reason.Length == 0) return new(400, "不予列入须写明理由。", "reason");
            if (reason.Length > 1000) return new(400, "理由不能超过 1000 个字。", "reason");
            topic.RejectReason = reason;
        }
        if (action == "reopen") topic.RejectReason = "";
        if (action == "schedule")
        {
            if (input.On is { } on && on.Year != plan.Year) return new(400, $"日期须在 {plan.Year} 年内。", "on");
            var month = input.On?.Month ?? input.Month;
            if (month is not (>= 1 and <= 12)) return new(400, "请填写计划月份（1–12）或日期。", "month");
            if (ConsultationTypes.Parse(input.Type) is not { } type)
                return new(400, $"请选择协商形式，应为：{string.Join("、", ConsultationTypes.All.Select(t => t.Code))}。", "type");
            if (input.LeadSpecialCommitteeId is { } lead && !await db.SpecialCommittees.AnyAsync(s => s.Id == lead && s.CommitteeId == plan.CommitteeId, ct))
                return new(400, "牵头专门委员会须属于本级政协。", "leadSpecialCommitteeId");
            topic.PlannedMonth = month;
            topic.PlannedOn = input.On;
            topic.Type = type;
            topic.LeadSpecialCommitteeId = input.LeadSpecialCommitteeId;
        }
        topic.Status = edge!.To;
        topic.ReviewedBy = user.UserName;
        topic.ReviewedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return null;
    }

    // ───────────────────────── consultations ─────────────────────────

    /// <summary>Validates <paramref name="input"/> onto <paramref name="c"/> (new: the committee too). Returns errors by field; nothing saved.</summary>
    public static async Task<Dictionary<string, string[]>> ApplyAsync(AppDbContext db, Consultation c, ConsultationInput input, CurrentUser user, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        void Fail(string field, string message) => errors[field] = [message];
        if (c.Id == 0)
        {
            var committee = await db.Committees.FirstOrDefaultAsync(x => x.Code == (input.Committee ?? "").Trim(), ct);
            if (committee is null) Fail("committee", string.IsNullOrWhiteSpace(input.Committee) ? "请选择政协组织。" : $"未找到代码为“{input.Committee}”的政协组织。");
            else if (!ConsultationAccess.CanManage(user, committee.Path)) Fail("committee", $"您无权以“{committee.Name}”的名义组织协商。");
            else { c.CommitteeId = committee.Id; c.CommitteePath = committee.Path; }
        }
        var title = input.Title?.Trim() ?? "";
        if (title.Length == 0) Fail("title", "请填写协商议题。");
        else if (title.Length > 200) Fail("title", "协商议题不能超过 200 个字。");
        var type = ConsultationTypes.Parse(input.Type);
        if (type is null) Fail("type", string.IsNullOrWhiteSpace(input.Type) ? "请选择协商形式。" : $"协商形式“{input.Type}”无效，应为：{string.Join("、", ConsultationTypes.All.Select(t => t.Code))}。");
        var summary = input.Summary?.Trim() ?? "";
        if (summary.Length > 4000) Fail("summary", "背景和目的不能超过 4000 个字。");
        foreach (var (field, value, name) in new[] { ("noticeDays", input.NoticeDays, "通知"), ("materialsDays", input.MaterialsDays, "材料"), ("minutesDays", input.MinutesDays, "纪要") })
            if (value is < 0 or > 60) Fail(field, $"{name}期限应在 0 到 60 个工作日之间。");
        if (input.PlanTopicId is { } tid && errors.Count == 0)
        {
            var ok = await db.ConsultationPlanTopics.AnyAsync(t => t.Id == tid && t.Plan!.CommitteeId == c.CommitteeId
                && (t.Status == PlanTopicStatus.Approved || t.Status == PlanTopicStatus.Scheduled), ct);
            if (!ok) Fail("planTopicId", "所选计划议题不存在、不属于本级政协的协商计划或尚未同意列入。");
        }
        int? unitId = null;
        if (input.Unit is { Length: > 0 } code && errors.Count == 0)
        {
            unitId = await db.HandlingUnits.Where(u => u.Code == code.Trim() && u.IsActive && c.CommitteePath.StartsWith(u.CommitteePath)).Select(u => (int?)u.Id).FirstOrDefaultAsync(ct);
            if (unitId is null) Fail("unit", $"未找到代码为“{code}”的对口部门（须为本级或上级的在用承办单位）。");
        }
        if (errors.Count > 0) return errors;
        c.Title = title;
        c.Type = type!.Value;
        c.Summary = summary;
        c.PlanTopicId = input.PlanTopicId;
        c.HandlingUnitId = unitId;
        c.NoticeDays = input.NoticeDays ?? c.NoticeDays;
        c.MaterialsDays = input.MaterialsDays ?? c.MaterialsDays;
        c.MinutesDays = input.MinutesDays ?? c.MinutesDays;
        return errors;
    }

    /// <summary>Creates or updates (<paramref name="c"/> tracked) a consultation and saves it; a new one starts at the topic step with a <c>create</c> event.</summary>
    public static async Task<Dictionary<string, string[]>> SaveAsync(AppDbContext db, Consultation c, ConsultationInput input, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        if (c.Id != 0 && !ConsultationAccess.CanManage(user, c.CommitteePath)) return new() { [""] = ["您无权修改这次协商。"] };
        if (c.Status == ConsultationStatus.Closed) return new() { [""] = ["协商已办结，不能修改。"] };
        var errors = await ApplyAsync(db, c, input, user, ct);
        if (errors.Count > 0) return errors;
        var now = clock.GetUtcNow();
        c.UpdatedAt = now;
        if (c.Id == 0)
        {
            c.CreatedAt = now;
            c.CreatedBy = user.UserName;
            c.Status = ConsultationStatus.Topic;
            db.Consultations.Add(c);
            await db.SaveChangesAsync(ct);
            db.ConsultationEvents.Add(Event(c, "create", c.Status, "", user, now));
        }
        if (c.Activity is { Status: ActivityStatus.Draft } a && a.Title != c.Title) a.Title = c.Title;
        await db.SaveChangesAsync(ct);
        return errors;
    }

    /// <summary>
    /// Schedules (or re-schedules) the meeting as an activity of type <see cref="ActivityType.Consultation"/>, organised by the
    /// consultation's committee, through <see cref="ActivityRules.SaveAsync"/> (so invitations, check-in, attendance and duty
    /// records work as for every activity). A published meeting changes its times by postponement on the activity page.
    /// </summary>
    public static async Task<Dictionary<string, string[]>> ScheduleMeetingAsync(AppDbContext db, Consultation c, MeetingInput input, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        if (!ConsultationAccess.CanManage(user, c.CommitteePath)) return new() { [""] = ["您无权安排这次协商的会议。"] };
        if (c.Status >= ConsultationStatus.Meeting) return new() { [""] = ["会议已召开，不能再修改会议安排。"] };
        var code = await db.Committees.Where(x => x.Id == c.CommitteeId).Select(x => x.Code).FirstAsync(ct);
        var activity = c.ActivityId is { } aid
            ? await db.Activities.Include(x => x.Organizers).Include(x => x.InviteeRules).AsSplitQuery().FirstAsync(x => x.Id == aid, ct)
            : new Activity { Status = ActivityStatus.Draft, CreatedBy = user.UserName, CreatedAt = clock.GetUtcNow() };
        var organizers = activity.Organizers.Count > 0
            ? await db.ActivityOrganizers.Where(o => o.ActivityId == activity.Id).OrderBy(o => o.SortOrder).Select(o => o.Committee!.Code).ToArrayAsync(ct)
            : [code];
        var consultationId = c.Id;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var errors = await ActivityRules.SaveAsync(db, activity, new ActivityInput(c.Title, ActivityTypes.Code(ActivityType.Consultation), input.StartsAt, input.EndsAt,
            input.Place, null, RichText.Sanitize(System.Net.WebUtility.HtmlEncode(c.Summary)), organizers, input.Invitees, false, null), user, clock, ct);
        if (errors.Count > 0) return errors;
        // ActivityRules.SaveAsync may have cleared the tracker on its way; load the consultation again to link it.
        var tracked = await db.Consultations.FirstAsync(x => x.Id == consultationId, ct);
        var now = clock.GetUtcNow();
        tracked.ActivityId = activity.Id;
        tracked.MeetingAt = activity.StartsAt;
        tracked.MeetingEndsAt = activity.EndsAt;
        tracked.Place = activity.Place;
        tracked.UpdatedAt = now;
        db.ConsultationEvents.Add(Event(tracked, "meeting", tracked.Status, $"{ActivityRules.When(activity)}，{activity.Place}", user, now));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return errors;
    }

    /// <summary>
    /// Takes a step of the workflow (<see cref="ConsultationWorkflow.Edges"/>), with its conditions: <c>notify</c> publishes the
    /// meeting activity (invitees notified); <c>meet</c> from the meeting's start on; <c>minutes</c> needs minutes or a
    /// recommendation; <c>submit</c> a recommendation; <c>implement</c> an adopted one; <c>close</c> every adopted one implemented.
    /// </summary>
    public static async Task<ConsultationError?> ActAsync(AppDbContext db, Consultation c, string action, string? note, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var (edge, refusal) = ConsultationWorkflow.Graph.Resolve(c.Status, action, ConsultationAccess.Actors(user, c.CommitteePath));
        if (refusal is not null) return new(refusal.Status, refusal.Message);
        var text = note?.Trim() ?? "";
        if (text.Length > 1000) return new(400, "说明不能超过 1000 个字。", "note");
        var now = clock.GetUtcNow();
        await ConsultationQueries.UseActivityMeetingAsync(db, c, ct);
        var recs = ConsultationQueries.Recommendations(db, c.Id);
        switch (action)
        {
            case "notify":
                if (c.ActivityId is null) return new(409, "请先安排会议（时间、地点、参加委员），再发出通知。");
                break;
            case "meet":
                if (c.MeetingAt is not { } at || now < at) return new(409, "会议开始后才能标记为已召开。");
                break;
            case "minutes":
                if (c.Minutes.Length == 0 && !await recs.AnyAsync(ct)) return new(409, "请先填写会议纪要或协商建议。");
                break;
            case "submit":
                if (!await recs.AnyAsync(ct)) return new(409, "没有协商建议，无需报送采纳。");
                break;
            case "implement":
                if (!await recs.AnyAsync(r => r.Adoption == AdoptionStatus.Adopted || r.Adoption == AdoptionStatus.PartlyAdopted, ct))
                    return new(409, "还没有被采纳的建议，不能进入落实；请先记录采纳情况。");
                break;
            case "close":
                if (await recs.AnyAsync(r => (r.Adoption == AdoptionStatus.Adopted || r.Adoption == AdoptionStatus.PartlyAdopted) && r.ImplementedOn == null, ct))
                    return new(409, "还有被采纳的建议尚未落实完毕（进度 100%），不能办结。");
                break;
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (action == "notify")
        {
            var activity = await db.Activities.Include(x => x.Organizers).Include(x => x.InviteeRules).AsSplitQuery().FirstAsync(x => x.Id == c.ActivityId, ct);
            if (activity.Status == ActivityStatus.Draft && await ActivityRules.PublishAsync(db, activity, clock, ct) is { } e)
            {
                db.ChangeTracker.Clear();
                return new(e.Status, e.Message, e.Field);
            }
            c.NoticeSentAt = now;
        }
        var from = c.Status;
        c.Status = edge!.To;
        c.UpdatedAt = now;
        db.ConsultationEvents.Add(Event(c, action, from, text, user, now));
        if (action == "submit")
            await recs.Where(r => r.SubmittedOn == null).ExecuteUpdateAsync(u => u.SetProperty(r => r.SubmittedOn, ChinaTime.DayOf(now)), ct);
        await SyncResultAsync(db, c, clock, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return null;
    }

    /// <summary>Marks the materials as sent to the participants (the materials deadline is then met).</summary>
    public static async Task<ConsultationError?> MarkMaterialsSentAsync(AppDbContext db, Consultation c, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        if (!ConsultationAccess.CanManage(user, c.CommitteePath)) return new(403, "您无权修改这次协商。");
        if (c.MaterialsSentAt is not null) return new(409, "会议材料已标记为送达。");
        if (!await db.ConsultationFiles.AnyAsync(f => f.ConsultationId == c.Id, ct)) return new(409, "请先上传会议材料。");
        var now = clock.GetUtcNow();
        c.MaterialsSentAt = now;
        db.ConsultationEvents.Add(Event(c, "materials", c.Status, "", user, now));
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>Saves the minutes (sanitised HTML) and the consensus and divergences typed by staff.</summary>
    public static async Task<ConsultationError?> SaveMinutesAsync(AppDbContext db, Consultation c, MinutesInput input, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        if (!ConsultationAccess.CanManage(user, c.CommitteePath)) return new(403, "您无权修改这次协商。");
        if (c.Status < ConsultationStatus.Meeting) return new(409, "会议召开后才能填写纪要。");
        if (c.Status == ConsultationStatus.Closed) return new(409, "协商已办结，不能修改。");
        var minutes = RichText.Sanitize(input.Minutes);
        if (minutes.Length > 40000) return new(400, "会议纪要不能超过 40000 个字。", "minutes");
        var consensus = input.Consensus?.Trim() ?? "";
        var divergences = input.Divergences?.Trim() ?? "";
        if (consensus.Length > 4000) return new(400, "共识不能超过 4000 个字。", "consensus");
        if (divergences.Length > 4000) return new(400, "分歧不能超过 4000 个字。", "divergences");
        var now = clock.GetUtcNow();
        c.Minutes = minutes;
        c.Consensus = consensus;
        c.Divergences = divergences;
        c.MinutesAt ??= minutes.Length > 0 ? now : null;
        c.UpdatedAt = now;
        db.ConsultationEvents.Add(Event(c, "minutes-saved", c.Status, "", user, now));
        await SyncResultAsync(db, c, clock, ct);
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>Saves the feedback to participants (from the adoption step on).</summary>
    public static async Task<ConsultationError?> SaveFeedbackAsync(AppDbContext db, Consultation c, string? text, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        if (!ConsultationAccess.CanManage(user, c.CommitteePath)) return new(403, "您无权修改这次协商。");
        if (c.Status < ConsultationStatus.Adoption) return new(409, "建议报送采纳后才能填写反馈。");
        var t = text?.Trim() ?? "";
        if (t.Length == 0) return new(400, "请填写反馈内容。", "text");
        if (t.Length > 4000) return new(400, "反馈不能超过 4000 个字。", "text");
        c.Feedback = t;
        c.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return null;
    }

    // ───────────────────────── participants and links ─────────────────────────

    [GeneratedRegex(@"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")]
    private static partial Regex PhoneRegex();

    /// <summary>Validates a participant; the name keeps <c>·</c> and characters beyond the BMP (length counted in UTF-16 units, at most 50).</summary>
    public static (ConsultationParticipant? Participant, ConsultationError? Error) ReadParticipant(ParticipantInput input)
    {
        var name = (input.Name ?? "").Trim().Normalize(System.Text.NormalizationForm.FormC);
        if (name.Length == 0) return (null, new(400, "请填写姓名。", "name"));
        if (name.Length > 50) return (null, new(400, "姓名不能超过 50 个字。", "name"));
        if (name.Any(ch => char.IsControl(ch) || ch is '<' or '>')) return (null, new(400, "姓名含有不能使用的字符。", "name"));
        var org = input.Organization?.Trim() ?? "";
        if (org.Length == 0) return (null, new(400, "请填写工作单位或所在村（社区）。", "organization"));
        if (org.Length > 100) return (null, new(400, "单位不能超过 100 个字。", "organization"));
        var role = input.Role?.Trim() ?? "";
        if (role.Length > 50) return (null, new(400, "职务或身份不能超过 50 个字。", "role"));
        if (ConsultationWorkflow.ParseCategory(input.Category) is not { } category)
            return (null, new(400, "请选择身份类别：党政部门干部、企业家、金融机构人员、村（居）民、专家学者或其他。", "category"));
        var phone = (input.Phone ?? "").Trim().Replace(" ", "");
        if (phone.Length > 0 && !PhoneRegex().IsMatch(phone)) return (null, new(400, "手机号码格式不正确（11 位手机号，或带区号的固定电话）。", "phone"));
        return (new ConsultationParticipant { Name = name, Organization = org, Role = role, Category = category, Phone = phone }, null);
    }

    /// <summary>Staff add a non-member participant.</summary>
    public static async Task<(ConsultationParticipant? Participant, ConsultationError? Error)> AddParticipantAsync(AppDbContext db, Consultation c, ParticipantInput input, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        if (!ConsultationAccess.CanManage(user, c.CommitteePath)) return (null, new(403, "您无权修改这次协商的参加人员。"));
        if (c.Status == ConsultationStatus.Closed) return (null, new(409, "协商已办结，不能再添加参加人员。"));
        var (p, error) = ReadParticipant(input);
        if (error is not null) return (null, error);
        if (await DuplicateAsync(db, c.Id, p!, ct)) return (null, new(409, $"“{p!.Name}”已在参加人员名单中。", "name"));
        p!.ConsultationId = c.Id;
        p.CreatedBy = user.UserName;
        p.CreatedAt = clock.GetUtcNow();
        db.ConsultationParticipants.Add(p);
        await db.SaveChangesAsync(ct);
        return (p, null);
    }

    private static Task<bool> DuplicateAsync(AppDbContext db, int consultationId, ConsultationParticipant p, CancellationToken ct) =>
        db.ConsultationParticipants.AnyAsync(x => x.ConsultationId == consultationId && x.Name == p.Name
            && (p.Phone.Length > 0 ? x.Phone == p.Phone : x.Organization == p.Organization), ct);

    /// <summary>Why registration through <paramref name="link"/> is closed now, or null when it is open.</summary>
    public static async Task<ConsultationError?> LinkClosedAsync(AppDbContext db, ConsultationInviteLink? link, Consultation? c, TimeProvider clock, CancellationToken ct)
    {
        if (link is null || c is null) return new(404, "邀请链接无效，请向邀请您的政协工作人员核对链接。");
        if (link.RevokedAt is not null) return new(410, "该邀请链接已停用，不能再报名。如需参加，请联系邀请您的政协工作人员。");
        await ConsultationQueries.UseActivityMeetingAsync(db, c, ct);
        if (c.Status >= ConsultationStatus.Minutes || (c.MeetingEndsAt is { } end && end <= clock.GetUtcNow()))
            return new(410, "本次协商已结束，报名已关闭。");
        if (await db.ConsultationParticipants.CountAsync(p => p.InviteLinkId == link.Id, ct) >= link.MaxRegistrations)
            return new(409, "该邀请链接的报名人数已满。");
        return null;
    }

    /// <summary>
    /// A non-member registers through an invitation link (no sign-in). Refused for an unknown, revoked or full link or a
    /// consultation whose meeting is over; the same person (name and phone, or name and organisation) registers once.
    /// </summary>
    public static async Task<(ConsultationParticipant? Participant, ConsultationError? Error)> RegisterAsync(AppDbContext db, string token, ParticipantInput input, TimeProvider clock, CancellationToken ct)
    {
        var link = await FindLinkAsync(db, token, ct);
        if (await LinkClosedAsync(db, link, link?.Consultation, clock, ct) is { } closed) return (null, closed);
        var (p, error) = ReadParticipant(input);
        if (error is not null) return (null, error);
        if (await DuplicateAsync(db, link!.ConsultationId, p!, ct)) return (null, new(409, "您已报名，无需重复提交。", "name"));
        p!.ConsultationId = link.ConsultationId;
        p.InviteLinkId = link.Id;
        p.CreatedBy = "link";
        p.CreatedAt = clock.GetUtcNow();
        db.ConsultationParticipants.Add(p);
        await db.SaveChangesAsync(ct);
        return (p, null);
    }

    /// <summary>The link with this token (ordinal match) and its consultation; null when there is none.</summary>
    public static async Task<ConsultationInviteLink?> FindLinkAsync(AppDbContext db, string? token, CancellationToken ct)
    {
        var t = token?.Trim() ?? "";
        if (t.Length is < 20 or > 64) return null;
        return await db.ConsultationInviteLinks.Include(l => l.Consultation).FirstOrDefaultAsync(l => l.Token == t, ct);
    }

    /// <summary>Creates an invitation link with a random 32-byte token.</summary>
    public static async Task<(ConsultationInviteLink? Link, ConsultationError? Error)> CreateLinkAsync(AppDbContext db, Consultation c, LinkInput input, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        if (!ConsultationAccess.CanManage(user, c.CommitteePath)) return (null, new(403, "您无权为这次协商生成邀请链接。"));
        if (c.Status >= ConsultationStatus.Minutes) return (null, new(409, "会议已结束，不能再生成邀请链接。"));
        var label = input.Label?.Trim() ?? "";
        if (label.Length > 100) return (null, new(400, "链接说明不能超过 100 个字。", "label"));
        var max = input.MaxRegistrations ?? 100;
        if (max is < 1 or > 1000) return (null, new(400, "可报名人数应在 1 到 1000 之间。", "maxRegistrations"));
        var link = new ConsultationInviteLink
        {
            ConsultationId = c.Id, Token = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32)), Label = label, MaxRegistrations = max,
            CreatedBy = user.UserName, CreatedAt = clock.GetUtcNow(),
        };
        db.ConsultationInviteLinks.Add(link);
        await db.SaveChangesAsync(ct);
        return (link, null);
    }

    /// <summary>Revokes a link: registration through it is refused from now on; those registered stay.</summary>
    public static async Task<ConsultationError?> RevokeLinkAsync(AppDbContext db, Consultation c, int linkId, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        if (!ConsultationAccess.CanManage(user, c.CommitteePath)) return new(403, "您无权停用这个邀请链接。");
        var link = await db.ConsultationInviteLinks.FirstOrDefaultAsync(l => l.Id == linkId && l.ConsultationId == c.Id, ct);
        if (link is null) return new(404, "没有这个邀请链接。");
        if (link.RevokedAt is not null) return new(409, "该邀请链接已停用。");
        link.RevokedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>Removes a non-member participant.</summary>
    public static async Task<ConsultationError?> RemoveParticipantAsync(AppDbContext db, Consultation c, int participantId, CurrentUser user, CancellationToken ct)
    {
        if (!ConsultationAccess.CanManage(user, c.CommitteePath)) return new(403, "您无权修改这次协商的参加人员。");
        var p = await db.ConsultationParticipants.FirstOrDefaultAsync(x => x.Id == participantId && x.ConsultationId == c.Id, ct);
        if (p is null) return new(404, "没有这位参加人员。");
        if (p.Attended is not null) return new(409, "已记录出席情况的参加人员不能删除。");
        db.ConsultationParticipants.Remove(p);
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>Records which non-members attended (from the meeting's start on); every id must be a participant, or nothing changes.</summary>
    public static async Task<ConsultationError?> RecordAttendanceAsync(AppDbContext db, Consultation c, IReadOnlyList<(int Id, bool Attended)> rows, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        if (!ConsultationAccess.CanManage(user, c.CommitteePath)) return new(403, "您无权记录出席情况。");
        await ConsultationQueries.UseActivityMeetingAsync(db, c, ct);
        if (c.MeetingAt is not { } at || clock.GetUtcNow() < at) return new(409, "会议开始后才能记录出席情况。");
        if (rows.Count == 0) return new(400, "请提交至少一位参加人员的出席情况。");
        var ids = rows.Select(r => r.Id).ToList();
        var list = await db.ConsultationParticipants.Where(p => p.ConsultationId == c.Id && ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
        if (rows.FirstOrDefault(r => !list.ContainsKey(r.Id)) is { Id: not 0 } missing) return new(400, $"参加人员 {missing.Id} 不在本次协商的名单中。", "id");
        foreach (var (id, attended) in rows) list[id].Attended = attended;
        await db.SaveChangesAsync(ct);
        return null;
    }

    // ───────────────────────── files ─────────────────────────

    /// <summary>Adds a material; validated like activity materials.</summary>
    public static async Task<(ConsultationFile? File, ConsultationError? Error)> AddFileAsync(AppDbContext db, Consultation c, IFormFile? upload, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        if (!ConsultationAccess.CanManage(user, c.CommitteePath)) return (null, new(403, "您无权上传这次协商的文件。"));
        var (material, error) = await ActivitiesApi.ReadMaterialAsync(0, upload, user, clock, ct);
        if (error is not null) return (null, new(400, error, "file"));
        var f = new ConsultationFile
        {
            ConsultationId = c.Id, FileName = material!.FileName, ContentType = material.ContentType,
            Size = material.Size, Content = material.Content, UploadedBy = user.UserName, UploadedAt = material.UploadedAt,
        };
        db.ConsultationFiles.Add(f);
        await db.SaveChangesAsync(ct);
        return (f, null);
    }

    /// <summary>Adds evidence of a recommendation's implementation: an <see cref="OutcomeFile"/> of its outcome (<see cref="OutcomeRules.AddFileAsync"/>).</summary>
    public static async Task<(OutcomeFile? File, ConsultationError? Error)> AddEvidenceAsync(AppDbContext db, Consultation c, int recommendationId, IFormFile? upload, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var (r, refused) = await ForChangeAsync(db, c, recommendationId, user, ct);
        if (refused is not null) return (null, refused);
        var (f, error) = await OutcomeRules.AddFileAsync(db, r!, upload, user, clock, ct);
        return (f, From(error));
    }

    // ───────────────────────── recommendations ─────────────────────────

    /// <summary>Adds (<paramref name="r"/> null) or edits a recommendation: from the meeting on, title and text required, members of the committee's subtree.</summary>
    public static async Task<(Outcome? Recommendation, ConsultationError? Error)> SaveRecommendationAsync(AppDbContext db, Consultation c, Outcome? r, RecommendationInput input, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        if (!ConsultationAccess.CanManage(user, c.CommitteePath)) return (null, new(403, "您无权修改这次协商的建议。"));
        if (c.Status < ConsultationStatus.Meeting) return (null, new(409, "会议召开后才能形成协商建议。"));
        if (c.Status == ConsultationStatus.Closed) return (null, new(409, "协商已办结，不能修改。"));
        var title = input.Title?.Trim() ?? "";
        if (title.Length == 0) return (null, new(400, "请填写建议标题。", "title"));
        if (title.Length > 200) return (null, new(400, "建议标题不能超过 200 个字。", "title"));
        var text = input.Text?.Trim() ?? "";
        if (text.Length > 4000) return (null, new(400, "建议内容不能超过 4000 个字。", "text"));
        var ids = (input.MemberIds ?? []).Distinct().ToList();
        var found = await db.Members.Where(m => ids.Contains(m.Id) && m.CommitteePath.StartsWith(c.CommitteePath)).Select(m => m.Id).ToListAsync(ct);
        if (ids.FirstOrDefault(id => !found.Contains(id)) is var bad && bad != 0) return (null, new(400, $"委员 {bad} 不存在或不属于本级及下级政协。", "memberIds"));
        var now = clock.GetUtcNow();
        if (r is null)
        {
            r = new Outcome
            {
                Kind = OutcomeKind.Recommendation, SourceType = WorkItemType.Consultation, SourceId = c.Id, CommitteeId = c.CommitteeId, CommitteePath = c.CommitteePath,
                SortOrder = await ConsultationQueries.Recommendations(db, c.Id).CountAsync(ct) + 1, CreatedAt = now,
                SubmittedOn = c.Status >= ConsultationStatus.Adoption ? ChinaTime.DayOf(now) : null,
            };
            db.Outcomes.Add(r);
        }
        r.Title = title;
        r.Text = text;
        r.MemberIds = ids;
        r.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        await OutcomeRules.WriteDutyAsync(db, r, clock, ct);
        await db.SaveChangesAsync(ct);
        return (r, null);
    }

    /// <summary>Loads a recommendation of <paramref name="c"/> for a change by <paramref name="user"/>, or the refusal.</summary>
    private static async Task<(Outcome? R, ConsultationError? Error)> ForChangeAsync(AppDbContext db, Consultation c, int recommendationId, CurrentUser user, CancellationToken ct)
    {
        if (!ConsultationAccess.CanManage(user, c.CommitteePath)) return (null, new(403, "您无权修改这次协商的建议。"));
        var r = await ConsultationQueries.Recommendations(db, c.Id).FirstOrDefaultAsync(x => x.Id == recommendationId, ct);
        if (r is null) return (null, new(404, "没有这条协商建议。"));
        if (c.Status == ConsultationStatus.Closed) return (null, new(409, "协商已办结，不能修改。"));
        return (r, null);
    }

    private static ConsultationError? From(OutcomeError? e) => e is null ? null : new(e.Status, e.Message, e.Field);

    /// <summary>Records the adoption (from the adoption step on) through <see cref="OutcomeRules.SetAdoptionAsync"/>.</summary>
    public static async Task<ConsultationError?> SetAdoptionAsync(AppDbContext db, Consultation c, int recommendationId, OutcomeAdoptionInput input, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var (r, refused) = await ForChangeAsync(db, c, recommendationId, user, ct);
        if (refused is not null) return refused;
        if (c.Status < ConsultationStatus.Adoption) return new(409, "建议报送采纳后才能记录采纳情况。");
        return From(await OutcomeRules.SetAdoptionAsync(db, r!, input, user, clock, ct));
    }

    /// <summary>Records a leader's instruction on a recommendation (<see cref="OutcomeRules.AddInstructionAsync"/>: the consultation's duty records are rewritten).</summary>
    public static async Task<ConsultationError?> AddInstructionAsync(AppDbContext db, Consultation c, int recommendationId, OutcomeInstructionInput input, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var (r, refused) = await ForChangeAsync(db, c, recommendationId, user, ct);
        return refused ?? From(await OutcomeRules.AddInstructionAsync(db, r!, input, user, clock, ct));
    }

    /// <summary>Adds a milestone, or (with <paramref name="milestoneId"/>) updates one, of an adopted recommendation (<see cref="OutcomeRules.SaveMilestoneAsync"/>).</summary>
    public static async Task<ConsultationError?> SaveMilestoneAsync(AppDbContext db, Consultation c, int recommendationId, int? milestoneId, OutcomeMilestoneInput input, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var (r, refused) = await ForChangeAsync(db, c, recommendationId, user, ct);
        return refused ?? From(await OutcomeRules.SaveMilestoneAsync(db, r!, milestoneId, input, user, clock, ct));
    }

    /// <summary>
    /// Records implementation progress as a progress report (<see cref="OutcomeRules.ReportProgressAsync"/>): percent 0–100,
    /// the evidence text (also the report's note when no note is given); 100 % marks it implemented, less clears that.
    /// </summary>
    public static async Task<ConsultationError?> SetProgressAsync(AppDbContext db, Consultation c, int recommendationId, OutcomeProgressInput input, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var (r, refused) = await ForChangeAsync(db, c, recommendationId, user, ct);
        if (refused is not null) return refused;
        var (_, error) = await OutcomeRules.ReportProgressAsync(db, r!, input with { Note = input.Note ?? input.Evidence }, [], user, clock, ct);
        return From(error);
    }

    /// <summary>Records feedback on a recommendation (from the adoption step on) through <see cref="OutcomeRules.SetFeedbackAsync"/>.</summary>
    public static async Task<ConsultationError?> SetRecommendationFeedbackAsync(AppDbContext db, Consultation c, int recommendationId, OutcomeFeedbackInput input, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var (r, refused) = await ForChangeAsync(db, c, recommendationId, user, ct);
        if (refused is not null) return refused;
        if (c.Status < ConsultationStatus.Adoption) return new(409, "建议报送采纳后才能填写反馈。");
        return From(await OutcomeRules.SetFeedbackAsync(db, r!, input, user, clock, ct));
    }

    /// <summary>
    /// The consultation's overall result (协商成果) as one outcome of kind <see cref="OutcomeKind.ConsultationResult"/>: created
    /// once the consultation reaches the minutes step with consensus text, its text kept equal to the consensus afterwards
    /// (an emptied consensus leaves the outcome as it was). Submitted (报送) with the recommendations. The caller saves.
    /// </summary>
    public static async Task SyncResultAsync(AppDbContext db, Consultation c, TimeProvider clock, CancellationToken ct)
    {
        if (c.Status < ConsultationStatus.Minutes || c.Consensus.Trim().Length == 0) return;
        var now = clock.GetUtcNow();
        var o = await db.Outcomes.FirstOrDefaultAsync(x => x.SourceType == WorkItemType.Consultation && x.SourceId == c.Id && x.Kind == OutcomeKind.ConsultationResult, ct);
        if (o is null)
        {
            o = new Outcome
            {
                Kind = OutcomeKind.ConsultationResult, SourceType = WorkItemType.Consultation, SourceId = c.Id, CommitteeId = c.CommitteeId,
                CommitteePath = c.CommitteePath, SortOrder = 0, CreatedAt = now,
            };
            db.Outcomes.Add(o);
        }
        var title = c.Title + "（协商成果）";
        o.Title = title.Length > 200 ? title[..200] : title;
        o.Text = c.Consensus.Length > 4000 ? c.Consensus[..4000] : c.Consensus;
        if (c.Status >= ConsultationStatus.Adoption) o.SubmittedOn ??= ChinaTime.DayOf(now);
        o.UpdatedAt = now;
    }

    private static ConsultationEvent Event(Consultation c, string action, ConsultationStatus from, string note, CurrentUser user, DateTimeOffset at) =>
        new() { ConsultationId = c.Id, Action = action, From = from, To = c.Status, Note = note, By = user.UserName, At = at };

    /// <summary>A day as <c>2026年3月5日</c>.</summary>
    public static string Day(DateOnly d) => d.ToString("yyyy年M月d日", CultureInfo.InvariantCulture);
}

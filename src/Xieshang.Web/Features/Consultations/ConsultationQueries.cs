using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Features.Activities;
using Xieshang.Web.Features.Opinions;
using Xieshang.Web.Features.Outcomes;
using Xieshang.Web.Features.Proposals;
using Xieshang.Web.Infrastructure;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Consultations;

/// <summary>One deadline of a consultation: code (<c>notice</c>, <c>materials</c>, <c>minutes</c>), Chinese name, due day, when met, state (<c>done</c>, <c>due</c>, <c>overdue</c>, <c>late</c>: met after the day).</summary>
public sealed record DeadlineDto(string Code, string Name, DateOnly Due, DateTimeOffset? DoneAt, string State);

/// <summary>One row of the consultation list.</summary>
public sealed record ConsultationListItem(int Id, string Title, string Type, string TypeName, bool Grassroots, string Status, string StatusName,
    string CommitteeCode, string CommitteeName, DateTimeOffset? MeetingAt, string Place, int Recommendations);

/// <summary>A step of the timeline.</summary>
public sealed record ConsultationEventDto(string Action, string ActionName, string From, string To, string Note, string By, DateTimeOffset At);

/// <summary>A non-member participant (phone only for the office).</summary>
public sealed record ParticipantDto(int Id, string Name, string Organization, string Role, string Category, string CategoryName, string Phone, bool ViaLink, bool? Attended);

/// <summary>An invitation link (office only): the path <c>/c/{token}</c>, registrations so far.</summary>
public sealed record LinkDto(int Id, string Label, string Url, int MaxRegistrations, int Registered, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>A file: a material (<c>RecommendationId</c> null, at <c>/api/consultations/{id}/files/{fileId}</c>) or evidence of a recommendation (an outcome file at <c>/api/outcomes/{recommendationId}/files/{fileId}</c>).</summary>
public sealed record FileDto(int Id, string FileName, long Size, int? RecommendationId);

/// <summary>A recommendation: its <see cref="Outcome"/> (the id is the outcome's, also at <c>/api/outcomes/{id}</c>).</summary>
public sealed record RecommendationDto(int Id, int SortOrder, string Title, string Text, string Adoption, string AdoptionName, string AdoptingBody, DateOnly? AdoptedOn,
    string AdoptionNote, int Percent, string Evidence, DateOnly? ImplementedOn, string Feedback, DateOnly? FeedbackOn, IReadOnlyList<int> MemberIds,
    IReadOnlyList<string> MemberNames, IReadOnlyList<InstructionDto> Instructions, IReadOnlyList<MilestoneDto> Milestones, IReadOnlyList<FileDto> Evidences);

/// <summary>Non-members of one category: code (<c>official</c>, <c>villager</c>…), Chinese name, how many.</summary>
public sealed record CategoryCount(string Category, string Name, int Count);

/// <summary>Attendance of the meeting: members by confirmed role (from the activity) and non-members by category.</summary>
public sealed record AttendanceSummary(int MembersInvited, int MembersPresent, int MembersExcused, int MembersAbsent, int NonMembers, int NonMembersPresent,
    IReadOnlyList<CategoryCount> ByCategory);

/// <summary>A consultation as its viewer may see it; <c>Actions</c> are the workflow actions they may take now.</summary>
public sealed record ConsultationDetail(int Id, string Title, string Type, string TypeName, bool Grassroots, string Status, string StatusName,
    string CommitteeCode, string CommitteeName, string Summary, int? PlanTopicId, string? PlanTopicTitle, string? UnitCode, string? UnitName,
    int? ActivityId, string? ActivityStatus, DateTimeOffset? MeetingAt, DateTimeOffset? MeetingEndsAt, string Place,
    int NoticeDays, int MaterialsDays, int MinutesDays, IReadOnlyList<DeadlineDto> Deadlines,
    string Minutes, string Consensus, string Divergences, string Feedback, IReadOnlyList<ConsultationEventDto> History,
    IReadOnlyList<ParticipantDto> Participants, IReadOnlyList<LinkDto> Links, IReadOnlyList<FileDto> Materials, IReadOnlyList<RecommendationDto> Recommendations,
    AttendanceSummary Attendance, bool CanManage, IReadOnlyList<string> Actions);

/// <summary>A plan topic; <c>ConsultationIds</c> are the consultations carrying it out that the viewer may see (a member sees one once its notice went out).</summary>
public sealed record PlanTopicDto(int Id, string Title, string Reason, string SuggesterKind, string SuggesterName, string Status, string StatusName, string RejectReason,
    int? PlannedMonth, DateOnly? PlannedOn, string? Type, string? TypeName, int? LeadSpecialCommitteeId, string? LeadSpecialCommitteeName,
    IReadOnlyList<string> Actions, IReadOnlyList<int> ConsultationIds);

/// <summary>A yearly plan with its topics (a published plan shows members only the scheduled topics).</summary>
public sealed record PlanDto(int Id, string CommitteeCode, string CommitteeName, int Year, string Status, DateTimeOffset? PublishedAt, bool CanManage,
    IReadOnlyList<string> Actions, IReadOnlyList<PlanTopicDto> Topics);

/// <summary>Reads of the consultation slice: deadlines on the working-day calendar, list rows, the detail, plans.</summary>
public static class ConsultationQueries
{
    /// <summary>The working day <paramref name="days"/> working days before <paramref name="day"/> (the day itself does not count).</summary>
    public static DateOnly WorkingDaysBefore(WorkCalendar calendar, DateOnly day, int days)
    {
        var d = day;
        while (days > 0)
        {
            d = d.AddDays(-1);
            if (calendar.IsWorkingDay(d)) days--;
        }
        return d;
    }

    /// <summary>
    /// The notice, materials and minutes deadlines of <paramref name="c"/> on the working-day calendar: notice
    /// <see cref="Consultation.NoticeDays"/> and materials <see cref="Consultation.MaterialsDays"/> working days before the
    /// meeting day, minutes <see cref="Consultation.MinutesDays"/> working days after it. Empty until the meeting has a date.
    /// </summary>
    public static async Task<List<DeadlineDto>> DeadlinesAsync(AppDbContext db, Consultation c, TimeProvider clock, CancellationToken ct)
    {
        await UseActivityMeetingAsync(db, c, ct);
        if (c.MeetingAt is not { } at) return [];
        var day = ChinaTime.DayOf(at);
        var calendar = await WorkCalendar.LoadAsync(db, day, day, ct);
        return Deadlines(calendar, c, ChinaTime.DayOf(clock.GetUtcNow()));
    }

    /// <summary>The deadlines for <paramref name="c"/> on <paramref name="calendar"/> as of <paramref name="today"/> (pure).</summary>
    public static List<DeadlineDto> Deadlines(WorkCalendar calendar, Consultation c, DateOnly today)
    {
        if (c.MeetingAt is not { } at) return [];
        var day = ChinaTime.DayOf(at);
        DeadlineDto Make(string code, string name, DateOnly due, DateTimeOffset? done)
        {
            var state = done is { } d ? (ChinaTime.DayOf(d) <= due ? "done" : "late") : today > due ? "overdue" : "due";
            return new(code, name, due, done, state);
        }
        return
        [
            Make("notice", "发出会议通知", WorkingDaysBefore(calendar, day, c.NoticeDays), c.NoticeSentAt),
            Make("materials", "送达会议材料", WorkingDaysBefore(calendar, day, c.MaterialsDays), c.MaterialsSentAt),
            Make("minutes", "形成纪要和建议", calendar.AddWorkingDays(day, c.MinutesDays), c.Status >= ConsultationStatus.Minutes ? c.MinutesAt ?? c.UpdatedAt : null),
        ];
    }

    /// <summary>
    /// Makes the meeting activity the one source of the meeting time: once <paramref name="c"/> has an activity, its
    /// <see cref="Consultation.MeetingAt"/>, <see cref="Consultation.MeetingEndsAt"/> and <see cref="Consultation.Place"/> are
    /// set from the activity's <see cref="Activity.StartsAt"/>, <see cref="Activity.EndsAt"/> and <see cref="Activity.Place"/>
    /// (a postponement on the activity page, earlier or later, is followed). Before an activity exists the consultation's own
    /// values stand. On a tracked consultation the next save stores the refreshed copy.
    /// </summary>
    public static async Task UseActivityMeetingAsync(AppDbContext db, Consultation c, CancellationToken ct)
    {
        if (c.ActivityId is not { } aid) return;
        var a = await db.Activities.AsNoTracking().Where(x => x.Id == aid).Select(x => new { x.StartsAt, x.EndsAt, x.Place }).FirstOrDefaultAsync(ct);
        if (a is null) return;
        if (c.MeetingAt != a.StartsAt) c.MeetingAt = a.StartsAt;
        if (c.MeetingEndsAt != a.EndsAt) c.MeetingEndsAt = a.EndsAt;
        if (c.Place != a.Place) c.Place = a.Place;
    }

    /// <summary>Newest meeting first (the activity's start once there is one, else the planned start, else creation), then newest id.</summary>
    public static IOrderedQueryable<Consultation> NewestMeetingFirst(this IQueryable<Consultation> q) =>
        q.OrderByDescending(x => (x.ActivityId != null ? (DateTimeOffset?)x.Activity!.StartsAt : x.MeetingAt) ?? x.CreatedAt).ThenByDescending(x => x.Id);

    /// <summary>List rows of <paramref name="q"/>.</summary>
    public static async Task<List<ConsultationListItem>> ListAsync(AppDbContext db, IQueryable<Consultation> q, CancellationToken ct)
    {
        var rows = await q.Select(c => new
        {
            c.Id, c.Title, c.Type, c.Status, c.Committee!.Code, c.Committee.Name,
            MeetingAt = c.ActivityId != null ? (DateTimeOffset?)c.Activity!.StartsAt : c.MeetingAt,
            Place = c.ActivityId != null ? c.Activity!.Place : c.Place,
            Recs = db.Outcomes.Count(r => r.SourceType == WorkItemType.Consultation && r.SourceId == c.Id && r.Kind == OutcomeKind.Recommendation),
        }).ToListAsync(ct);
        return rows.Select(r => new ConsultationListItem(r.Id, r.Title, ConsultationTypes.Code(r.Type), ConsultationTypes.Name(r.Type), IsGrassroots(r.Type),
            ConsultationWorkflow.StatusCode(r.Status), ConsultationWorkflow.StatusName(r.Status), r.Code, r.Name, r.MeetingAt, r.Place, r.Recs)).ToList();
    }

    /// <summary>Consultations whose meeting (the activity's start once there is one; before it is scheduled, creation) falls in China year <paramref name="year"/> (2000–2100).</summary>
    public static IQueryable<Consultation> InYear(this IQueryable<Consultation> q, int year)
    {
        var y = Math.Clamp(year, 2000, 2100);
        var (from, to) = (ChinaTime.StartOf(new DateOnly(y, 1, 1)), ChinaTime.StartOf(new DateOnly(y + 1, 1, 1)));
        return q.Where(x => ((x.ActivityId != null ? (DateTimeOffset?)x.Activity!.StartsAt : x.MeetingAt) ?? x.CreatedAt) >= from
            && ((x.ActivityId != null ? (DateTimeOffset?)x.Activity!.StartsAt : x.MeetingAt) ?? x.CreatedAt) < to);
    }

    /// <summary>True for the grassroots types, whose participants include non-members.</summary>
    public static bool IsGrassroots(ConsultationType t) => ConsultationTypes.All.First(x => x.Type == t).Grassroots;

    /// <summary>The detail of <paramref name="c"/> for <paramref name="user"/> (who may see it): phones and links only for the office.</summary>
    public static async Task<ConsultationDetail> DetailAsync(AppDbContext db, Consultation c, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        await UseActivityMeetingAsync(db, c, ct);
        var manage = ConsultationAccess.CanManage(user, c.CommitteePath);
        var office = manage || user.IsLeader;
        var committee = await db.Committees.AsNoTracking().FirstAsync(x => x.Id == c.CommitteeId, ct);
        var topic = c.PlanTopicId is { } tid ? await db.ConsultationPlanTopics.Where(t => t.Id == tid).Select(t => t.Title).FirstOrDefaultAsync(ct) : null;
        var unit = c.HandlingUnitId is { } uid ? await db.HandlingUnits.Where(u => u.Id == uid).Select(u => new { u.Code, u.Name }).FirstOrDefaultAsync(ct) : null;
        var activityStatus = c.ActivityId is { } aid ? await db.Activities.Where(a => a.Id == aid).Select(a => (ActivityStatus?)a.Status).FirstOrDefaultAsync(ct) : null;
        var history = (await db.ConsultationEvents.AsNoTracking().Where(e => e.ConsultationId == c.Id).OrderBy(e => e.At).ThenBy(e => e.Id).ToListAsync(ct))
            .Select(e => new ConsultationEventDto(e.Action, ConsultationWorkflow.ActionName(e.Action), ConsultationWorkflow.StatusCode(e.From), ConsultationWorkflow.StatusCode(e.To),
                e.Note, office ? e.By : "", e.At)).ToList();
        var participants = (await db.ConsultationParticipants.AsNoTracking().Where(p => p.ConsultationId == c.Id).OrderBy(p => p.Id).ToListAsync(ct))
            .Select(p => new ParticipantDto(p.Id, p.Name, p.Organization, p.Role, ConsultationWorkflow.CategoryCode(p.Category), ConsultationWorkflow.CategoryName(p.Category),
                manage ? p.Phone : "", p.InviteLinkId is not null, p.Attended)).ToList();
        var links = manage
            ? (await db.ConsultationInviteLinks.AsNoTracking().Where(l => l.ConsultationId == c.Id).OrderBy(l => l.Id)
                .Select(l => new { l, n = db.ConsultationParticipants.Count(p => p.InviteLinkId == l.Id) }).ToListAsync(ct))
                .Select(x => new LinkDto(x.l.Id, x.l.Label, $"/c/{x.l.Token}", x.l.MaxRegistrations, x.n, x.l.CreatedAt, x.l.RevokedAt)).ToList()
            : [];
        var files = await db.ConsultationFiles.AsNoTracking().Where(f => f.ConsultationId == c.Id).OrderBy(f => f.Id)
            .Select(f => new FileDto(f.Id, f.FileName, f.Size, null)).ToListAsync(ct);
        var recommendations = await RecommendationsAsync(db, c, clock, ct);
        var attendance = await AttendanceAsync(db, c, ct);
        var actions = ConsultationWorkflow.Graph.ActionsFor(c.Status, ConsultationAccess.Actors(user, c.CommitteePath));
        return new ConsultationDetail(c.Id, c.Title, ConsultationTypes.Code(c.Type), ConsultationTypes.Name(c.Type), IsGrassroots(c.Type),
            ConsultationWorkflow.StatusCode(c.Status), ConsultationWorkflow.StatusName(c.Status), committee.Code, committee.Name, c.Summary, c.PlanTopicId, topic,
            unit?.Code, unit?.Name, c.ActivityId, activityStatus?.ToString().ToLowerInvariant(), c.MeetingAt, c.MeetingEndsAt, c.Place,
            c.NoticeDays, c.MaterialsDays, c.MinutesDays, await DeadlinesAsync(db, c, clock, ct),
            c.Minutes, c.Consensus, c.Divergences, c.Feedback, history, participants, links, files, recommendations,
            attendance, manage, actions);
    }

    /// <summary>The recommendations of consultation <paramref name="consultationId"/>: its outcomes of kind <see cref="OutcomeKind.Recommendation"/>.</summary>
    public static IQueryable<Outcome> Recommendations(AppDbContext db, int consultationId) =>
        db.Outcomes.Where(r => r.SourceType == WorkItemType.Consultation && r.SourceId == consultationId && r.Kind == OutcomeKind.Recommendation);

    /// <summary>The recommendations of <paramref name="c"/> with instructions, milestones and evidence files (<see cref="OutcomeQueries.PartsAsync"/>).</summary>
    public static async Task<List<RecommendationDto>> RecommendationsAsync(AppDbContext db, Consultation c, TimeProvider clock, CancellationToken ct)
    {
        var recs = await Recommendations(db, c.Id).AsNoTracking().OrderBy(r => r.SortOrder).ThenBy(r => r.Id).ToListAsync(ct);
        var parts = await OutcomeQueries.PartsAsync(db, recs, clock, ct);
        return recs.Select(r => new RecommendationDto(r.Id, r.SortOrder, r.Title, r.Text, OutcomeCodes.AdoptionCode(r.Adoption), OutcomeCodes.AdoptionName(r.Adoption),
            r.AdoptingBody, r.AdoptedOn, r.AdoptionNote, r.Percent, r.Evidence, r.ImplementedOn, r.Feedback, r.FeedbackOn, r.MemberIds,
            r.MemberIds.Select(m => parts.MemberNames.GetValueOrDefault(m, "")).ToList(), parts.Instructions[r.Id], parts.Milestones[r.Id],
            parts.Files[r.Id].Select(f => new FileDto(f.Id, f.FileName, f.Size, r.Id)).ToList())).ToList();
    }

    /// <summary>Attendance counts: members from the meeting activity's confirmed attendance, non-members by category.</summary>
    public static async Task<AttendanceSummary> AttendanceAsync(AppDbContext db, Consultation c, CancellationToken ct)
    {
        int invited = 0, present = 0, excused = 0, absent = 0;
        if (c.ActivityId is { } aid)
        {
            var rows = await db.Invitations.Where(i => i.ActivityId == aid).GroupBy(i => i.Attendance).Select(g => new { g.Key, N = g.Count() }).ToListAsync(ct);
            invited = rows.Sum(r => r.N);
            present = rows.Where(r => r.Key is AttendanceRole.Present or AttendanceRole.NonVoting or AttendanceRole.Speaker or AttendanceRole.Author).Sum(r => r.N);
            excused = rows.Where(r => r.Key == AttendanceRole.Excused).Sum(r => r.N);
            absent = rows.Where(r => r.Key == AttendanceRole.Absent).Sum(r => r.N);
        }
        var people = await db.ConsultationParticipants.Where(p => p.ConsultationId == c.Id).Select(p => new { p.Category, p.Attended }).ToListAsync(ct);
        var byCategory = people.GroupBy(p => p.Category).OrderBy(g => g.Key)
            .Select(g => new CategoryCount(ConsultationWorkflow.CategoryCode(g.Key), ConsultationWorkflow.CategoryName(g.Key), g.Count())).ToList();
        return new AttendanceSummary(invited, present, excused, absent, people.Count, people.Count(p => p.Attended == true), byCategory);
    }

    /// <summary>The plan of a committee and year as <paramref name="user"/> may see it; null when there is none or it is hidden from them.</summary>
    public static async Task<PlanDto?> PlanAsync(AppDbContext db, int committeeId, int year, CurrentUser user, CancellationToken ct)
    {
        var plan = await db.ConsultationPlans.AsNoTracking().Where(p => p.CommitteeId == committeeId && p.Year == year).VisibleTo(user).FirstOrDefaultAsync(ct);
        return plan is null ? null : await PlanDtoAsync(db, plan, user, ct);
    }

    /// <summary>The dto of a plan the viewer may see: the office sees every topic; others only the scheduled ones.</summary>
    public static async Task<PlanDto> PlanDtoAsync(AppDbContext db, ConsultationPlan plan, CurrentUser user, CancellationToken ct)
    {
        var manage = ConsultationAccess.CanManage(user, plan.CommitteePath);
        var actors = ConsultationAccess.Actors(user, plan.CommitteePath);
        var committee = await db.Committees.AsNoTracking().FirstAsync(c => c.Id == plan.CommitteeId, ct);
        var q = db.ConsultationPlanTopics.AsNoTracking().Where(t => t.PlanId == plan.Id);
        if (!manage) q = q.Where(t => t.Status == PlanTopicStatus.Scheduled);
        var topics = await q.OrderBy(t => t.PlannedMonth == null).ThenBy(t => t.PlannedMonth).ThenBy(t => t.Id)
            .Select(t => new { t, Lead = t.LeadSpecialCommittee!.Name, Consultations = db.Consultations.Where(c => c.PlanTopicId == t.Id).Select(c => c.Id).ToList() }).ToListAsync(ct);
        // Only the consultations the viewer may open (ConsultationAccess): a member is not led to one whose notice is still due.
        var linked = topics.SelectMany(x => x.Consultations).ToList();
        var visible = linked.Count == 0 ? [] : (await db.Consultations.Where(c => linked.Contains(c.Id)).VisibleTo(db, user).Select(c => c.Id).ToListAsync(ct)).ToHashSet();
        return new PlanDto(plan.Id, committee.Code, committee.Name, plan.Year, plan.Status == PlanStatus.Published ? "published" : "draft", plan.PublishedAt, manage,
            ConsultationWorkflow.PlanGraph.ActionsFor(plan.Status, actors),
            topics.Select(x => new PlanTopicDto(x.t.Id, x.t.Title, x.t.Reason, ConsultationWorkflow.SuggesterCode(x.t.SuggesterKind), x.t.SuggesterName,
                ConsultationWorkflow.TopicStatusCode(x.t.Status), ConsultationWorkflow.TopicStatusName(x.t.Status), manage ? x.t.RejectReason : "",
                x.t.PlannedMonth, x.t.PlannedOn, x.t.Type is { } ty ? ConsultationTypes.Code(ty) : null, x.t.Type is { } ty2 ? ConsultationTypes.Name(ty2) : null,
                x.t.LeadSpecialCommitteeId, x.t.LeadSpecialCommitteeId is null ? null : x.Lead,
                ConsultationWorkflow.TopicGraph.ActionsFor(x.t.Status, actors), x.Consultations.Where(visible.Contains).ToList())).ToList());
    }
}

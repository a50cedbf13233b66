using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Features.Activities;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Study;

/// <summary>A member's standing in a course: sessions attended of total (and the number required), quizzes passed of total, completion.</summary>
public sealed record CourseProgress(int SessionsAttended, int SessionsTotal, int SessionsRequired, int QuizzesPassed, int Quizzes, bool Completed, DateTimeOffset? CompletedAt)
{
    /// <summary>Share of the way to completion, 0–100 (attendance against the required sessions, quizzes when required), for progress bars.</summary>
    public int Percent(bool quizzesRequired)
    {
        if (Completed) return 100;
        var need = SessionsRequired + (quizzesRequired ? Quizzes : 0);
        var have = Math.Min(SessionsAttended, SessionsRequired) + (quizzesRequired ? Math.Min(QuizzesPassed, Quizzes) : 0);
        return need == 0 ? 0 : Math.Min(99, have * 100 / need);
    }
}

/// <summary>One course of a list: status code and name, organiser names, sessions, the next session's start, enrolled and completed counts (office accounts), and the member's own progress.</summary>
public sealed record CourseListItem(int Id, string Title, string Status, string StatusName, IReadOnlyList<string> OrganizerCodes, IReadOnlyList<string> OrganizerNames,
    int Sessions, DateTimeOffset? FirstSessionAt, DateTimeOffset? NextSessionAt, int Enrolled, int Completed, bool CompletionRequiresQuizzes, CourseProgress? Mine);

/// <summary>An organising committee.</summary>
public sealed record CourseOrganizerDto(string Code, string Name);

/// <summary>The signed-in member's state in one session: attended (by the completion rule), checked in, confirmed attendance code, quiz best score, passed, attempts made.</summary>
public sealed record MySessionState(bool Attended, bool CheckedIn, string? Attendance, int? BestScore, bool Passed, int Attempts);

/// <summary>
/// A session: its activity (id, title, times, place, status code) — check-in and attendance are on the activity's pages —
/// the quiz (questions count; 0 = none), pass mark, attempts allowed, and the member's own state.
/// </summary>
public sealed record CourseSessionDto(int Id, int SortOrder, int ActivityId, string Title, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string Place,
    string ActivityStatus, int Questions, int PassPercent, int MaxAttempts, MySessionState? Mine);

/// <summary>A material: kind code (<c>document</c>, <c>video</c>, <c>link</c>) and name, title, where to open it (the link, or the streaming URL), the session it belongs to, file name, size (bytes), content type.</summary>
public sealed record CourseMaterialDto(int Id, string Kind, string KindName, string Title, string Url, int? SessionId, string FileName, long Size, string ContentType);

/// <summary>
/// A course as its viewer sees it: description (sanitised HTML), organisers, the audience as written (office accounts),
/// completion rules, sessions, materials, counts, the viewer's own progress (enrolled members), and whether they manage it.
/// </summary>
public sealed record CourseDetail(int Id, string Title, string Description, string Status, string StatusName, IReadOnlyList<CourseOrganizerDto> Organizers,
    CourseAudienceInput? Audience, int CompletionAttendedPercent, bool CompletionRequiresQuizzes, DateTimeOffset? PublishedAt,
    IReadOnlyList<CourseSessionDto> Sessions, IReadOnlyList<CourseMaterialDto> Materials, int Enrolled, int Completed, CourseProgress? Mine, bool CanManage);

/// <summary>One row of a course's enrolment table (office accounts): member, committee, sessions attended, quizzes passed, completion.</summary>
public sealed record EnrolmentRow(int MemberId, string Name, string Committee, int SessionsAttended, int QuizzesPassed, bool Completed, DateTimeOffset? CompletedAt);

/// <summary>A quiz question as shown: options, whether several options are right (多选), and the right indexes only for those who manage the course.</summary>
public sealed record QuizQuestionView(int Id, int SortOrder, string Text, IReadOnlyList<string> Options, bool Multiple, IReadOnlyList<int>? Correct);

/// <summary>
/// One of the member's attempts: number, score (per cent), passed, when, the ids of the questions answered wrong, and the
/// member's own answers (question id → chosen option indexes, 0-based; a question left blank is absent or empty).
/// </summary>
public sealed record AttemptView(int AttemptNumber, int ScorePercent, bool Passed, DateTimeOffset SubmittedAt, IReadOnlyList<int> WrongQuestionIds,
    IReadOnlyDictionary<int, int[]> Answers);

/// <summary>
/// A session's quiz for its viewer: pass mark, attempts allowed, the questions (no answers for members), the member's
/// attempts, best score, attempts left, and whether an attempt is possible now (with the Chinese reason when not).
/// </summary>
public sealed record QuizView(int CourseId, int SessionId, string CourseTitle, string SessionTitle, int PassPercent, int MaxAttempts,
    IReadOnlyList<QuizQuestionView> Questions, IReadOnlyList<AttemptView> Attempts, int? BestScore, bool Passed, int AttemptsLeft, bool Open, string? ClosedReason);

/// <summary>Reads for the course API and pages (shapes above); access is checked by the caller through <see cref="CourseAccess"/>.</summary>
public static class CourseQueries
{
    /// <summary>Courses <paramref name="user"/> sees, optionally organised in the subtree <paramref name="path"/>, newest first (at most 300).</summary>
    public static async Task<List<CourseListItem>> ListAsync(AppDbContext db, CurrentUser user, string? path, CourseStatus? status, DateTimeOffset now, CancellationToken ct)
    {
        var q = db.Courses.AsNoTracking().VisibleTo(db, user);
        if (path is not null) q = q.Where(c => db.CourseOrganizers.Any(o => o.CourseId == c.Id && o.CommitteePath.StartsWith(path)));
        if (status is { } st) q = q.Where(c => c.Status == st);
        var rows = await q.OrderByDescending(c => c.CreatedAt).ThenByDescending(c => c.Id).Take(300).Select(c => new
        {
            c.Id, c.Title, c.Status, c.CompletionRequiresQuizzes,
            Organizers = db.CourseOrganizers.Where(o => o.CourseId == c.Id).OrderBy(o => o.SortOrder).Select(o => new { o.CommitteeId }).ToList(),
            Sessions = db.CourseSessions.Count(s => s.CourseId == c.Id && s.Activity!.Status != ActivityStatus.Cancelled),
            First = db.CourseSessions.Where(s => s.CourseId == c.Id && s.Activity!.Status != ActivityStatus.Cancelled).Min(s => (DateTimeOffset?)s.Activity!.StartsAt),
            Enrolled = db.CourseEnrolments.Count(e => e.CourseId == c.Id),
            Completed = db.CourseEnrolments.Count(e => e.CourseId == c.Id && e.CompletedAt != null),
        }).ToListAsync(ct);
        var ids = rows.Select(r => r.Id).ToList();
        // Next sessions read separately (DateTimeOffset comparisons in SQL differ by provider; the list is short).
        var upcoming = (await db.CourseSessions.AsNoTracking().Where(s => ids.Contains(s.CourseId) && s.Activity!.Status != ActivityStatus.Cancelled)
            .Select(s => new { s.CourseId, s.Activity!.EndsAt, s.Activity.StartsAt }).ToListAsync(ct))
            .Where(s => s.EndsAt > now).GroupBy(s => s.CourseId).ToDictionary(g => g.Key, g => g.Min(s => s.StartsAt));
        var committeeIds = rows.SelectMany(r => r.Organizers.Select(o => o.CommitteeId)).Distinct().ToList();
        var committees = await db.Committees.AsNoTracking().Where(c => committeeIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => new { c.Code, c.Name }, ct);
        var mine = user.MemberId is { } mid ? await ProgressAsync(db, ids, mid, ct) : [];
        var office = user.IsAdmin || user.IsStaff || user.IsLeader;
        return rows.Select(r => new CourseListItem(r.Id, r.Title, CourseRules.StatusCode(r.Status), CourseRules.StatusName(r.Status),
            r.Organizers.Select(o => committees[o.CommitteeId].Code).ToList(), r.Organizers.Select(o => committees[o.CommitteeId].Name).ToList(),
            r.Sessions, r.First, upcoming.TryGetValue(r.Id, out var next) ? next : null, office ? r.Enrolled : 0, office ? r.Completed : 0,
            r.CompletionRequiresQuizzes, mine.GetValueOrDefault(r.Id))).ToList();
    }

    /// <summary>Member <paramref name="memberId"/>'s progress in each of <paramref name="courseIds"/> they are enrolled in.</summary>
    public static async Task<Dictionary<int, CourseProgress>> ProgressAsync(AppDbContext db, IReadOnlyCollection<int> courseIds, int memberId, CancellationToken ct)
    {
        var rows = await db.CourseEnrolments.AsNoTracking().Where(e => e.MemberId == memberId && courseIds.Contains(e.CourseId))
            .Select(e => new
            {
                e.CourseId, e.SessionsAttended, e.QuizzesPassed, e.CompletedAt,
                Percent = db.Courses.Where(c => c.Id == e.CourseId).Select(c => c.CompletionAttendedPercent).First(),
                Sessions = db.CourseSessions.Count(s => s.CourseId == e.CourseId && s.Activity!.Status != ActivityStatus.Cancelled),
                Quizzes = db.CourseSessions.Count(s => s.CourseId == e.CourseId && s.Activity!.Status != ActivityStatus.Cancelled && db.QuizQuestions.Any(q => q.SessionId == s.Id)),
            }).ToListAsync(ct);
        return rows.ToDictionary(r => r.CourseId, r => new CourseProgress(r.SessionsAttended, r.Sessions, CourseRules.RequiredSessions(r.Percent, r.Sessions),
            r.QuizzesPassed, r.Quizzes, r.CompletedAt is not null, r.CompletedAt));
    }

    /// <summary>The detail of course <paramref name="c"/> (organisers, audience, sessions with activities loaded) for <paramref name="user"/>.</summary>
    public static async Task<CourseDetail> DetailAsync(AppDbContext db, Course c, CurrentUser user, CancellationToken ct)
    {
        var committeeIds = c.Organizers.Select(o => o.CommitteeId).Concat(c.Audience.Where(a => a.Kind is CourseAudienceKind.Committee or CourseAudienceKind.NewMembers).Select(a => a.TargetId)).Distinct().ToList();
        var committees = await db.Committees.AsNoTracking().Where(x => committeeIds.Contains(x.Id)).ToDictionaryAsync(x => x.Id, x => new { x.Code, x.Name }, ct);
        var office = user.IsAdmin || user.IsStaff || user.IsLeader;
        var sessionIds = c.Sessions.Select(s => s.Id).ToList();
        var questionCounts = await db.QuizQuestions.AsNoTracking().Where(q => sessionIds.Contains(q.SessionId)).GroupBy(q => q.SessionId)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        Dictionary<int, MySessionState> mine = [];
        CourseProgress? progress = null;
        if (user.MemberId is { } mid && await db.CourseEnrolments.AnyAsync(e => e.CourseId == c.Id && e.MemberId == mid, ct))
        {
            mine = await SessionStatesAsync(db, c, mid, ct);
            progress = (await ProgressAsync(db, [c.Id], mid, ct)).GetValueOrDefault(c.Id);
        }
        var sessions = c.Sessions.OrderBy(s => s.SortOrder).Select(s => new CourseSessionDto(s.Id, s.SortOrder, s.ActivityId, s.Activity!.Title, s.Activity.StartsAt, s.Activity.EndsAt,
            ActivityRules.PlaceText(s.Activity), s.Activity.Status.ToString().ToLowerInvariant(), questionCounts.GetValueOrDefault(s.Id), s.PassPercent, s.MaxAttempts,
            mine.GetValueOrDefault(s.Id))).ToList();
        var audience = office ? new CourseAudienceInput(
            c.Audience.Where(a => a.Kind == CourseAudienceKind.Committee).Select(a => committees[a.TargetId].Code).ToArray(),
            c.Audience.Where(a => a.Kind == CourseAudienceKind.Sector).Select(a => a.TargetId).ToArray(),
            c.Audience.Where(a => a.Kind == CourseAudienceKind.SpecialCommittee).Select(a => a.TargetId).ToArray(),
            c.Audience.Where(a => a.Kind == CourseAudienceKind.Member).Select(a => a.TargetId).ToArray(),
            c.Audience.Where(a => a.Kind == CourseAudienceKind.NewMembers).Select(a => committees[a.TargetId].Code).ToArray()) : null;
        var counts = await db.CourseEnrolments.AsNoTracking().Where(e => e.CourseId == c.Id).GroupBy(e => 1)
            .Select(g => new { Enrolled = g.Count(), Completed = g.Count(e => e.CompletedAt != null) }).FirstOrDefaultAsync(ct);
        return new CourseDetail(c.Id, c.Title, c.Description, CourseRules.StatusCode(c.Status), CourseRules.StatusName(c.Status),
            c.Organizers.OrderBy(o => o.SortOrder).Select(o => new CourseOrganizerDto(committees[o.CommitteeId].Code, committees[o.CommitteeId].Name)).ToList(),
            audience, c.CompletionAttendedPercent, c.CompletionRequiresQuizzes, c.PublishedAt, sessions, await MaterialsAsync(db, c.Id, ct),
            office ? counts?.Enrolled ?? 0 : 0, office ? counts?.Completed ?? 0 : 0, progress, CourseAccess.CanManage(user, c));
    }

    /// <summary>The member's state in each session of <paramref name="c"/>.</summary>
    public static async Task<Dictionary<int, MySessionState>> SessionStatesAsync(AppDbContext db, Course c, int memberId, CancellationToken ct)
    {
        var activityIds = c.Sessions.Select(s => s.ActivityId).ToList();
        var sessionIds = c.Sessions.Select(s => s.Id).ToList();
        var invitations = await db.Invitations.AsNoTracking().Where(i => i.MemberId == memberId && activityIds.Contains(i.ActivityId))
            .ToDictionaryAsync(i => i.ActivityId, i => i.Attendance, ct);
        var checkIns = (await db.CheckIns.AsNoTracking().Where(x => x.MemberId == memberId && activityIds.Contains(x.ActivityId)).Select(x => x.ActivityId).ToListAsync(ct)).ToHashSet();
        var attempts = (await db.QuizAttempts.AsNoTracking().Where(a => a.MemberId == memberId && sessionIds.Contains(a.SessionId))
            .Select(a => new { a.SessionId, a.ScorePercent, a.Passed }).ToListAsync(ct)).ToLookup(a => a.SessionId);
        return c.Sessions.ToDictionary(s => s.Id, s =>
        {
            var confirmed = invitations.GetValueOrDefault(s.ActivityId);
            var tried = attempts[s.Id].ToList();
            return new MySessionState(CourseRules.Attended(confirmed, checkIns.Contains(s.ActivityId)), checkIns.Contains(s.ActivityId),
                confirmed is { } r ? ActivityRules.RoleCode(r) : null, tried.Count > 0 ? tried.Max(a => a.ScorePercent) : null, tried.Any(a => a.Passed), tried.Count);
        });
    }

    /// <summary>Materials of course <paramref name="courseId"/> in order.</summary>
    public static async Task<List<CourseMaterialDto>> MaterialsAsync(AppDbContext db, int courseId, CancellationToken ct) =>
        (await db.StudyMaterials.AsNoTracking().Where(m => m.CourseId == courseId).OrderBy(m => m.SortOrder).ThenBy(m => m.Id)
            .Select(m => new { m.Id, m.Kind, m.Title, m.Url, m.SessionId, FileName = m.StoredFile != null ? m.StoredFile.FileName : "", Size = m.StoredFile != null ? m.StoredFile.Size : 0, ContentType = m.StoredFile != null ? m.StoredFile.ContentType : "" })
            .ToListAsync(ct))
        .Select(m => new CourseMaterialDto(m.Id, StudyMaterials.KindCode(m.Kind), StudyMaterials.KindName(m.Kind), m.Title,
            m.Kind == MaterialKind.Link ? m.Url : $"/api/courses/{courseId}/materials/{m.Id}", m.SessionId, m.FileName, m.Size, m.ContentType)).ToList();

    /// <summary>The enrolment table of course <paramref name="courseId"/> in the viewer's scope (office accounts), by committee and roster order.</summary>
    public static async Task<List<EnrolmentRow>> EnrolmentsAsync(AppDbContext db, int courseId, CurrentUser user, CancellationToken ct)
    {
        var scope = user.IsAdmin ? "" : user.CommitteePath ?? "\u0000";
        return await db.CourseEnrolments.AsNoTracking().Where(e => e.CourseId == courseId && e.CommitteePath.StartsWith(scope))
            .OrderBy(e => e.CommitteePath).ThenBy(e => e.Member!.StrokeKey + "").ThenBy(e => e.MemberId)
            .Select(e => new EnrolmentRow(e.MemberId, e.Member!.Name, e.Member.Committee!.Name, e.SessionsAttended, e.QuizzesPassed, e.CompletedAt != null, e.CompletedAt))
            .ToListAsync(ct);
    }

    /// <summary>
    /// Session <paramref name="s"/>'s quiz as <paramref name="user"/> sees it: the right answers only when they manage the
    /// course; the member's own attempts (with the questions answered wrong, recomputed from the stored answers).
    /// </summary>
    public static async Task<QuizView> QuizAsync(AppDbContext db, Course c, CourseSession s, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var manage = CourseAccess.CanManage(user, c);
        var questions = await db.QuizQuestions.AsNoTracking().Where(q => q.SessionId == s.Id).OrderBy(q => q.SortOrder).ToListAsync(ct);
        var views = questions.Select(q => new QuizQuestionView(q.Id, q.SortOrder, q.Text, q.Options, q.Correct.Count > 1, manage ? q.Correct : null)).ToList();
        List<AttemptView> attempts = [];
        if (user.MemberId is { } mid)
        {
            var rows = await db.QuizAttempts.AsNoTracking().Where(a => a.SessionId == s.Id && a.MemberId == mid).OrderBy(a => a.AttemptNumber).ToListAsync(ct);
            attempts = rows.Select(a =>
            {
                var answers = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, int[]>>(a.AnswersJson) ?? [];
                var byId = answers.Where(x => int.TryParse(x.Key, out _)).ToDictionary(x => int.Parse(x.Key, System.Globalization.CultureInfo.InvariantCulture), x => x.Value);
                var (_, wrong) = CourseRules.Score(questions, byId);
                return new AttemptView(a.AttemptNumber, a.ScorePercent, a.Passed, a.SubmittedAt, wrong, byId);
            }).ToList();
        }
        var closed = await CourseRules.QuizClosedReasonAsync(db, c, s, user.MemberId, questions.Count, clock, ct);
        var left = Math.Max(0, s.MaxAttempts - attempts.Count);
        var reason = closed?.Message ?? (left == 0 ? $"本讲测验最多答 {s.MaxAttempts} 次，您的次数已用完。" : null);
        return new QuizView(c.Id, s.Id, c.Title, s.Activity!.Title, s.PassPercent, s.MaxAttempts, views, attempts,
            attempts.Count > 0 ? attempts.Max(a => a.ScorePercent) : null, attempts.Any(a => a.Passed), left, reason is null, reason);
    }
}

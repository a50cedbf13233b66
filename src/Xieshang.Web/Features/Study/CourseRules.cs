using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Features.Activities;
using Xieshang.Web.Features.Duty;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;
using Xieshang.Web.Infrastructure.Http;
using Xieshang.Web.Infrastructure.Notifications;
using Xieshang.Web.Infrastructure.Text;

namespace Xieshang.Web.Features.Study;

/// <summary>
/// A course's audience as staff write it: whole committees and the new members of committees (codes), sectors, special
/// committees and named members (ids).
/// </summary>
public sealed record CourseAudienceInput(string[]? Committees, int[]? Sectors, int[]? SpecialCommittees, int[]? Members, string[]? NewMembers);

/// <summary>
/// Body of <c>POST /api/courses</c> and <c>PUT /api/courses/{id}</c>: title (1–200 characters), description (HTML or
/// plain text, sanitised, at most 20,000 characters), organising committees (codes, lead first), audience, completion
/// rules (attended per cent 0–100, default 80; quizzes required, default true). After publishing only title,
/// description and the completion rules change (organisers and audience, when sent, must be unchanged).
/// </summary>
public sealed record CourseInput(string? Title, string? Description, string[]? OrganizerCodes, CourseAudienceInput? Audience,
    int? CompletionAttendedPercent, bool? CompletionRequiresQuizzes);

/// <summary>
/// Body of <c>POST /api/courses/{id}/sessions</c>: the session's topic (its activity is titled
/// <c>课程名·第N讲 topic</c>), times (ISO 8601 instants), place or online link, agenda (sanitised), mandatory (default false).
/// </summary>
public sealed record SessionInput(string? Topic, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, string? Place, string? OnlineLink, string? Agenda, bool? Mandatory);

/// <summary>A quiz question as written: text (1–500), options (2–8, each 1–200 characters), zero-based indexes of the right options (at least one).</summary>
public sealed record QuizQuestionInput(string? Text, string[]? Options, int[]? Correct);

/// <summary>Body of <c>PUT /api/courses/{id}/sessions/{sid}/quiz</c>: pass mark (0–100 per cent, default 60), attempts (1–10, default 3), the questions (none: no quiz; at most 50).</summary>
public sealed record QuizInput(int? PassPercent, int? MaxAttempts, QuizQuestionInput[]? Questions);

/// <summary>Body of <c>POST /api/courses/{id}/sessions/{sid}/attempts</c>: chosen option indexes by question id (a question left out counts as unanswered, so wrong).</summary>
public sealed record AttemptInput(Dictionary<string, int[]>? Answers);

/// <summary>Body of cancelling a course: the reason (required once published; sent with the sessions' cancellation notices).</summary>
public sealed record CourseCancelInput(string? Reason);

/// <summary>
/// A scored attempt: its number, score (per cent, rounded down), passed, the ids of the questions answered wrong, the best
/// score so far, the attempts left.
/// </summary>
public sealed record AttemptResult(int AttemptNumber, int ScorePercent, bool Passed, IReadOnlyList<int> WrongQuestionIds, int BestScore, bool BestPassed, int AttemptsLeft);

/// <summary>
/// The rules of study courses (DOMAIN.md §4.9, issue 7 §1) in one place: drafting, sessions (activities of type training
/// created through <see cref="ActivityRules"/>), quizzes, publishing (sessions published, audience enrolled), cancelling,
/// closing, quiz attempts, and completion, whose duty records go through <see cref="DutyLedger"/> (source
/// <see cref="DutySource"/>). Attendance and its <c>attend.study</c> records stay the activities mechanism's. Endpoints and
/// pages only translate; a refusal (<see cref="RuleError"/>, Chinese message, field) changes nothing.
/// </summary>
public static class CourseRules
{
    /// <summary>Source of the completion duty records.</summary>
    public const string DutySource = "course";

    /// <summary>Scoring rule code of a completed course.</summary>
    public const string CompletedCode = "study.completed";

    /// <summary>How far back a roster record counts as a new member (新委员) when the course is published.</summary>
    public static readonly TimeSpan NewMemberWindow = TimeSpan.FromDays(365);

    /// <summary>Most questions of a quiz.</summary>
    public const int MaxQuestions = 50;

    /// <summary>Sessions a member must attend: <c>ceil(percent × sessions / 100)</c>.</summary>
    public static int RequiredSessions(int percent, int sessions) => (Math.Clamp(percent, 0, 100) * sessions + 99) / 100;

    /// <summary>
    /// Whether a session counts as attended: confirmed attendance present / nonvoting / speaker / author, or — attendance
    /// not yet confirmed for the member — a check-in.
    /// </summary>
    public static bool Attended(AttendanceRole? confirmed, bool checkedIn) => confirmed switch
    {
        AttendanceRole.Present or AttendanceRole.NonVoting or AttendanceRole.Speaker or AttendanceRole.Author => true,
        null => checkedIn,
        _ => false,
    };

    /// <summary>Whether a member completed: at least one session, <see cref="RequiredSessions"/> attended and, when required, every quiz passed.</summary>
    public static bool Completed(int percent, bool quizzesRequired, int sessions, int attended, int quizzes, int quizzesPassed) =>
        sessions > 0 && attended >= RequiredSessions(percent, sessions) && (!quizzesRequired || quizzesPassed >= quizzes);

    /// <summary>Score of an attempt: per cent of the questions whose chosen set equals the right set exactly, rounded down; with the ids answered wrong.</summary>
    public static (int Percent, List<int> Wrong) Score(IReadOnlyList<QuizQuestion> questions, IReadOnlyDictionary<int, int[]> answers)
    {
        var wrong = new List<int>();
        foreach (var q in questions)
        {
            var chosen = answers.TryGetValue(q.Id, out var a) ? a.Distinct().Order().ToList() : [];
            if (!chosen.SequenceEqual(q.Correct.Distinct().Order())) wrong.Add(q.Id);
        }
        return (questions.Count == 0 ? 0 : (questions.Count - wrong.Count) * 100 / questions.Count, wrong);
    }

    /// <summary>API code of a status: <c>draft</c>, <c>published</c>, <c>closed</c>, <c>cancelled</c>.</summary>
    public static string StatusCode(CourseStatus s) => s.ToString().ToLowerInvariant();

    /// <summary>Chinese name of a status.</summary>
    public static string StatusName(CourseStatus s) => s switch
    {
        CourseStatus.Draft => "草稿",
        CourseStatus.Published => "进行中",
        CourseStatus.Closed => "已结束",
        _ => "已取消",
    };

    // ---------------------------------------------------------------- drafting

    /// <summary>Creates a draft course (staff of every organiser, or the administrator) and saves it.</summary>
    public static async Task<(Course? Course, RuleError? Error)> CreateAsync(AppDbContext db, CourseInput input, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        if (!user.IsStaff && !user.IsAdmin) return (null, RuleError.Forbidden("只有工作人员可以新建课程。"));
        var now = clock.GetUtcNow();
        var c = new Course { Status = CourseStatus.Draft, CreatedBy = user.UserName, CreatedAt = now, UpdatedAt = now };
        if (await ApplyAsync(db, c, input, user, ct) is { } error) return (null, error);
        db.Courses.Add(c);
        await db.SaveChangesAsync(ct);
        return (c, null);
    }

    /// <summary>
    /// Changes a course (<see cref="CourseAccess.CanManage"/> checked by the caller): a draft entirely; a published course
    /// its title, description and completion rules (enrolments and completion records are recomputed). Saves.
    /// </summary>
    public static async Task<RuleError?> UpdateAsync(AppDbContext db, Course c, CourseInput input, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        if (c.Status is CourseStatus.Cancelled or CourseStatus.Closed) return RuleError.Conflict(c.Status == CourseStatus.Closed ? "课程已结束，不能修改。" : "课程已取消，不能修改。");
        var oldTitle = c.Title;
        if (c.Status == CourseStatus.Published)
        {
            var codes = await db.Committees.Where(x => c.Organizers.Select(o => o.CommitteeId).Contains(x.Id)).ToDictionaryAsync(x => x.Id, x => x.Code, ct);
            var current = c.Organizers.OrderBy(o => o.SortOrder).Select(o => codes[o.CommitteeId]).ToList();
            if (input.OrganizerCodes is { } sent && !sent.Select(s => s?.Trim()).SequenceEqual(current))
                return RuleError.Conflict("课程已发布，不能修改主办方；如需调整请取消后重新发布。", "organizerCodes");
            if (input.Audience is not null)
                return RuleError.Conflict("课程已发布，学习对象已报名，不能修改学习对象。", "audience");
            input = input with { OrganizerCodes = current.ToArray() };
        }
        var keepAudience = c.Status == CourseStatus.Published || input.Audience is null;
        if (await ApplyAsync(db, c, input, user, ct, keepAudience) is { } error)
        {
            db.ChangeTracker.Clear();
            return error;
        }
        c.UpdatedAt = clock.GetUtcNow();
        // Sessions are titled after the course: keep them so.
        if (oldTitle != c.Title)
            foreach (var s in c.Sessions.Where(s => s.Activity is not null && s.Activity.Title.StartsWith(oldTitle + "·", StringComparison.Ordinal)))
            {
                var t = c.Title + s.Activity!.Title[oldTitle.Length..];
                s.Activity.Title = t.Length > 200 ? t[..200] : t;
            }
        await db.SaveChangesAsync(ct);
        if (c.Status == CourseStatus.Published)
        {
            await RecomputeAndSaveAsync(db, c.Id, clock, ct);
        }
        return null;
    }

    private static async Task<RuleError?> ApplyAsync(AppDbContext db, Course c, CourseInput input, CurrentUser user, CancellationToken ct, bool keepAudience = false)
    {
        var title = input.Title?.Trim() ?? "";
        if (title.Length == 0) return RuleError.Bad("请填写课程名称。", "title");
        if (title.Length > 150) return RuleError.Bad("课程名称不能超过 150 个字（各讲的活动名称还要加上“·第N讲”和主题）。", "title");
        var description = RichText.Sanitize(input.Description);
        if (description.Length > 20000) return RuleError.Bad("课程简介过长（不超过 20000 字符）。", "description");
        var percent = input.CompletionAttendedPercent ?? c.CompletionAttendedPercent;
        if (percent is < 0 or > 100) return RuleError.Bad("结业所需出勤比例应在 0 到 100 之间（百分比）。", "completionAttendedPercent");

        var codes = (input.OrganizerCodes ?? []).Select(x => x?.Trim() ?? "").Where(x => x.Length > 0).Distinct().ToList();
        if (codes.Count == 0) return RuleError.Bad("请至少指定一个主办政协组织。", "organizerCodes");
        var organizers = await db.Committees.AsNoTracking().Where(x => codes.Contains(x.Code)).ToListAsync(ct);
        if (codes.FirstOrDefault(code => organizers.All(o => o.Code != code)) is { } unknown) return RuleError.Bad($"未找到代码为“{unknown}”的政协组织。", "organizerCodes");
        if (organizers.FirstOrDefault(o => !Scope.CanManage(user, o.Path)) is { } outside)
            return new RuleError(403, $"您无权以“{outside.Name}”的名义举办课程；联合举办时每个主办方都须在您的管理范围内。", "organizerCodes");

        List<CourseAudience>? audience = null;
        if (!keepAudience)
        {
            var (lines, error) = await ResolveAudienceAsync(db, input.Audience!, user, ct);
            if (error is not null) return error;
            audience = lines;
        }

        c.Title = title;
        c.Description = description;
        c.CompletionAttendedPercent = percent;
        c.CompletionRequiresQuizzes = input.CompletionRequiresQuizzes ?? c.CompletionRequiresQuizzes;
        var ordered = codes.Select(code => organizers.Single(o => o.Code == code)).ToList();
        c.CommitteeId = ordered[0].Id;
        c.CommitteePath = ordered[0].Path;
        var wanted = ordered.Select((o, i) => new CourseOrganizer { CommitteeId = o.Id, CommitteePath = o.Path, SortOrder = i }).ToList();
        if (!c.Organizers.Select(o => (o.CommitteeId, o.SortOrder)).SequenceEqual(wanted.Select(o => (o.CommitteeId, o.SortOrder))))
        {
            c.Organizers.Clear();
            c.Organizers.AddRange(wanted);
        }
        if (audience is not null)
        {
            c.Audience.Clear();
            c.Audience.AddRange(audience);
        }
        return null;
    }

    private static async Task<(List<CourseAudience> Lines, RuleError? Error)> ResolveAudienceAsync(AppDbContext db, CourseAudienceInput input, CurrentUser user, CancellationToken ct)
    {
        var lines = new List<CourseAudience>();
        async Task<RuleError?> Committees(string[]? codes, CourseAudienceKind kind, string field, string what)
        {
            var list = (codes ?? []).Select(x => x?.Trim() ?? "").Where(x => x.Length > 0).Distinct().ToList();
            var found = await db.Committees.AsNoTracking().Where(x => list.Contains(x.Code)).Select(x => new { x.Id, x.Code, x.Path, x.Name }).ToListAsync(ct);
            foreach (var code in list)
            {
                var x = found.FirstOrDefault(f => f.Code == code);
                if (x is null) return RuleError.Bad($"未找到代码为“{code}”的政协组织。", field);
                if (!Scope.CanManage(user, x.Path)) return new RuleError(403, $"您无权将“{x.Name}”{what}列为学习对象。", field);
                lines.Add(new CourseAudience { Kind = kind, TargetId = x.Id });
            }
            return null;
        }
        if (await Committees(input.Committees, CourseAudienceKind.Committee, "audience.committees", "全体委员") is { } e1) return (lines, e1);
        if (await Committees(input.NewMembers, CourseAudienceKind.NewMembers, "audience.newMembers", "新委员") is { } e2) return (lines, e2);
        // Sectors and special committees: ids whose committee must be in the manager's scope.
        RuleError? Groups(int[]? ids, Dictionary<int, string> paths, CourseAudienceKind kind, string field, string what)
        {
            foreach (var id in (ids ?? []).Distinct())
            {
                if (!paths.TryGetValue(id, out var path)) return RuleError.Bad($"未找到{what} {id}。", field);
                if (!Scope.CanManage(user, path)) return new RuleError(403, $"{what} {id} 不在您的管理范围内。", field);
                lines.Add(new CourseAudience { Kind = kind, TargetId = id });
            }
            return null;
        }
        var sectorIds = input.Sectors ?? [];
        var specialIds = input.SpecialCommittees ?? [];
        var sectorPaths = await db.Sectors.AsNoTracking().Where(x => sectorIds.Contains(x.Id)).Select(x => new { x.Id, x.Committee!.Path }).ToDictionaryAsync(x => x.Id, x => x.Path, ct);
        var specialPaths = await db.SpecialCommittees.AsNoTracking().Where(x => specialIds.Contains(x.Id)).Select(x => new { x.Id, x.Committee!.Path }).ToDictionaryAsync(x => x.Id, x => x.Path, ct);
        if (Groups(sectorIds, sectorPaths, CourseAudienceKind.Sector, "audience.sectors", "界别") is { } e3) return (lines, e3);
        if (Groups(specialIds, specialPaths, CourseAudienceKind.SpecialCommittee, "audience.specialCommittees", "专门委员会") is { } e4) return (lines, e4);
        var memberIds = (input.Members ?? []).Distinct().ToList();
        var members = await db.Members.AsNoTracking().Where(m => memberIds.Contains(m.Id)).Select(m => new { m.Id, m.CommitteePath, m.IsActive }).ToListAsync(ct);
        foreach (var id in memberIds)
        {
            var m = members.FirstOrDefault(x => x.Id == id);
            if (m is null) return (lines, RuleError.Bad($"未找到委员 {id}。", "audience.members"));
            if (!Scope.CanManage(user, m.CommitteePath)) return (lines, new RuleError(403, $"委员 {id} 不在您的管理范围内。", "audience.members"));
            if (!m.IsActive) return (lines, RuleError.Bad($"委员 {id} 已不在任。", "audience.members"));
            lines.Add(new CourseAudience { Kind = CourseAudienceKind.Member, TargetId = id });
        }
        return (lines, null);
    }

    /// <summary>
    /// The activities mechanism's invitee rules for a session of <paramref name="c"/>: the course audience, with each
    /// new-members line resolved to the named members who are new at <paramref name="at"/> (roster record created within
    /// <see cref="NewMemberWindow"/> before it).
    /// </summary>
    public static async Task<List<ActivityInviteeRule>> InviteeRulesAsync(AppDbContext db, Course c, DateTimeOffset at, CancellationToken ct)
    {
        var rules = new List<ActivityInviteeRule>();
        foreach (var line in c.Audience)
        {
            switch (line.Kind)
            {
                case CourseAudienceKind.Committee: rules.Add(new() { Kind = InviteeKind.Committee, TargetId = line.TargetId }); break;
                case CourseAudienceKind.Sector: rules.Add(new() { Kind = InviteeKind.Sector, TargetId = line.TargetId }); break;
                case CourseAudienceKind.SpecialCommittee: rules.Add(new() { Kind = InviteeKind.SpecialCommittee, TargetId = line.TargetId }); break;
                case CourseAudienceKind.Member: rules.Add(new() { Kind = InviteeKind.Member, TargetId = line.TargetId }); break;
                case CourseAudienceKind.NewMembers:
                    var since = at - NewMemberWindow;
                    var ids = await db.Members.AsNoTracking().Where(m => m.CommitteeId == line.TargetId && m.IsActive && m.CreatedAt >= since).Select(m => m.Id).ToListAsync(ct);
                    rules.AddRange(ids.Select(id => new ActivityInviteeRule { Kind = InviteeKind.Member, TargetId = id }));
                    break;
            }
        }
        return rules.DistinctBy(r => (r.Kind, r.TargetId)).ToList();
    }

    // ---------------------------------------------------------------- sessions

    /// <summary>
    /// Adds a session: an activity of type training titled <c>课程名·第N讲 topic</c>, organised by the course's organisers and
    /// inviting its audience, created through <see cref="ActivityRules.SaveAsync"/> (its validation and scope); published at
    /// once when the course is. One transaction.
    /// </summary>
    public static async Task<(CourseSession? Session, RuleError? Error)> AddSessionAsync(AppDbContext db, Course c, SessionInput input, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        if (c.Status is not (CourseStatus.Draft or CourseStatus.Published)) return (null, RuleError.Conflict(c.Status == CourseStatus.Closed ? "课程已结束，不能再添加课次。" : "课程已取消，不能再添加课次。"));
        var topic = input.Topic?.Trim() ?? "";
        var n = c.Sessions.Count == 0 ? 1 : c.Sessions.Max(s => s.SortOrder) + 1;
        var title = $"{c.Title}·第{n}讲{(topic.Length > 0 ? " " + topic : "")}";
        if (title.Length > 200) return (null, RuleError.Bad($"本讲主题过长：活动名称“课程名·第N讲 主题”不能超过 200 个字。", "topic"));
        var codes = await db.Committees.AsNoTracking().Where(x => c.Organizers.Select(o => o.CommitteeId).Contains(x.Id)).ToDictionaryAsync(x => x.Id, x => x.Code, ct);
        var organizerCodes = c.Organizers.OrderBy(o => o.SortOrder).Select(o => codes[o.CommitteeId]).ToArray();
        var now = clock.GetUtcNow();
        var rules = await InviteeRulesAsync(db, c, c.PublishedAt ?? now, ct);
        var courseId = c.Id;

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var a = new Activity { Status = ActivityStatus.Draft, CreatedBy = user.UserName, CreatedAt = now };
        var errors = await ActivityRules.SaveAsync(db, a, new ActivityInput(title, "training", input.StartsAt, input.EndsAt, input.Place, input.OnlineLink,
            input.Agenda, organizerCodes, null, input.Mandatory ?? false, null), user, clock, ct);
        if (errors.Count > 0)
        {
            var (field, messages) = errors.First();
            return (null, RuleError.Bad(messages[0], field == "title" ? "topic" : field));
        }
        a.InviteeRules.AddRange(rules);
        var session = new CourseSession { CourseId = courseId, ActivityId = a.Id, SortOrder = n };
        db.CourseSessions.Add(session);
        await db.SaveChangesAsync(ct);
        if (c.Status == CourseStatus.Published)
        {
            if (await ActivityRules.PublishAsync(db, a, clock, ct) is { } refused)
            {
                db.ChangeTracker.Clear();
                return (null, new RuleError(refused.Status, refused.Message, refused.Field.Length > 0 ? refused.Field : "startsAt"));
            }
        }
        await tx.CommitAsync(ct);
        return (session, null);
    }

    /// <summary>
    /// Sets a session's quiz (pass mark, attempts, questions; no questions: no quiz). Refused once anyone has made an attempt
    /// (the questions are fixed from the first attempt), and for a closed or cancelled course. Saves.
    /// </summary>
    public static async Task<RuleError?> SaveQuizAsync(AppDbContext db, Course c, int sessionId, QuizInput input, TimeProvider clock, CancellationToken ct)
    {
        var s = c.Sessions.FirstOrDefault(x => x.Id == sessionId);
        if (s is null) return RuleError.NotFound("本课程没有这一讲。");
        if (c.Status is not (CourseStatus.Draft or CourseStatus.Published)) return RuleError.Conflict("课程已结束或已取消，不能修改测验。");
        if (await db.QuizAttempts.AnyAsync(x => x.SessionId == sessionId, ct)) return RuleError.Conflict("已有委员参加本讲测验，题目不能再修改。", "questions");
        var pass = input.PassPercent ?? s.PassPercent;
        if (pass is < 0 or > 100) return RuleError.Bad("及格线应在 0 到 100 之间（百分比）。", "passPercent");
        var max = input.MaxAttempts ?? s.MaxAttempts;
        if (max is < 1 or > 10) return RuleError.Bad("答题次数应在 1 到 10 之间。", "maxAttempts");
        var questions = input.Questions ?? [];
        if (questions.Length > MaxQuestions) return RuleError.Bad($"每讲测验最多 {MaxQuestions} 题。", "questions");
        var rows = new List<QuizQuestion>();
        for (var i = 0; i < questions.Length; i++)
        {
            var q = questions[i];
            var no = $"第 {i + 1} 题";
            var text = q.Text?.Trim() ?? "";
            if (text.Length == 0) return RuleError.Bad($"{no}：请填写题目。", "questions");
            if (text.Length > 500) return RuleError.Bad($"{no}：题目不能超过 500 个字。", "questions");
            var options = (q.Options ?? []).Select(o => o?.Trim() ?? "").ToList();
            if (options.Count is < 2 or > 8) return RuleError.Bad($"{no}：选项应为 2 到 8 个。", "questions");
            if (options.Any(o => o.Length == 0)) return RuleError.Bad($"{no}：选项不能为空。", "questions");
            if (options.Any(o => o.Length > 200)) return RuleError.Bad($"{no}：每个选项不能超过 200 个字。", "questions");
            if (options.Distinct().Count() != options.Count) return RuleError.Bad($"{no}：选项不能重复。", "questions");
            var correct = (q.Correct ?? []).Distinct().Order().ToList();
            if (correct.Count == 0) return RuleError.Bad($"{no}：请至少标出一个正确选项。", "questions");
            if (correct.Any(x => x < 0 || x >= options.Count)) return RuleError.Bad($"{no}：正确选项须是已有选项（从 0 起的序号）。", "questions");
            rows.Add(new QuizQuestion { SessionId = s.Id, SortOrder = i + 1, Text = text, Options = options, Correct = correct });
        }
        s.PassPercent = pass;
        s.MaxAttempts = max;
        db.QuizQuestions.RemoveRange(await db.QuizQuestions.Where(x => x.SessionId == s.Id).ToListAsync(ct));
        db.QuizQuestions.AddRange(rows);
        c.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        if (c.Status == CourseStatus.Published)
        {
            await RecomputeAndSaveAsync(db, c.Id, clock, ct);
        }
        return null;
    }

    // ---------------------------------------------------------------- lifecycle

    /// <summary>
    /// Publishes a draft: every session's activity gets the course audience as invitees and is published through
    /// <see cref="ActivityRules.PublishAsync"/> (invitations and notices are that mechanism's); the audience is enrolled
    /// (<see cref="CourseEnrolment"/> rows) and told about the course. One transaction: a session that cannot be published
    /// (ended, no active invitee) refuses the whole.
    /// </summary>
    public static async Task<RuleError?> PublishAsync(AppDbContext db, Course c, TimeProvider clock, CancellationToken ct)
    {
        if (c.Status != CourseStatus.Draft) return RuleError.Conflict(c.Status == CourseStatus.Published ? "课程已发布。" : "课程已结束或已取消，不能发布。");
        var sessions = c.Sessions.Where(s => s.Activity!.Status != ActivityStatus.Cancelled).OrderBy(s => s.SortOrder).ToList();
        if (sessions.Count == 0) return RuleError.Bad("请先添加至少一讲课程再发布。", "sessions");
        if (c.Audience.Count == 0) return RuleError.Bad("请先指定学习对象（政协组织、界别、专门委员会、新委员或委员）。", "audience");
        var now = clock.GetUtcNow();
        var rules = await InviteeRulesAsync(db, c, now, ct);
        var members = await ActivityRules.ResolveInviteesAsync(db, new Activity { InviteeRules = rules }, ct);
        if (members.Count == 0) return RuleError.Bad("学习对象中没有在任委员，不能发布。", "audience");

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        foreach (var s in sessions)
        {
            var a = await db.Activities.Include(x => x.InviteeRules).Include(x => x.Organizers).AsSplitQuery().FirstAsync(x => x.Id == s.ActivityId, ct);
            a.InviteeRules.Clear();
            a.InviteeRules.AddRange(rules.Select(r => new ActivityInviteeRule { Kind = r.Kind, TargetId = r.TargetId }));
            if (a.Status == ActivityStatus.Draft && await ActivityRules.PublishAsync(db, a, clock, ct) is { } refused)
            {
                db.ChangeTracker.Clear();
                return new RuleError(refused.Status == 400 ? 400 : 409, $"第{s.SortOrder}讲：{refused.Message}", "sessions");
            }
        }
        c.Status = CourseStatus.Published;
        c.PublishedAt = now;
        c.UpdatedAt = now;
        var rows = await db.Members.AsNoTracking().Where(m => members.Contains(m.Id)).Select(m => new { m.Id, m.CommitteePath }).ToListAsync(ct);
        db.CourseEnrolments.AddRange(rows.Select(m => new CourseEnrolment { CourseId = c.Id, MemberId = m.Id, CommitteePath = m.CommitteePath, EnrolledAt = now }));
        await Notifier.ToMembersAsync(db, rows.Select(m => m.Id).ToList(), new Notice("course.published", $"学习培训：{c.Title}",
            $"您已被列为“{c.Title}”的学习对象，共 {sessions.Count} 讲。请按时参加并完成各讲测验。", $"/study/courses/{c.Id}"), clock, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return null;
    }

    /// <summary>
    /// Cancels a draft or published course: its sessions not yet started are cancelled through
    /// <see cref="ActivityRules.CancelAsync"/> (notices to invitees); held sessions and their attendance stay. A published
    /// course needs a reason (1–500 characters). One transaction.
    /// </summary>
    public static async Task<RuleError?> CancelAsync(AppDbContext db, Course c, string? reason, TimeProvider clock, CancellationToken ct)
    {
        if (c.Status is CourseStatus.Cancelled or CourseStatus.Closed) return RuleError.Conflict(c.Status == CourseStatus.Closed ? "课程已结束，不能取消。" : "课程已取消。");
        var why = reason?.Trim() ?? "";
        if (c.Status == CourseStatus.Published && why.Length == 0) return RuleError.Bad("请填写取消原因，它会随通知发给学习对象。", "reason");
        if (why.Length > 500) return RuleError.Bad("取消原因不能超过 500 字。", "reason");
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        foreach (var s in c.Sessions.Where(s => s.Activity!.Status != ActivityStatus.Cancelled && s.Activity.StartsAt > now && s.Activity.AttendanceConfirmedAt is null))
        {
            if (await ActivityRules.CancelAsync(db, s.Activity!, why.Length > 0 ? why : "课程已取消", clock, ct) is { } refused)
            {
                db.ChangeTracker.Clear();
                return new RuleError(refused.Status, $"第{s.SortOrder}讲：{refused.Message}", "reason");
            }
        }
        c.Status = CourseStatus.Cancelled;
        c.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return null;
    }

    /// <summary>Closes a published course: no more quiz attempts; attendance confirmed later still counts. Saves.</summary>
    public static async Task<RuleError?> CloseAsync(AppDbContext db, Course c, TimeProvider clock, CancellationToken ct)
    {
        if (c.Status != CourseStatus.Published) return RuleError.Conflict(c.Status == CourseStatus.Draft ? "草稿课程不能结束，请发布或取消。" : "课程已结束或已取消。");
        c.Status = CourseStatus.Closed;
        c.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return null;
    }

    // ---------------------------------------------------------------- quizzes

    /// <summary>
    /// Why member <paramref name="memberId"/> cannot take session <paramref name="s"/>'s quiz now, or null: enrolled members only,
    /// from the session's start until the course is closed; a cancelled session or one without questions has no quiz.
    /// </summary>
    public static async Task<RuleError?> QuizClosedReasonAsync(AppDbContext db, Course c, CourseSession s, int? memberId, int questions, TimeProvider clock, CancellationToken ct)
    {
        if (memberId is not { } mid || !await db.CourseEnrolments.AnyAsync(e => e.CourseId == c.Id && e.MemberId == mid, ct))
            return RuleError.Forbidden("只有本课程的学习对象可以参加测验。");
        if (questions == 0) return RuleError.Conflict("本讲没有测验。");
        if (c.Status == CourseStatus.Closed) return RuleError.Conflict("课程已结束，测验已关闭。");
        if (c.Status != CourseStatus.Published) return RuleError.Conflict("课程未在进行中，不能参加测验。");
        if (s.Activity!.Status == ActivityStatus.Cancelled) return RuleError.Conflict("本讲已取消。");
        if (clock.GetUtcNow() < s.Activity.StartsAt) return RuleError.Conflict($"本讲开始后（{ActivityRules.When(s.Activity)}）才能参加测验。");
        return null;
    }

    /// <summary>
    /// Scores and stores an attempt of the signed-in member. The attempt number is the next free one; the unique index
    /// (session, member, number) decides a race, and a number beyond <see cref="CourseSession.MaxAttempts"/> is refused, so
    /// parallel last attempts leave exactly one. Then the course's completion is recomputed. Saves. A submission with no
    /// answer at all is refused (400, field <c>answers</c>, 请先作答…) and stores nothing.
    /// </summary>
    public static async Task<(AttemptResult? Result, RuleError? Error)> AttemptAsync(AppDbContext db, Course c, int sessionId, int? memberId, AttemptInput input, TimeProvider clock, CancellationToken ct)
    {
        var s = c.Sessions.FirstOrDefault(x => x.Id == sessionId);
        if (s is null) return (null, RuleError.NotFound("本课程没有这一讲。"));
        var questions = await db.QuizQuestions.AsNoTracking().Where(q => q.SessionId == sessionId).OrderBy(q => q.SortOrder).ToListAsync(ct);
        if (await QuizClosedReasonAsync(db, c, s, memberId, questions.Count, clock, ct) is { } closed) return (null, closed);
        var answers = new Dictionary<int, int[]>();
        foreach (var (key, chosen) in input.Answers ?? [])
        {
            if (!int.TryParse(key, out var qid) || questions.FirstOrDefault(q => q.Id == qid) is not { } q) return (null, RuleError.Bad($"题目“{key}”不属于本讲测验。", "answers"));
            if ((chosen ?? []).Any(i => i < 0 || i >= q.Options.Count)) return (null, RuleError.Bad($"第 {q.SortOrder} 题的选项序号无效。", "answers"));
            answers[qid] = chosen ?? [];
        }
        // Nothing ticked at all: refused before anything is stored, so an accidental empty submit uses no attempt.
        if (!answers.Values.Any(a => a.Length > 0)) return (null, RuleError.Bad("请先作答：至少选择一道题的答案后再提交。", "answers"));
        var (score, wrong) = Score(questions, answers);
        var mid = memberId!.Value;
        var json = JsonSerializer.Serialize(answers.ToDictionary(a => a.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), a => a.Value.Distinct().Order().ToArray()));
        QuizAttempt? stored = null;
        for (var tries = 0; tries <= s.MaxAttempts && stored is null; tries++)
        {
            var next = await db.QuizAttempts.Where(x => x.SessionId == sessionId && x.MemberId == mid).Select(x => (int?)x.AttemptNumber).MaxAsync(ct) ?? 0;
            if (next >= s.MaxAttempts) return (null, RuleError.Conflict($"本讲测验最多答 {s.MaxAttempts} 次，您的次数已用完。"));
            var row = new QuizAttempt
            {
                SessionId = sessionId, MemberId = mid, AttemptNumber = next + 1, AnswersJson = json, ScorePercent = score,
                Passed = score >= s.PassPercent, SubmittedAt = clock.GetUtcNow(),
            };
            db.QuizAttempts.Add(row);
            try
            {
                await db.SaveChangesAsync(ct);
                stored = row;
            }
            catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
            {
                db.Entry(row).State = EntityState.Detached; // another tab took this number: try the next one
            }
        }
        if (stored is null) return (null, RuleError.Conflict($"本讲测验最多答 {s.MaxAttempts} 次，您的次数已用完。"));
        await RecomputeAndSaveAsync(db, c.Id, clock, ct);
        var mine = await db.QuizAttempts.AsNoTracking().Where(x => x.SessionId == sessionId && x.MemberId == mid).Select(x => new { x.ScorePercent, x.Passed }).ToListAsync(ct);
        return (new AttemptResult(stored.AttemptNumber, score, stored.Passed, wrong, mine.Max(x => x.ScorePercent), mine.Any(x => x.Passed),
            Math.Max(0, s.MaxAttempts - mine.Count)), null);
    }

    // ---------------------------------------------------------------- completion

    /// <summary>
    /// Called by the activities mechanism after a check-in or an attendance confirmation of activity
    /// <paramref name="activityId"/>: when it is a course session, recomputes that course's enrolments and saves. Nothing
    /// otherwise.
    /// </summary>
    public static async Task AfterAttendanceAsync(AppDbContext db, int activityId, TimeProvider clock, CancellationToken ct)
    {
        var courseId = await db.CourseSessions.Where(s => s.ActivityId == activityId).Select(s => (int?)s.CourseId).FirstOrDefaultAsync(ct);
        if (courseId is not { } id) return;
        await RecomputeAndSaveAsync(db, id, clock, ct);
    }

    /// <summary>
    /// <see cref="RecomputeAsync"/> and save through <see cref="DutyLedger.SaveRecomputedAsync"/>: when a concurrent
    /// recomputation (two check-ins at once) wrote the same completion record first, this recomputes from the new state
    /// (at most 3 tries), reloading the enrolments too (their completion time may have been set by the other request).
    /// </summary>
    public static async Task RecomputeAndSaveAsync(AppDbContext db, int courseId, TimeProvider clock, CancellationToken ct)
    {
        var retry = false;
        await DutyLedger.SaveRecomputedAsync(db, async () =>
        {
            if (retry)
                foreach (var entry in db.ChangeTracker.Entries<CourseEnrolment>().ToList()) entry.State = EntityState.Detached;
            retry = true;
            await RecomputeAsync(db, courseId, clock, ct);
        }, ct);
    }

    /// <summary>
    /// Recomputes every enrolment of course <paramref name="courseId"/> (sessions attended, quizzes passed, completion) and
    /// replaces the course's duty records (<c>study.completed</c> for each completed member, occurred at the completion time)
    /// through <see cref="DutyLedger.ReplaceAsync"/>. Cancelled sessions do not count. The caller saves.
    /// </summary>
    public static async Task RecomputeAsync(AppDbContext db, int courseId, TimeProvider clock, CancellationToken ct)
    {
        var c = await db.Courses.AsNoTracking().FirstAsync(x => x.Id == courseId, ct);
        var sessions = await db.CourseSessions.AsNoTracking().Where(s => s.CourseId == courseId && s.Activity!.Status != ActivityStatus.Cancelled)
            .Select(s => new { s.Id, s.ActivityId, Questions = db.QuizQuestions.Count(q => q.SessionId == s.Id) }).ToListAsync(ct);
        var activityIds = sessions.Select(s => s.ActivityId).ToList();
        var sessionIds = sessions.Select(s => s.Id).ToList();
        var quizSessions = sessions.Where(s => s.Questions > 0).Select(s => s.Id).ToHashSet();
        var enrolments = await db.CourseEnrolments.Where(e => e.CourseId == courseId).ToListAsync(ct);
        var confirmed = (await db.Invitations.AsNoTracking().Where(i => activityIds.Contains(i.ActivityId) && db.CourseEnrolments.Any(e => e.CourseId == courseId && e.MemberId == i.MemberId))
            .Select(i => new { i.ActivityId, i.MemberId, i.Attendance }).ToListAsync(ct)).ToDictionary(i => (i.ActivityId, i.MemberId), i => i.Attendance);
        var checkedIn = (await db.CheckIns.AsNoTracking().Where(x => activityIds.Contains(x.ActivityId)).Select(x => new { x.ActivityId, x.MemberId }).ToListAsync(ct))
            .Select(x => (x.ActivityId, x.MemberId)).ToHashSet();
        var passed = (await db.QuizAttempts.AsNoTracking().Where(a => sessionIds.Contains(a.SessionId) && a.Passed).Select(a => new { a.SessionId, a.MemberId }).Distinct().ToListAsync(ct))
            .Where(a => quizSessions.Contains(a.SessionId)).GroupBy(a => a.MemberId).ToDictionary(g => g.Key, g => g.Count());
        var now = clock.GetUtcNow();
        foreach (var e in enrolments)
        {
            var attended = activityIds.Count(aid => Attended(confirmed.GetValueOrDefault((aid, e.MemberId)), checkedIn.Contains((aid, e.MemberId))));
            var quizzes = passed.GetValueOrDefault(e.MemberId);
            e.SessionsAttended = attended;
            e.QuizzesPassed = quizzes;
            var done = Completed(c.CompletionAttendedPercent, c.CompletionRequiresQuizzes, sessions.Count, attended, quizSessions.Count, quizzes);
            e.CompletedAt = done ? e.CompletedAt ?? now : null;
        }
        var events = enrolments.Where(e => e.CompletedAt is not null)
            .Select(e => new DutyEvent(e.MemberId, CompletedCode, DutySource, courseId, $"完成学习培训：{c.Title}", $"/study/courses/{courseId}", e.CompletedAt!.Value)).ToList();
        await DutyLedger.ReplaceAsync(db, DutySource, courseId, events, clock, ct);
    }
}

using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Features.Activities;
using Xieshang.Web.Features.Duty;
using Xieshang.Web.Infrastructure;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Study;

/// <summary>A session quiz result in a study record: session number, best score (per cent; null = not tried), passed, attempts made.</summary>
public sealed record StudyQuizResult(int SessionId, int SortOrder, int? BestScore, bool Passed, int Attempts);

/// <summary>A course in a study record: sessions attended of total, quiz results, completion (and when).</summary>
public sealed record StudyCourseRow(int CourseId, string Title, string Status, string StatusName, int SessionsAttended, int SessionsTotal, int SessionsRequired,
    IReadOnlyList<StudyQuizResult> Quizzes, bool Completed, DateTimeOffset? CompletedAt);

/// <summary>A lecture in a study record (attended or given): topic, speaker, series name, start, its activity.</summary>
public sealed record StudyLectureRow(int LectureId, string Topic, string SpeakerName, string Series, DateTimeOffset StartsAt, int ActivityId);

/// <summary>Reading of the year: check-ins, minutes, books finished (check-ins marked finished), notes featured by a group leader.</summary>
public sealed record StudyReadingSummary(int CheckIns, int Minutes, int BooksFinished, int FeaturedNotes);

/// <summary>
/// A member's study record (学习档案) for one China calendar year: courses with a session in the year, lectures attended
/// (confirmed present/nonvoting/speaker/author, or checked in while unconfirmed) and given (speaker), reading, and the
/// points and number of the year's duty records of the study category.
/// </summary>
public sealed record MemberStudyRecord(int MemberId, string Name, string Committee, int Year, IReadOnlyList<StudyCourseRow> Courses,
    IReadOnlyList<StudyLectureRow> LecturesAttended, IReadOnlyList<StudyLectureRow> LecturesGiven, StudyReadingSummary Reading, decimal StudyPoints, int StudyRecords);

/// <summary>Builds <see cref="MemberStudyRecord"/>; who may read it is <see cref="DutyFile.CanRead"/> (the member, staff and leaders in scope).</summary>
public static class StudyRecords
{
    /// <summary>The study record of member <paramref name="memberId"/> for <paramref name="year"/>, or null when the member does not exist.</summary>
    public static async Task<MemberStudyRecord?> LoadAsync(AppDbContext db, int memberId, int year, CancellationToken ct)
    {
        var m = await db.Members.AsNoTracking().Where(x => x.Id == memberId).Select(x => new { x.Id, x.Name, Committee = x.Committee!.Name }).FirstOrDefaultAsync(ct);
        if (m is null) return null;
        var from = ChinaTime.StartOf(new DateOnly(year, 1, 1));
        var to = ChinaTime.StartOf(new DateOnly(year + 1, 1, 1));
        var courses = await CoursesAsync(db, memberId, from, to, ct);

        var attended = await db.Lectures.AsNoTracking()
            .Where(l => l.Activity!.Status != ActivityStatus.Cancelled && l.Activity.StartsAt >= from && l.Activity.StartsAt < to
                && db.Invitations.Any(i => i.ActivityId == l.ActivityId && i.MemberId == memberId
                    && (i.Attendance == AttendanceRole.Present || i.Attendance == AttendanceRole.NonVoting || i.Attendance == AttendanceRole.Speaker || i.Attendance == AttendanceRole.Author
                        || (i.Attendance == null && db.CheckIns.Any(c => c.ActivityId == l.ActivityId && c.MemberId == memberId)))))
            .OrderBy(l => l.Activity!.StartsAt).Select(l => new StudyLectureRow(l.Id, l.Topic, l.SpeakerName, l.Series!.Name, l.Activity!.StartsAt, l.ActivityId)).ToListAsync(ct);
        var given = await db.Lectures.AsNoTracking()
            .Where(l => l.SpeakerMemberId == memberId && l.Activity!.Status != ActivityStatus.Cancelled && l.Activity.StartsAt >= from && l.Activity.StartsAt < to)
            .OrderBy(l => l.Activity!.StartsAt).Select(l => new StudyLectureRow(l.Id, l.Topic, l.SpeakerName, l.Series!.Name, l.Activity!.StartsAt, l.ActivityId)).ToListAsync(ct);

        var dayFrom = new DateOnly(year, 1, 1);
        var dayTo = new DateOnly(year, 12, 31);
        var reading = await db.ReadingCheckIns.AsNoTracking().Where(r => r.MemberId == memberId && r.Day >= dayFrom && r.Day <= dayTo)
            .GroupBy(r => 1).Select(g => new { Count = g.Count(), Minutes = g.Sum(r => r.Minutes), Finished = g.Count(r => r.Finished), Featured = g.Count(r => r.FeaturedAt != null) })
            .FirstOrDefaultAsync(ct);
        var duty = await db.DutyRecords.AsNoTracking().Where(r => r.MemberId == memberId && r.Year == year && r.Category == DutyCategory.Study)
            .Select(r => r.Points).ToListAsync(ct);
        return new MemberStudyRecord(m.Id, m.Name, m.Committee, year, courses, attended, given,
            new StudyReadingSummary(reading?.Count ?? 0, reading?.Minutes ?? 0, reading?.Finished ?? 0, reading?.Featured ?? 0), duty.Sum(), duty.Count);
    }

    /// <summary>The member's enrolled courses with a (not cancelled) session starting in [<paramref name="from"/>, <paramref name="to"/>), by first session.</summary>
    public static async Task<List<StudyCourseRow>> CoursesAsync(AppDbContext db, int memberId, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var enrolled = await db.CourseEnrolments.AsNoTracking()
            .Where(e => e.MemberId == memberId && db.CourseSessions.Any(s => s.CourseId == e.CourseId && s.Activity!.Status != ActivityStatus.Cancelled
                && s.Activity.StartsAt >= from && s.Activity.StartsAt < to))
            .Select(e => new { e.CourseId, e.SessionsAttended, e.CompletedAt, Course = db.Courses.First(c => c.Id == e.CourseId) })
            .ToListAsync(ct);
        var ids = enrolled.Select(e => e.CourseId).ToList();
        var sessions = await db.CourseSessions.AsNoTracking().Where(s => ids.Contains(s.CourseId) && s.Activity!.Status != ActivityStatus.Cancelled)
            .Select(s => new { s.Id, s.CourseId, s.SortOrder, s.Activity!.StartsAt, Quiz = db.QuizQuestions.Any(q => q.SessionId == s.Id) }).ToListAsync(ct);
        var sessionIds = sessions.Select(s => s.Id).ToList();
        var attempts = (await db.QuizAttempts.AsNoTracking().Where(a => a.MemberId == memberId && sessionIds.Contains(a.SessionId))
            .Select(a => new { a.SessionId, a.ScorePercent, a.Passed }).ToListAsync(ct)).ToLookup(a => a.SessionId);
        return enrolled.Select(e =>
        {
            var own = sessions.Where(s => s.CourseId == e.CourseId).OrderBy(s => s.SortOrder).ToList();
            var quizzes = own.Where(s => s.Quiz).Select(s =>
            {
                var tried = attempts[s.Id].ToList();
                return new StudyQuizResult(s.Id, s.SortOrder, tried.Count > 0 ? tried.Max(a => a.ScorePercent) : null, tried.Any(a => a.Passed), tried.Count);
            }).ToList();
            return (First: own.Count > 0 ? own.Min(s => s.StartsAt) : DateTimeOffset.MaxValue, Row: new StudyCourseRow(e.CourseId, e.Course.Title,
                CourseRules.StatusCode(e.Course.Status), CourseRules.StatusName(e.Course.Status), e.SessionsAttended, own.Count,
                CourseRules.RequiredSessions(e.Course.CompletionAttendedPercent, own.Count), quizzes, e.CompletedAt is not null, e.CompletedAt));
        }).OrderBy(x => x.First).ThenBy(x => x.Row.CourseId).Select(x => x.Row).ToList();
    }
}

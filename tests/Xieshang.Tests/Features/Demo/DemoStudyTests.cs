using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Activities;
using Xieshang.Web.Features.Demo;
using Xieshang.Web.Features.Lectures;
using Xieshang.Web.Features.Study;
using Xieshang.Web.Infrastructure;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Tests.Features.Demo;

/// <summary>
/// The demo's study work as a newcomer finds it at first start (issue 7, <see cref="DemoStudy"/>): the course with a held, a
/// this-week and a coming session, quizzes, a PDF handout and completions; the lecture halls (public and not) with a member
/// speaker's record; the reading groups with eight weeks of check-ins, featured notes and monthly reading records — the demo
/// member accounts in the course and the city's group, and nothing dated after the first start.
/// </summary>
public abstract class DemoStudyTests(AppFactory app)
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task The_course_has_a_held_a_this_week_and_a_coming_session_with_quizzes_a_pdf_and_completions()
    {
        var now = DateTimeOffset.UtcNow;
        var (course, sessions, questions, materials, accounts, enrolled, completed) = await app.WithDbAsync(async db =>
        {
            var c = await db.Courses.AsNoTracking().SingleAsync(x => x.Title == "新任委员履职能力培训");
            return (c,
                await db.CourseSessions.AsNoTracking().Include(s => s.Activity).Where(s => s.CourseId == c.Id).OrderBy(s => s.SortOrder).ToListAsync(),
                await db.QuizQuestions.AsNoTracking().Where(q => db.CourseSessions.Any(s => s.Id == q.SessionId && s.CourseId == c.Id)).ToListAsync(),
                await db.StudyMaterials.AsNoTracking().Include(m => m.StoredFile).Where(m => m.CourseId == c.Id).ToListAsync(),
                await db.Users.AsNoTracking().Where(u => u.UserName!.StartsWith("member.") && u.MemberId != null).Select(u => u.MemberId!.Value).ToListAsync(),
                await db.CourseEnrolments.AsNoTracking().Where(e => e.CourseId == c.Id).Select(e => e.MemberId).ToListAsync(),
                await db.DutyRecords.AsNoTracking().Where(d => d.Source == CourseRules.DutySource && d.SourceId == c.Id).ToListAsync());
        });
        Assert.Equal(CourseStatus.Published, course.Status);
        Assert.Equal(3, sessions.Count);
        Assert.True(sessions[0].Activity!.EndsAt < now && sessions[0].Activity!.AttendanceConfirmedAt is not null);
        Assert.True(sessions[1].Activity!.EndsAt < now && sessions[1].Activity!.StartsAt > now.AddDays(-7));
        Assert.True(sessions[2].Activity!.StartsAt > now);
        Assert.All(sessions, s => Assert.InRange(questions.Count(q => q.SessionId == s.Id), 3, 5));
        Assert.Contains(questions, q => q.Options.Contains("政治协商、民主监督、参政议政"));
        Assert.Subset(enrolled.ToHashSet(), accounts.ToHashSet());
        Assert.NotEmpty(completed);
        Assert.All(completed, d => Assert.Equal(CourseRules.CompletedCode, d.RuleCode));
        Assert.True(completed.Count < enrolled.Count, "some members completed, not all");
        Assert.Contains(materials, m => m.Kind == MaterialKind.Link && m.Url.StartsWith("http", StringComparison.Ordinal));
        var pdf = Assert.Single(materials, m => m.Kind == MaterialKind.Document);
        Assert.Equal("application/pdf", pdf.StoredFile!.ContentType);

        // The member account opens the course and its handout (a real PDF from the upload folder).
        var client = await app.ClientAsAsync("member.520200");
        var detail = await client.GetFromJsonAsync<JsonElement>($"/api/courses/{course.Id}");
        Assert.Equal("新任委员履职能力培训", detail.GetProperty("title").GetString());
        var file = await client.GetAsync($"/api/courses/{course.Id}/materials/{pdf.Id}");
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        var bytes = await file.Content.ReadAsByteArrayAsync();
        Assert.Equal("%PDF-"u8.ToArray(), bytes[..5]);
        Assert.Contains("%%EOF", System.Text.Encoding.ASCII.GetString(bytes[^8..]));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/courses/{course.Id}/sessions/{sessions[0].Id}/quiz")).StatusCode);
    }

    [Fact]
    public async Task Lecture_halls_have_a_public_series_with_held_lectures_a_member_speaker_and_a_private_law_series()
    {
        var now = DateTimeOffset.UtcNow;
        var (series, lectures, speakerRecords) = await app.WithDbAsync(async db =>
        {
            var all = await db.LectureSeries.AsNoTracking().Where(s => s.Name == "六盘水政协讲堂" || s.Name == "钟山区政协法治讲堂").ToListAsync();
            var ids = all.Select(s => s.Id).ToList();
            var ls = await db.Lectures.AsNoTracking().Include(l => l.Activity).Where(l => ids.Contains(l.SeriesId)).ToListAsync();
            var speaker = ls.Single(l => l.SpeakerKind == SpeakerKind.Member);
            return (all, ls, await db.DutyRecords.AsNoTracking().Where(d => d.Source == "activity" && d.SourceId == speaker.ActivityId && d.MemberId == speaker.SpeakerMemberId)
                .Select(d => d.RuleCode).ToListAsync());
        });
        var cppcc = Assert.Single(series, s => s.Hall == LectureHall.Cppcc);
        var law = Assert.Single(series, s => s.Hall == LectureHall.Law);
        Assert.True(cppcc.IsPublic);
        Assert.False(law.IsPublic);
        var held = lectures.Where(l => l.SeriesId == cppcc.Id && l.Activity!.StartsAt < now).ToList();
        Assert.Equal(3, held.Count);
        Assert.All(held, l => Assert.NotNull(l.Activity!.AttendanceConfirmedAt));
        Assert.Equal([SpeakerKind.Expert, SpeakerKind.Leader, SpeakerKind.Member], held.Select(l => l.SpeakerKind).Order());
        Assert.Single(lectures, l => l.SeriesId == cppcc.Id && l.Activity!.StartsAt > now && l.Activity.Status == ActivityStatus.Published);
        Assert.Single(lectures, l => l.SeriesId == law.Id);
        Assert.Contains("speaker", speakerRecords);
        Assert.Contains("attend.study", speakerRecords);

        // The public archive: the held public lectures, never the law series'.
        var archive = await app.CreateClient().GetFromJsonAsync<JsonElement>("/api/public/lectures");
        var topics = archive.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("topic").GetString()).ToList();
        Assert.All(held, l => Assert.Contains(l.Topic, topics));
        Assert.DoesNotContain(lectures.Single(l => l.SeriesId == law.Id).Topic, topics);
    }

    [Fact]
    public async Task Reading_groups_have_a_plan_suggestions_and_eight_weeks_of_check_ins_that_earn_monthly_records()
    {
        var today = ChinaTime.DayOf(DateTimeOffset.UtcNow);
        var (groups, members, books, checkIns, comments, monthly, account) = await app.WithDbAsync(async db =>
        {
            var gs = await db.ReadingGroups.AsNoTracking().Where(g => g.Name == "书香政协·市政协读书会" || g.Name.StartsWith("钟山区政协")).ToListAsync();
            var ids = gs.Select(g => g.Id).ToList();
            return (gs,
                await db.ReadingGroupMembers.AsNoTracking().Where(m => ids.Contains(m.GroupId)).ToListAsync(),
                await db.ReadingBooks.AsNoTracking().Where(b => ids.Contains(b.GroupId)).ToListAsync(),
                await db.ReadingCheckIns.AsNoTracking().Where(c => ids.Contains(c.GroupId)).ToListAsync(),
                await db.ReadingComments.CountAsync(c => db.ReadingCheckIns.Any(x => x.Id == c.CheckInId && ids.Contains(x.GroupId))),
                await db.DutyRecords.AsNoTracking().Where(d => d.RuleCode == "reading.monthly").Select(d => d.MemberId).ToListAsync(),
                await db.Users.Where(u => u.UserName == "member.520200").Select(u => u.MemberId!.Value).FirstAsync());
        });
        Assert.Equal(2, groups.Count);
        var city = groups.Single(g => g.SectorId is null);
        Assert.InRange(members.Count(m => m.GroupId == city.Id), 8, 15);
        Assert.Contains(members, m => m.GroupId == city.Id && m.MemberId == account);
        Assert.Contains(members, m => m.GroupId == city.Id && m.MemberId == city.LeaderId);
        Assert.NotNull(groups.Single(g => g.SectorId is not null).SectorId);
        var plan = books.Where(b => b.GroupId == city.Id && b.InPlan).OrderBy(b => b.PlanFrom).ToList();
        Assert.Equal(["乡土中国", "中国共产党的一百年", "人民政协理论与实践"], plan.Select(b => b.Title));
        Assert.All(plan, b => Assert.True(b.PlanFrom <= b.PlanTo));
        Assert.InRange(books.Count(b => b.GroupId == city.Id && !b.InPlan), 3, 4);
        var mine = checkIns.Where(c => c.GroupId == city.Id).ToList();
        Assert.True(mine.Count >= 40, $"{mine.Count} check-ins");
        Assert.True(mine.Min(c => c.Day) <= today.AddDays(-49) && mine.Max(c => c.Day) <= today);
        Assert.True(mine.Select(c => c.Minutes).Distinct().Count() > 5);
        Assert.Contains(mine, c => c.Progress.Contains('章'));
        Assert.Contains(mine, c => c.Progress.Contains('页'));
        Assert.Contains(mine, c => c.Note.Length > 40);
        Assert.InRange(mine.Count(c => c.FeaturedAt is not null), 2, 3);
        Assert.True(comments > 0);
        Assert.Contains(account, monthly);
        Assert.True(monthly.Distinct().Count() >= 3);
    }

    [Fact]
    public async Task Nothing_is_dated_after_the_first_start_and_a_second_start_adds_nothing()
    {
        var now = DateTimeOffset.UtcNow;
        var dates = await app.WithDbAsync(async db => new[]
        {
            await db.ReadingCheckIns.MaxAsync(c => (DateTimeOffset?)c.CreatedAt),
            await db.ReadingComments.MaxAsync(c => (DateTimeOffset?)c.CreatedAt),
            await db.QuizAttempts.MaxAsync(a => (DateTimeOffset?)a.SubmittedAt),
            await db.CheckIns.MaxAsync(c => (DateTimeOffset?)c.At),
            (await db.DutyRecords.Where(d => d.Source == CourseRules.DutySource || d.Source.StartsWith("reading.")).Select(d => d.OccurredAt).ToListAsync()).Max(),
        });
        Assert.All(dates, d => Assert.True(d is { } v && v <= now, $"{d} after {now}"));

        Task<int[]> Counts() => app.WithDbAsync(async db => new[]
        {
            await db.Courses.CountAsync(), await db.CourseSessions.CountAsync(), await db.QuizAttempts.CountAsync(), await db.StudyMaterials.CountAsync(),
            await db.LectureSeries.CountAsync(), await db.Lectures.CountAsync(), await db.ReadingGroups.CountAsync(), await db.ReadingCheckIns.CountAsync(),
        });
        var before = await Counts();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            await DemoSeeder.SeedAsync(db, users, AppFactory.DemoPassword, TimeProvider.System, NullLogger.Instance, Ct, proposals: true);
            await DemoStudy.SeedAsync(db, TimeProvider.System, Ct);
        }
        Assert.Equal(before, await Counts());
    }
}

public sealed class DemoStudySqliteTests(DemoProposalsSqliteFactory f) : DemoStudyTests(f), IClassFixture<DemoProposalsSqliteFactory>;
public sealed class DemoStudyPostgresTests(DemoProposalsPostgresFactory f) : DemoStudyTests(f), IClassFixture<DemoProposalsPostgresFactory>;

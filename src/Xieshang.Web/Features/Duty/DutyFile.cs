using Xieshang.Web.Infrastructure;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Features.Members;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Duty;

/// <summary>One record of a duty file, with its rule's name.</summary>
public sealed record DutyFileRecord(
    long Id, DateTimeOffset OccurredAt, string Title, string RuleCode, string RuleName, DutyCategory Category,
    decimal Quantity, decimal Points, string Evidence, string Source, int SourceId);

/// <summary>Points and number of records of one category in a duty file.</summary>
public sealed record DutyCategoryTotal(DutyCategory Category, decimal Points, int Count);

/// <summary>
/// A member's duty file (履职档案) for one year: who, every record in date order, totals by category, the total and
/// the grade (<see cref="DutyGrades.Of"/>). Built by <see cref="LoadAsync"/>; the API, the pages and the .docx/.xlsx
/// exports all render this one object.
/// </summary>
public sealed record DutyFile(
    int MemberId, string Name, string CommitteeCode, string CommitteeName, string Sector, Position Position, bool IsActive,
    int Year, decimal Total, DutyGrade Grade, IReadOnlyList<DutyCategoryTotal> ByCategory, IReadOnlyList<DutyFileRecord> Records)
{
    /// <summary>Earliest duty year the platform accepts (the default rules start in 2000).</summary>
    public const int FirstYear = 2000;

    /// <summary>
    /// The year's study courses (学习培训: sessions attended of total, quiz results, completion) for the exports' study
    /// section, from <see cref="Xieshang.Web.Features.Study.StudyRecords.CoursesAsync"/>; not part of the JSON answer (the study record has its own API).
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<Xieshang.Web.Features.Study.StudyCourseRow> Study { get; init; } = [];

    /// <summary>
    /// Who may read member <paramref name="memberId"/>'s duty file: the member themselves, and administrators, staff
    /// and leaders whose scope holds the member's committee. Colleagues (members of the same committee, who may read
    /// the directory) may not; handling units may not.
    /// </summary>
    public static bool CanRead(CurrentUser user, int memberId, string committeePath) =>
        user.MemberId == memberId || ((user.IsAdmin || user.IsStaff || user.IsLeader) && Scope.CanRead(user, committeePath));

    /// <summary>The duty year of now (calendar year in China Standard Time).</summary>
    public static int CurrentYear(TimeProvider clock) => ChinaTime.YearOf(clock.GetUtcNow());

    /// <summary>
    /// Reads a <c>year</c> query value: absent or blank → the current year; a whole number from <see cref="FirstYear"/>
    /// to next year → that year; anything else → null and a Chinese <paramref name="error"/>.
    /// </summary>
    public static int? ParseYear(string? text, TimeProvider clock, out string? error)
    {
        error = null;
        var current = CurrentYear(clock);
        if (string.IsNullOrWhiteSpace(text)) return current;
        if (int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var y) && y >= FirstYear && y <= current + 1) return y;
        error = $"年度应为 {FirstYear} 至 {current + 1} 之间的四位数字，如 {current}";
        return null;
    }

    /// <summary>
    /// The duty file of member <paramref name="memberId"/> for <paramref name="year"/>, or null when the member does
    /// not exist. The caller checks <see cref="CanRead"/>.
    /// </summary>
    public static async Task<DutyFile?> LoadAsync(AppDbContext db, int memberId, int year, DutyOptions options, CancellationToken ct)
    {
        var m = await db.Members.AsNoTracking().Where(x => x.Id == memberId)
            .Select(x => new { x.Id, x.Name, CommitteeCode = x.Committee!.Code, CommitteeName = x.Committee.Name, Sector = x.Sector!.Name, x.Position, x.IsActive })
            .FirstOrDefaultAsync(ct);
        if (m is null) return null;
        var rows = await db.DutyRecords.AsNoTracking().Where(r => r.MemberId == memberId && r.Year == year).ToListAsync(ct);
        var names = await RuleNamesAsync(db, rows.Select(r => r.RuleCode), ct);
        var records = rows.OrderBy(r => r.OccurredAt).ThenBy(r => r.Id)
            .Select(r => new DutyFileRecord(r.Id, r.OccurredAt, r.Title, r.RuleCode, names.GetValueOrDefault(r.RuleCode, r.RuleCode), r.Category,
                r.Quantity, r.Points, r.Evidence, r.Source, r.SourceId))
            .ToList();
        var byCategory = records.GroupBy(r => r.Category).OrderBy(g => g.Key)
            .Select(g => new DutyCategoryTotal(g.Key, g.Sum(r => r.Points), g.Count())).ToList();
        var total = records.Sum(r => r.Points);
        var study = await Xieshang.Web.Features.Study.StudyRecords.CoursesAsync(db, memberId, ChinaTime.StartOf(new DateOnly(year, 1, 1)), ChinaTime.StartOf(new DateOnly(year + 1, 1, 1)), ct);
        return new DutyFile(m.Id, m.Name, m.CommitteeCode, m.CommitteeName, m.Sector, m.Position, m.IsActive, year, total,
            DutyGrades.Of(total, options), byCategory, records) { Study = study };
    }

    /// <summary>Years in which member <paramref name="memberId"/> has records, newest first, always with the current year.</summary>
    public static async Task<List<int>> YearsAsync(AppDbContext db, int memberId, TimeProvider clock, CancellationToken ct)
    {
        var years = await db.DutyRecords.AsNoTracking().Where(r => r.MemberId == memberId).Select(r => r.Year).Distinct().ToListAsync(ct);
        years.Add(CurrentYear(clock));
        return years.Distinct().OrderDescending().ToList();
    }

    /// <summary>Chinese names of rule codes (the default rule set's names; a committee's version keeps the name).</summary>
    public static async Task<Dictionary<string, string>> RuleNamesAsync(AppDbContext db, IEnumerable<string> codes, CancellationToken ct)
    {
        var list = codes.Distinct().ToList();
        var names = ScoringDefaults.All.Where(d => list.Contains(d.Code)).ToDictionary(d => d.Code, d => d.Name);
        var missing = list.Where(c => !names.ContainsKey(c)).ToList();
        if (missing.Count > 0)
            foreach (var r in await db.ScoringRules.AsNoTracking().Where(r => missing.Contains(r.Code)).Select(r => new { r.Code, r.Name }).ToListAsync(ct))
                names.TryAdd(r.Code, r.Name);
        return names;
    }
}

using Xieshang.Web.Infrastructure;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Features.Committees;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Duty;

/// <summary>Where the rule in effect for a committee comes from.</summary>
public enum RuleSource
{
    /// <summary>The platform's default rule set (<see cref="ScoringDefaults"/>).</summary>
    Default = 0,
    /// <summary>A committee above this one set it; it applies to every committee below.</summary>
    Inherited = 1,
    /// <summary>This committee's own value.</summary>
    Own = 2,
}

/// <summary>
/// One scoring rule as a committee sees it on a day: the version in effect (<see cref="ScoringRuleSet.Resolve"/>), where
/// it comes from, and the default value for comparison. <see cref="RuleId"/> is the stored version's id.
/// </summary>
public sealed record ResolvedRule(
    int RuleId, string Code, string Name, DutyCategory Category, decimal Points, DateOnly EffectiveFrom, DateOnly? EffectiveTo,
    string Rationale, RuleSource Source, string? SourceCommitteeCode, string? SourceCommitteeName, decimal? DefaultPoints,
    string UpdatedBy, DateTimeOffset UpdatedAt);

/// <summary>What a staff member sends to set a committee's own value of a rule (dates as <c>yyyy-MM-dd</c>).</summary>
public sealed record ScoringRuleInput(decimal? Points, string? EffectiveFrom, string? EffectiveTo, string? Rationale);

/// <summary>
/// Outcome of <see cref="ScoringRules.SaveAsync"/>: the saved version, the duty years recomputed, how many records'
/// points changed, and the version it closed (if any); or the per-field Chinese <see cref="Errors"/>.
/// </summary>
public sealed record RuleSaveResult(ScoringRule? Rule, IReadOnlyList<int> Years, int ChangedRecords, ScoringRule? Closed, Dictionary<string, string[]> Errors)
{
    /// <summary>True when the rule was saved.</summary>
    public bool Ok => Errors.Count == 0;
}

/// <summary>
/// The scoring-rule table as committees use it: the rules in effect for a committee (own, inherited, default) and
/// setting a committee's own version of a rule, which recomputes the affected duty years for the committee's subtree
/// through <see cref="DutyLedger.RecomputeYearAsync"/>. Business rules of the rule table live here; the API and the
/// rules page call it.
/// </summary>
public static class ScoringRules
{
    /// <summary>Largest absolute value of a rule's points (yearly scales are 100 or 120 points).</summary>
    public const decimal MaxPoints = 100;
    /// <summary>Latest day a rule may start or end on.</summary>
    public static readonly DateOnly LastDay = new(2099, 12, 31);

    /// <summary>Today in China Standard Time.</summary>
    public static DateOnly Today(TimeProvider clock) => DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(ChinaTime.Offset).DateTime);

    /// <summary>Reads a <c>yyyy-MM-dd</c> date; null when <paramref name="text"/> is not one.</summary>
    public static DateOnly? ParseDate(string? text) =>
        DateOnly.TryParseExact(text?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;

    /// <summary>The scope paths of <paramref name="path"/> and every committee above it, with the default rules' empty path.</summary>
    public static List<string> PathsAbove(string path)
    {
        var list = new List<string> { "" };
        for (var i = path.IndexOf('/', 1); i > 0; i = path.IndexOf('/', i + 1)) list.Add(path[..(i + 1)]);
        return list;
    }

    /// <summary>Every rule code the platform knows, in the default set's order, then codes only committees use.</summary>
    public static async Task<List<string>> CodesAsync(AppDbContext db, CancellationToken ct)
    {
        var stored = await db.ScoringRules.AsNoTracking().Select(r => r.Code).Distinct().ToListAsync(ct);
        return ScoringDefaults.All.Select(d => d.Code).Concat(stored.Order(StringComparer.Ordinal)).Distinct().ToList();
    }

    /// <summary>
    /// The rules in effect on <paramref name="day"/> for members of <paramref name="committee"/>, one per code (codes
    /// with no version in effect that day are left out), in the default set's order.
    /// </summary>
    public static async Task<List<ResolvedRule>> InEffectAsync(AppDbContext db, Committee committee, DateOnly day, CancellationToken ct)
    {
        var paths = PathsAbove(committee.Path);
        var rules = await db.ScoringRules.AsNoTracking().Where(r => paths.Contains(r.CommitteePath)).ToListAsync(ct);
        var set = new ScoringRuleSet(rules);
        var committeeIds = rules.Where(r => r.CommitteeId is not null).Select(r => r.CommitteeId!.Value).Distinct().ToList();
        var committees = await db.Committees.AsNoTracking().Where(c => committeeIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => (c.Code, c.Name), ct);
        var defaults = new ScoringRuleSet(rules.Where(r => r.CommitteePath.Length == 0).ToList());
        var at = ChinaTime.StartOf(day);
        var order = ScoringDefaults.All.Select((d, i) => (d.Code, i)).ToDictionary(x => x.Code, x => x.i);
        var result = new List<ResolvedRule>();
        foreach (var code in rules.Select(r => r.Code).Distinct().OrderBy(c => order.GetValueOrDefault(c, int.MaxValue)).ThenBy(c => c, StringComparer.Ordinal))
        {
            if (set.Resolve(code, committee.Path, at) is not { } r) continue;
            var source = r.CommitteePath.Length == 0 ? RuleSource.Default : r.CommitteeId == committee.Id ? RuleSource.Own : RuleSource.Inherited;
            (string Code, string Name)? from = r.CommitteeId is { } cid && committees.TryGetValue(cid, out var c) ? c : null;
            result.Add(new ResolvedRule(r.Id, r.Code, r.Name, r.Category, r.Points, r.EffectiveFrom, r.EffectiveTo, r.Rationale, source,
                from?.Code, from?.Name, defaults.Resolve(code, "", at)?.Points, r.UpdatedBy, r.UpdatedAt));
        }
        return result;
    }

    /// <summary>The versions <paramref name="committee"/> itself set for <paramref name="code"/>, oldest first.</summary>
    public static Task<List<ScoringRule>> OwnVersionsAsync(AppDbContext db, Committee committee, string code, CancellationToken ct) =>
        db.ScoringRules.AsNoTracking().Where(r => r.CommitteeId == committee.Id && r.Code == code).OrderBy(r => r.EffectiveFrom).ToListAsync(ct);

    /// <summary>
    /// Sets <paramref name="committee"/>'s own version of rule <paramref name="code"/> from <paramref name="input"/>, then
    /// recomputes the affected duty years of the committee and every committee below it, in one transaction.
    /// <list type="bullet">
    /// <item>A version starting on the same day as an existing own version replaces its points, end and rationale.</item>
    /// <item>A later start closes the open (or longer-running) previous own version the day before.</item>
    /// <item>Refused with Chinese messages, nothing changed: points missing or beyond ±<see cref="MaxPoints"/> or with more
    /// than two decimals; dates not <c>yyyy-MM-dd</c>, before 2000 or after 2099, end before start; a missing or overlong
    /// rationale; a version that would overlap a later own version; a version inside a previous one that would leave a
    /// gap after its end.</item>
    /// </list>
    /// Years recomputed: those from the start to the end (or, open-ended, the current year) — widened to the old end when
    /// a version is shortened — in which the subtree has records of the code. The caller checks that the user manages
    /// the committee and that <paramref name="code"/> exists.
    /// </summary>
    public static async Task<RuleSaveResult> SaveAsync(AppDbContext db, Committee committee, string code, ScoringRuleInput input, CurrentUser user,
        TimeProvider clock, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        void Error(string field, string message) => errors[field] = [.. errors.GetValueOrDefault(field, []), message];

        if (input.Points is not { } points) Error("points", "请填写分值（每次得分，扣分填负数），如 8 或 -20");
        else if (Math.Abs(points) > MaxPoints) Error("points", $"分值应在 -{MaxPoints} 至 {MaxPoints} 之间");
        else if (decimal.Round(points, 2) != points) Error("points", "分值最多保留两位小数");
        var from = ParseDate(input.EffectiveFrom);
        if (string.IsNullOrWhiteSpace(input.EffectiveFrom)) Error("effectiveFrom", "请填写生效日期（yyyy-MM-dd），如 2026-01-01");
        else if (from is null) Error("effectiveFrom", $"生效日期“{Shorten(input.EffectiveFrom)}”不是有效日期，应写作 yyyy-MM-dd，如 2026-01-01");
        else if (from < ScoringDefaults.EffectiveFrom || from > LastDay) Error("effectiveFrom", "生效日期应在 2000-01-01 至 2099-12-31 之间");
        DateOnly? to = null;
        if (!string.IsNullOrWhiteSpace(input.EffectiveTo))
        {
            to = ParseDate(input.EffectiveTo);
            if (to is null) Error("effectiveTo", $"截止日期“{Shorten(input.EffectiveTo)}”不是有效日期，应写作 yyyy-MM-dd；长期有效请留空");
            else if (to > LastDay) Error("effectiveTo", "截止日期不能晚于 2099-12-31；长期有效请留空");
            else if (from is not null && to < from) Error("effectiveTo", "截止日期不能早于生效日期");
        }
        var rationale = input.Rationale?.Trim() ?? "";
        if (rationale.Length == 0) Error("rationale", "请说明设定该分值的依据（如所依据的本地规定），以便委员和其他工作人员理解");
        else if (rationale.Length > 500) Error("rationale", "依据说明不能超过 500 字");
        if (errors.Count > 0) return new RuleSaveResult(null, [], 0, null, errors);

        var start = from!.Value;
        var versions = await db.ScoringRules.Where(r => r.CommitteeId == committee.Id && r.Code == code).OrderBy(r => r.EffectiveFrom).ToListAsync(ct);
        var same = versions.FirstOrDefault(v => v.EffectiveFrom == start);
        var next = versions.FirstOrDefault(v => v.EffectiveFrom > start);
        if (next is not null && (to is null || to >= next.EffectiveFrom))
            Error("effectiveTo", $"本会自 {D(next.EffectiveFrom)} 起已有该规则的另一版本；请把截止日期设在 {D(next.EffectiveFrom.AddDays(-1))} 或之前");
        ScoringRule? closed = null;
        var oldEnd = to;
        var widenToOpen = false;
        if (same is null && versions.LastOrDefault(v => v.EffectiveFrom < start) is { } prev && (prev.EffectiveTo is null || prev.EffectiveTo >= start))
        {
            if (to is not null && (prev.EffectiveTo is null || prev.EffectiveTo > to))
                Error("effectiveTo", $"本会自 {D(prev.EffectiveFrom)} 起的现行版本在 {D(to.Value)} 之后仍然有效，新版本不能只替换其中一段；请不填截止日期，或把截止日期设为 {(prev.EffectiveTo is { } e ? D(e) : "空（长期有效）")}");
            else closed = prev;
        }
        if (errors.Count > 0) return new RuleSaveResult(null, [], 0, null, errors);

        var now = clock.GetUtcNow();
        var template = await db.ScoringRules.AsNoTracking().Where(r => r.Code == code).OrderBy(r => r.CommitteePath.Length).ThenBy(r => r.Id).FirstAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        ScoringRule rule;
        if (same is not null)
        {
            rule = same;
            if (same.EffectiveTo is null) widenToOpen = true;
            else if (to is not null && same.EffectiveTo > to) oldEnd = same.EffectiveTo;
        }
        else
        {
            rule = new ScoringRule { CommitteeId = committee.Id, CommitteePath = committee.Path, Code = code, Category = template.Category, Name = template.Name, EffectiveFrom = start };
            db.ScoringRules.Add(rule);
        }
        rule.Points = input.Points!.Value;
        rule.EffectiveTo = to;
        rule.Rationale = rationale;
        rule.UpdatedBy = Shorten(user.UserName, 64);
        rule.UpdatedAt = now;
        if (closed is not null)
        {
            closed.EffectiveTo = start.AddDays(-1);
            closed.UpdatedBy = rule.UpdatedBy;
            closed.UpdatedAt = now;
        }
        await db.SaveChangesAsync(ct);

        var currentYear = DutyFile.CurrentYear(clock);
        var lastYear = Math.Min(widenToOpen || oldEnd is null ? currentYear : oldEnd.Value.Year, currentYear);
        var path = committee.Path;
        var years = await db.DutyRecords.AsNoTracking()
            .Where(r => r.RuleCode == code && r.Year >= start.Year && r.Year <= lastYear && r.CommitteePath.StartsWith(path))
            .Select(r => r.Year).Distinct().ToListAsync(ct);
        years.Sort();
        var changed = 0;
        foreach (var year in years) changed += await DutyLedger.RecomputeYearAsync(db, year, path, ct, code);
        await tx.CommitAsync(ct);
        return new RuleSaveResult(rule, years, changed, closed, errors);
    }

    private static string D(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Shorten(string s, int max = 20) => DutyLedger.Truncate(s, max);
}

using Xieshang.Web.Infrastructure;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Duty;

/// <summary>
/// A duty event to record for one member: which rule it earns (<see cref="RuleCode"/>), where it comes from
/// (<see cref="Source"/>/<see cref="SourceId"/>, e.g. <c>activity</c>/12), what it was and when.
/// <see cref="Quantity"/> multiplies the rule's points (hours of volunteer service, say; 1 otherwise).
/// </summary>
public sealed record DutyEvent(int MemberId, string RuleCode, string Source, int SourceId, string Title, string Evidence, DateTimeOffset OccurredAt, decimal Quantity = 1);

/// <summary>
/// The single entry point that writes duty records (DOMAIN.md §4.2). Every capability (activities, member
/// claims, later proposals, opinion items, research and study) calls <see cref="ReplaceAsync"/> with the
/// events one of its objects produced; points are resolved here from the scoring rules and nowhere else.
/// Callers save the context (so the records commit with the change that caused them).
/// </summary>
public static class DutyLedger
{
    /// <summary>
    /// Makes the duty records of one source object exactly <paramref name="events"/>: new ones are added, changed
    /// ones updated, ones no longer produced removed. Idempotent. The member's committee and sector are copied
    /// from the member at call time. Throws <see cref="InvalidOperationException"/> for an unknown rule code
    /// (a programming error, not user input).
    /// </summary>
    public static async Task ReplaceAsync(AppDbContext db, string source, int sourceId, IReadOnlyCollection<DutyEvent> events, TimeProvider clock, CancellationToken ct)
    {
        var existing = await db.DutyRecords.Where(r => r.Source == source && r.SourceId == sourceId).ToListAsync(ct);
        var memberIds = events.Select(e => e.MemberId).Distinct().ToList();
        var members = await db.Members.Where(m => memberIds.Contains(m.Id))
            .Select(m => new { m.Id, m.CommitteeId, m.CommitteePath, m.SectorId }).ToDictionaryAsync(m => m.Id, ct);
        var rules = await ScoringRuleSet.LoadAsync(db, events.Select(e => e.RuleCode), ct);
        var now = clock.GetUtcNow();
        var keep = new HashSet<DutyRecord>();
        foreach (var e in events)
        {
            if (!members.TryGetValue(e.MemberId, out var m)) throw new InvalidOperationException($"Member {e.MemberId} does not exist.");
            var rule = rules.Resolve(e.RuleCode, m.CommitteePath, e.OccurredAt);
            var record = existing.FirstOrDefault(r => r.MemberId == e.MemberId && r.RuleCode == e.RuleCode);
            if (record is null)
            {
                record = new DutyRecord { MemberId = e.MemberId, RuleCode = e.RuleCode, Source = source, SourceId = sourceId, RecordedAt = now };
                db.DutyRecords.Add(record);
            }
            keep.Add(record);
            record.CommitteeId = m.CommitteeId;
            record.CommitteePath = m.CommitteePath;
            record.SectorId = m.SectorId;
            record.Year = ChinaTime.YearOf(e.OccurredAt);
            record.Category = rule?.Category ?? rules.CategoryOf(e.RuleCode);
            record.Quantity = e.Quantity;
            record.Points = (rule?.Points ?? 0) * e.Quantity;
            record.Title = Truncate(e.Title, 200);
            record.Evidence = Truncate(e.Evidence, 500);
            record.OccurredAt = e.OccurredAt.ToUniversalTime(); // Npgsql stores offset-0 values only
        }
        db.DutyRecords.RemoveRange(existing.Where(r => !keep.Contains(r)));
    }

    /// <summary>
    /// Runs <paramref name="recompute"/> (which calls <see cref="ReplaceAsync"/> for one or more sources) and saves the
    /// context; when a concurrent request wrote the same duty record first (two check-ins of one member at once: the unique
    /// index on Source, SourceId, MemberId, RuleCode refuses the second insert, <see cref="DbErrors.IsUniqueViolation"/>),
    /// or another request removed or changed a record this one updates or deletes (<see cref="DbUpdateConcurrencyException"/>
    /// on duty records only: two unfeaturings at once), the tracked <see cref="DutyRecord"/> entries are detached and the
    /// recomputation runs again from the saved state, at
    /// most <see cref="MaxSaveAttempts"/> times in all; the last violation is rethrown. Inside a caller's transaction EF
    /// Core rolls the failed save back to its savepoint, so the transaction stays usable (PostgreSQL) and the caller's
    /// earlier saves stay. Other pending changes must be saved before: a retry saves them again only if still tracked.
    /// </summary>
    public static async Task SaveRecomputedAsync(AppDbContext db, Func<Task> recompute, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            await recompute();
            try
            {
                await db.SaveChangesAsync(ct);
                return;
            }
            catch (DbUpdateException e) when (attempt < MaxSaveAttempts && (DbErrors.IsUniqueViolation(e)
                || (e is DbUpdateConcurrencyException && e.Entries.Count > 0 && e.Entries.All(x => x.Entity is DutyRecord))))
            {
                foreach (var entry in db.ChangeTracker.Entries<DutyRecord>().ToList()) entry.State = EntityState.Detached;
            }
        }
    }

    /// <summary>Attempts of <see cref="SaveRecomputedAsync"/> (the first one and two retries).</summary>
    public const int MaxSaveAttempts = 3;

    /// <summary>
    /// Recomputes the points of the records of <paramref name="year"/> in the committee subtree
    /// <paramref name="scopePath"/> (null: everywhere), for one rule code or (null) every code, from the rules now in
    /// the table, set-based. Each record belongs to exactly one region: the rule <see cref="ScoringRuleSet.Resolve"/>
    /// would pick for it (the longest committee path, then the latest start), or none (0 points). One UPDATE reads the
    /// records in scope once and writes only those whose points differ, so its count of affected rows is the number of
    /// records whose points changed, which this returns (a year of 19.5 million records: docs/benchmarks.md). Runs in
    /// the caller's transaction when there is one (so a rule change and its recomputation commit together).
    /// </summary>
    public static async Task<int> RecomputeYearAsync(AppDbContext db, int year, string? scopePath, CancellationToken ct, string? ruleCode = null)
    {
        var yearFrom = new DateOnly(year, 1, 1);
        var yearTo = new DateOnly(year, 12, 31);
        var all = await db.ScoringRules.AsNoTracking().Where(r => ruleCode == null || r.Code == ruleCode).ToListAsync(ct);
        if (all.Count == 0) return 0;
        // One UPDATE, one pass over the records in scope (the rules are few, the records millions): the new points are a
        // CASE by rule code, and within a code by rule, the rule that wins first (longest committee path, then latest
        // start, then latest id: ScoringRuleSet.Overrides), each rule's condition being its region (subtree and China-time
        // days); records no rule covers get 0. Only records whose points differ are written.
        var record = Expression.Parameter(typeof(DutyRecord), "r");
        var quantity = Expression.Property(record, nameof(DutyRecord.Quantity));
        Expression points = Expression.Constant(0m);
        foreach (var group in all.GroupBy(r => r.Code))
        {
            // Rules that can touch the scope in the year: ancestors of it (shorter prefix) or inside it; weakest first,
            // each wrapped around the ones before it, so that the strongest is tested first.
            var rules = group
                .Where(r => r.EffectiveFrom <= yearTo && (r.EffectiveTo is null || r.EffectiveTo >= yearFrom))
                .Where(r => scopePath is null || scopePath.StartsWith(r.CommitteePath, StringComparison.Ordinal) || r.CommitteePath.StartsWith(scopePath, StringComparison.Ordinal))
                .OrderBy(r => r.CommitteePath.Length).ThenBy(r => r.EffectiveFrom).ThenBy(r => r.Id);
            Expression byRule = Expression.Constant(0m);
            foreach (var rule in rules)
            {
                var value = Expression.Multiply(quantity, Expression.Constant(rule.Points));
                // A rule over the whole scope for the whole year needs no test, and hides the weaker ones.
                var everywhere = (scopePath ?? "").StartsWith(rule.CommitteePath, StringComparison.Ordinal)
                    && rule.EffectiveFrom <= yearFrom && (rule.EffectiveTo is null || rule.EffectiveTo >= yearTo);
                byRule = everywhere ? value : Expression.Condition(new Rebind(Region(rule), record).Body, value, byRule);
            }
            points = Expression.Condition(Expression.Equal(Expression.Property(record, nameof(DutyRecord.RuleCode)), Expression.Constant(group.Key)), byRule, points);
        }
        var codes = all.Select(r => r.Code).Distinct().ToList();
        var q = db.DutyRecords.Where(r => r.Year == year && codes.Contains(r.RuleCode));
        if (scopePath is not null) q = q.Where(r => r.CommitteePath.StartsWith(scopePath));
        var differs = Expression.Lambda<Func<DutyRecord, bool>>(Expression.NotEqual(Expression.Property(record, nameof(DutyRecord.Points)), points), record);
        var newPoints = Expression.Lambda<Func<DutyRecord, decimal>>(points, record);
        // A single statement: atomic on its own, and inside the caller's transaction when there is one. A national rule
        // rewrites a million records or more, which takes longer than the default 30 s command timeout.
        var timeout = db.Database.GetCommandTimeout();
        if (timeout is not 0) db.Database.SetCommandTimeout(Math.Max(timeout ?? 0, RecomputeTimeoutSeconds));
        try
        {
            return await q.Where(differs).ExecuteUpdateAsync(s => s.SetProperty(r => r.Points, newPoints), ct);
        }
        finally
        {
            db.Database.SetCommandTimeout(timeout);
        }
    }

    /// <summary>Command timeout of a recompute (seconds): a year of the whole country, 19.5 million records, takes about a minute.</summary>
    private const int RecomputeTimeoutSeconds = 600;

    /// <summary>The body of a one-parameter lambda, rewritten onto another parameter (to combine several into one expression).</summary>
    private sealed class Rebind(Expression<Func<DutyRecord, bool>> lambda, ParameterExpression to) : ExpressionVisitor
    {
        public Expression Body => Visit(lambda.Body);

        protected override Expression VisitParameter(ParameterExpression node) => node == lambda.Parameters[0] ? to : base.VisitParameter(node);
    }

    /// <summary>The records a rule can apply to: its committee subtree and its dates (China Standard Time days).</summary>
    private static Expression<Func<DutyRecord, bool>> Region(ScoringRule rule)
    {
        // UTC instants: Npgsql writes only offset-0 values to timestamptz.
        var from = ChinaTime.StartOf(rule.EffectiveFrom).ToUniversalTime();
        var to = rule.EffectiveTo is { } end ? ChinaTime.StartOf(end.AddDays(1)).ToUniversalTime() : DateTimeOffset.MaxValue;
        var path = rule.CommitteePath;
        return (path.Length, rule.EffectiveTo) switch
        {
            (0, null) => r => r.OccurredAt >= from,
            (0, _) => r => r.OccurredAt >= from && r.OccurredAt < to,
            (_, null) => r => r.CommitteePath.StartsWith(path) && r.OccurredAt >= from,
            _ => r => r.CommitteePath.StartsWith(path) && r.OccurredAt >= from && r.OccurredAt < to,
        };
    }

    /// <summary>Cuts <paramref name="s"/> to <paramref name="max"/> UTF-16 units without splitting a surrogate pair (names beyond the BMP).</summary>
    internal static string Truncate(string s, int max) =>
        s.Length <= max ? s : s[..(char.IsHighSurrogate(s[max - 1]) ? max - 1 : max)];
}

/// <summary>
/// The scoring rules for a set of codes, loaded once, resolving (code, committee path, instant) to the rule in
/// effect: the longest committee-path prefix wins, then the latest <see cref="ScoringRule.EffectiveFrom"/>.
/// Dates are China Standard Time (UTC+8), the calendar the rules are published in.
/// </summary>
public sealed class ScoringRuleSet(IReadOnlyList<ScoringRule> rules)
{

    /// <summary>Loads every rule (all committees) with one of <paramref name="codes"/>.</summary>
    public static async Task<ScoringRuleSet> LoadAsync(AppDbContext db, IEnumerable<string> codes, CancellationToken ct)
    {
        var list = codes.Distinct().ToList();
        return new(await db.ScoringRules.AsNoTracking().Where(r => list.Contains(r.Code)).ToListAsync(ct));
    }

    /// <summary>The rule for <paramref name="code"/> in effect at <paramref name="at"/> for a member of the committee at <paramref name="committeePath"/>; null when none is in effect then.</summary>
    public ScoringRule? Resolve(string code, string committeePath, DateTimeOffset at)
    {
        var day = DateOnly.FromDateTime(at.ToOffset(ChinaTime.Offset).DateTime);
        ScoringRule? best = null;
        foreach (var r in rules)
        {
            if (r.Code != code || !committeePath.StartsWith(r.CommitteePath, StringComparison.Ordinal)) continue;
            if (r.EffectiveFrom > day || (r.EffectiveTo is { } to && to < day)) continue;
            if (best is null || Overrides(r, best)) best = r;
        }
        return best;
    }

    /// <summary>
    /// True when <paramref name="a"/> takes precedence over <paramref name="b"/> where both are in effect for a member:
    /// a longer committee path (a committee's own rule over its parent's, any committee's over the default), then a
    /// later start, then the later-created rule. Callers check that <paramref name="a"/>'s path lies under <paramref name="b"/>'s.
    /// </summary>
    public static bool Overrides(ScoringRule a, ScoringRule b) =>
        a.Id != b.Id && a.Code == b.Code && a.CommitteePath.StartsWith(b.CommitteePath, StringComparison.Ordinal)
        && (a.CommitteePath.Length > b.CommitteePath.Length
            || (a.CommitteePath.Length == b.CommitteePath.Length && (a.EffectiveFrom > b.EffectiveFrom || (a.EffectiveFrom == b.EffectiveFrom && a.Id > b.Id))));

    /// <summary>Category of a code from any rule that has it; throws for a code no rule defines.</summary>
    public DutyCategory CategoryOf(string code) =>
        rules.FirstOrDefault(r => r.Code == code)?.Category ?? ScoringDefaults.All.FirstOrDefault(d => d.Code == code)?.Category
        ?? throw new InvalidOperationException($"Unknown scoring rule code '{code}'.");


}

using Xieshang.Web.Infrastructure;
using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Xieshang.Web.Features.Duty;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Bench;

/// <summary>Options of <c>duty</c>.</summary>
public sealed record DutyOptions(int Members = 650_000, int RecordsPerMember = 30, int Year = 2025,
    string Rule = "attend.plenary", decimal Points = 10, string City = "520200", string OverrideRule = "attend.activity",
    decimal OverridePoints = 5, DateOnly? OverrideFrom = null, int CommandTimeout = -1, int? FillFactor = null);

/// <summary>
/// Recomputing a year of duty points at national scale: <see cref="DutyOptions.Members"/> members (<see cref="MemberLoader"/>)
/// with <see cref="DutyOptions.RecordsPerMember"/> duty records each in <see cref="DutyOptions.Year"/>, on PostgreSQL, then
/// <see cref="DutyLedger.RecomputeYearAsync"/> through a real <see cref="PostgresAppDbContext"/>:
/// <list type="number">
/// <item>the whole year with nothing changed (what a recompute costs when it has nothing to write);</item>
/// <item>the whole year after a default rule's points changed (<see cref="DutyOptions.Rule"/> → <see cref="DutyOptions.Points"/>);</item>
/// <item>the city's subtree after the city (<see cref="DutyOptions.City"/>) set its own version of
/// <see cref="DutyOptions.OverrideRule"/> from <see cref="DutyOptions.OverrideFrom"/> (mid-year, so the China-time day
/// boundary is inside the year).</item>
/// </list>
/// After each, an SQL check independent of the C# code resolves every record's rule (the longest committee-path prefix,
/// then the latest start, then the latest id, days in China time) and counts the records whose points are not that rule's
/// points × quantity (0 when no rule is in effect): it must be zero.
/// </summary>
public static class DutyBench
{
    private const string Database = "xs_bench_duty";

    /// <summary>
    /// How a member's year of records is made up, per mille: mostly attendance (activities, study, meetings, the plenary),
    /// some speeches and proposals, few adoptions, instructions and deductions. Every code is one of <see cref="ScoringDefaults"/>.
    /// </summary>
    private static readonly (string Code, int PerMille)[] Mix =
    [
        ("attend.activity", 265), ("attend.study", 150), ("attend.other", 120), ("attend.meeting", 90), ("attend.plenary", 60),
        ("attend.standing", 40), ("attend.nonvoting", 30), ("excused", 30), ("proposal.filed", 30), ("proposal.cosigned", 30),
        ("speaker", 25), ("study.completed", 25), ("author", 15), ("absent.other", 15), ("opinion.adopted", 15),
        ("claim.volunteer", 15), ("research.report", 8), ("absent.plenary", 5), ("absent.standing", 5), ("proposal.satisfied", 5),
        ("claim.speech", 5), ("claim.honour", 4), ("proposal.key", 3), ("proposal.excellent", 3), ("opinion.adopted.upper", 3),
        ("instruction", 3), ("instruction.upper", 1),
    ];

    private sealed record Step(string Name, string Call, long InScope, int Changed, double Seconds, double DbCpu, double BenchCpu, double OtherCpu, long WalBytes, long Wrong, double CheckSeconds);

    public static async Task RunAsync(DutyOptions o, string workDir)
    {
        if (Mix.Sum(m => m.PerMille) != 1000) throw new InvalidOperationException("The rule mix must add up to 1000 per mille.");
        if (o.RecordsPerMember is < 1 or > 63) throw new ArgumentException("--records must be 1–63 (source ids are committee × 64 + k).");
        var overrideFrom = o.OverrideFrom ?? new DateOnly(o.Year, 7, 1);
        var (pg, cs, _) = await AppDatabase.CreateAsync(Database, workDir, "app-duty.log", stopApp: true);
        await using var cluster = pg;

        var load = await MemberLoader.LoadAsync(cs, o.Members, m => Console.WriteLine("load: " + m));
        Console.WriteLine($"load: {Stats.N(load.Total)} members in {load.Committees} committees (generated {Stats.F(load.Generate.TotalSeconds)} s, COPY {Stats.F(load.Copy.TotalSeconds)} s, VACUUM {Stats.F(load.Vacuum.TotalSeconds)} s)");
        await LoadRecordsAsync(cs, o);

        var city = (await MembersBench.ListAsync<string>(cs, $"""SELECT "Path" FROM "Committees" WHERE "Code" = '{o.City}'""")).Single();
        var total = await MembersBench.ScalarAsync<long>(cs, $"""SELECT count(*) FROM "DutyRecords" WHERE "Year" = {o.Year}""");
        var inCity = await MembersBench.ScalarAsync<long>(cs, $"""SELECT count(*) FROM "DutyRecords" WHERE "Year" = {o.Year} AND "CommitteePath" LIKE '{city}%'""");
        var steps = new List<Step>();

        steps.Add(await MeasureAsync(pg, cs, o, "whole year, no rule changed", $"RecomputeYearAsync(db, {o.Year}, null, ct)", total, db => DutyLedger.RecomputeYearAsync(db, o.Year, null, CancellationToken.None)));

        var before = await MembersBench.ScalarAsync<decimal>(cs, $"""SELECT "Points" FROM "ScoringRules" WHERE "Code" = '{o.Rule}' AND "CommitteePath" = ''""");
        await ExecAsync(cs, string.Create(CultureInfo.InvariantCulture, $"""UPDATE "ScoringRules" SET "Points" = {o.Points}, "UpdatedBy" = 'bench', "UpdatedAt" = now() WHERE "Code" = '{o.Rule}' AND "CommitteePath" = ''"""));
        var share = await MembersBench.ScalarAsync<long>(cs, $"""SELECT count(*) FROM "DutyRecords" WHERE "Year" = {o.Year} AND "RuleCode" = '{o.Rule}'""");
        Console.WriteLine($"rule: default {o.Rule} {before} → {o.Points} points ({Stats.N(share)} records, {Stats.F(100.0 * share / total)} % of the year)");
        steps.Add(await MeasureAsync(pg, cs, o, $"whole year, default {o.Rule} {before:0.##} → {o.Points:0.##}", $"RecomputeYearAsync(db, {o.Year}, null, ct)", total, db => DutyLedger.RecomputeYearAsync(db, o.Year, null, CancellationToken.None)));
        await VacuumAsync(cs);

        await using (var db = Context(cs, o))
        {
            var template = await db.ScoringRules.AsNoTracking().SingleAsync(r => r.Code == o.OverrideRule && r.CommitteePath == "");
            var committeeId = await db.Committees.Where(c => c.Path == city).Select(c => c.Id).SingleAsync();
            db.ScoringRules.Add(new ScoringRule
            {
                CommitteeId = committeeId, CommitteePath = city, Code = o.OverrideRule, Category = template.Category, Name = template.Name,
                Points = o.OverridePoints, EffectiveFrom = overrideFrom, Rationale = "bench", UpdatedBy = "bench", UpdatedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();
            var affected = await db.DutyRecords.CountAsync(r => r.Year == o.Year && r.RuleCode == o.OverrideRule && r.CommitteePath.StartsWith(city)
                && r.OccurredAt >= ChinaTime.StartOf(overrideFrom).ToUniversalTime());
            Console.WriteLine($"rule: {o.City} ({city}) sets {o.OverrideRule} = {o.OverridePoints} from {overrideFrom:yyyy-MM-dd} (default {template.Points}): {Stats.N(affected)} of the subtree's {Stats.N(inCity)} records of {o.Year} fall under it");
        }
        steps.Add(await MeasureAsync(pg, cs, o, $"{o.City} subtree, city's own {o.OverrideRule} from {overrideFrom:MM-dd}", $"RecomputeYearAsync(db, {o.Year}, \"{city}\", ct)", inCity, db => DutyLedger.RecomputeYearAsync(db, o.Year, city, CancellationToken.None)));
        steps.Add(await MeasureAsync(pg, cs, o, $"{o.City} subtree, {o.OverrideRule} only, nothing to change", $"RecomputeYearAsync(db, {o.Year}, \"{city}\", ct, \"{o.OverrideRule}\")", inCity, db => DutyLedger.RecomputeYearAsync(db, o.Year, city, CancellationToken.None, o.OverrideRule)));

        Console.WriteLine();
        Console.WriteLine("| step | call | records in scope | changed | wall s | records/s | CPU s PG / bench / other | WAL MB | wrong after (check s) |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---|---:|---:|");
        foreach (var s in steps)
            Console.WriteLine($"| {s.Name} | `{s.Call}` | {Stats.N(s.InScope)} | {Stats.N(s.Changed)} | {Stats.F(s.Seconds, 2)} | {Stats.N(s.InScope / s.Seconds)} | " +
                              $"{Stats.F(s.DbCpu)} / {Stats.F(s.BenchCpu)} / {Stats.F(s.OtherCpu)} | {Stats.N(s.WalBytes / 1e6)} | **{Stats.N(s.Wrong)}** ({Stats.F(s.CheckSeconds, 0)}) |");
    }

    /// <summary>
    /// Writes the records set-based: <c>INSERT … SELECT</c> from "Members" × <c>generate_series</c>, on two connections
    /// (members of even and odd id), with the table's constraints and indexes dropped first and rebuilt after (as a bulk
    /// load does), then <c>VACUUM (ANALYZE)</c> and a checkpoint. Each record's code follows <see cref="Mix"/> through a
    /// hash of (member, k); points are the default rule's × quantity (claim.volunteer counts 1–4 hours); the instant is
    /// spread over the China-time year; source ids are the committee's activity k (<c>activity</c>) or the member's own
    /// claim (<c>claim</c>), so (Source, SourceId, MemberId, RuleCode) is unique.
    /// </summary>
    private static async Task LoadRecordsAsync(string cs, DutyOptions o)
    {
        var sw = Stopwatch.StartNew();
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        var defs = new List<(string Name, string Type, string Definition)>();
        await using (var cmd = new NpgsqlCommand("""
            SELECT conname, contype::text, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = '"DutyRecords"'::regclass AND contype IN ('p', 'u', 'f')
            UNION ALL
            SELECT indexname, 'i', indexdef FROM pg_indexes WHERE tablename = 'DutyRecords'
              AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = '"DutyRecords"'::regclass)
            """, conn))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) defs.Add((r.GetString(0), r.GetString(1), r.GetString(2)));
        var order = new Dictionary<string, int> { ["p"] = 0, ["u"] = 1, ["f"] = 2, ["i"] = 3 };
        defs = defs.OrderBy(d => order[d.Type]).ToList();
        foreach (var d in defs.AsEnumerable().Reverse())
            await ExecAsync(conn, d.Type == "i" ? $"DROP INDEX \"{d.Name}\"" : $"ALTER TABLE \"DutyRecords\" DROP CONSTRAINT \"{d.Name}\"");

        var rules = Mix.Select(m => ScoringDefaults.All.Single(d => d.Code == m.Code)).ToList();
        var map = Mix.SelectMany((m, i) => Enumerable.Repeat(i + 1, m.PerMille)).ToArray();
        var values = string.Join(", ", rules.Select((d, i) =>
            string.Create(CultureInfo.InvariantCulture, $"({i + 1}, '{d.Code}', {(int)d.Category}, {d.Points}, '{d.Name}', {(d.Code.StartsWith("claim.", StringComparison.Ordinal) ? "true" : "false")})")));
        var yearStart = ChinaTime.StartOf(new DateOnly(o.Year, 1, 1)).ToUniversalTime();
        var seconds = (long)(ChinaTime.StartOf(new DateOnly(o.Year + 1, 1, 1)) - ChinaTime.StartOf(new DateOnly(o.Year, 1, 1))).TotalSeconds;
        // hashint8 gives a signed int4; + 2^31 makes it non-negative. h1 picks the code, h2 the instant and the hours.
        var sql = $"""
            INSERT INTO "DutyRecords" ("MemberId", "CommitteeId", "CommitteePath", "SectorId", "Year", "Category", "RuleCode", "Quantity", "Points",
                                       "Source", "SourceId", "Title", "Evidence", "OccurredAt", "RecordedAt")
            SELECT m."Id", m."CommitteeId", m."CommitteePath", m."SectorId", {o.Year}, w.category, w.code, q.qty, w.points * q.qty,
                   CASE WHEN w.claim THEN 'claim' ELSE 'activity' END,
                   CASE WHEN w.claim THEN m."Id" * 64 + k ELSE m."CommitteeId" * 64 + k END,
                   w.name,
                   CASE WHEN w.claim THEN '委员自报，机关审核通过' ELSE '/activities/' || (m."CommitteeId" * 64 + k) END,
                   $1::timestamptz + (h.h2 % {seconds}) * interval '1 second', now()
            FROM "Members" m
            CROSS JOIN generate_series(1, {o.RecordsPerMember}) AS k
            CROSS JOIN LATERAL (SELECT hashint8(m."Id"::bigint * 1000 + k)::bigint + 2147483648 AS h1,
                                       hashint8(m."Id"::bigint * 1000 + 500 + k)::bigint + 2147483648 AS h2) h
            JOIN (VALUES {values}) AS w(idx, code, category, points, name, claim) ON w.idx = ($2::int[])[h.h1 % 1000 + 1]
            CROSS JOIN LATERAL (SELECT CASE WHEN w.code = 'claim.volunteer' THEN 1 + h.h2 % 4 ELSE 1 END::numeric AS qty) q
            WHERE m."Id" % 2 = $3
            """;
        if (o.FillFactor is { } ff)
        {
            // An experiment, not the app's schema: room on each page, so that changing points is a HOT update (no index writes).
            await ExecAsync(conn, $"ALTER TABLE \"DutyRecords\" SET (fillfactor = {ff})");
            Console.WriteLine($"records: --fillfactor {ff}: ALTER TABLE \"DutyRecords\" SET (fillfactor = {ff}) before the load");
        }
        Console.WriteLine($"records: {Stats.N(o.RecordsPerMember)} per member in {o.Year}; constraints and indexes dropped ({string.Join(", ", defs.Select(d => d.Name))}); INSERT … SELECT on 2 connections …");
        await Task.WhenAll(Enumerable.Range(0, 2).Select(async part =>
        {
            await using var c = new NpgsqlConnection(cs);
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand(sql, c) { CommandTimeout = 0 };
            cmd.Parameters.AddWithValue(yearStart);
            cmd.Parameters.AddWithValue(map);
            cmd.Parameters.AddWithValue(part);
            await cmd.ExecuteNonQueryAsync();
        }));
        var insertTime = sw.Elapsed;
        sw.Restart();
        await ExecAsync(conn, "SET maintenance_work_mem = '1GB'");
        foreach (var d in defs)
            await ExecAsync(conn, d.Type == "i" ? d.Definition : $"ALTER TABLE \"DutyRecords\" ADD CONSTRAINT \"{d.Name}\" {d.Definition}");
        var indexTime = sw.Elapsed;
        sw.Restart();
        await ExecAsync(conn, "VACUUM (ANALYZE) \"DutyRecords\"; CHECKPOINT");
        var vacuumTime = sw.Elapsed;
        var count = await MembersBench.ScalarAsync<long>(cs, """SELECT count(*) FROM "DutyRecords" """);
        var size = await MembersBench.ScalarAsync<string>(cs, """SELECT pg_size_pretty(pg_relation_size('"DutyRecords"')) || ' table, ' || pg_size_pretty(pg_indexes_size('"DutyRecords"')) || ' indexes'""");
        Console.WriteLine($"records: {Stats.N(count)} written in {Stats.F(insertTime.TotalSeconds)} s ({Stats.N(count / insertTime.TotalSeconds)}/s), constraints and indexes rebuilt in {Stats.F(indexTime.TotalSeconds)} s, VACUUM (ANALYZE) + CHECKPOINT {Stats.F(vacuumTime.TotalSeconds)} s; {size}");
        var mix = await MembersBench.ListAsync<string>(cs, $"""
            SELECT "RuleCode" || ' ' || count(*) || ' (' || round(100.0 * count(*) / {count}, 1) || ' %)' FROM "DutyRecords" GROUP BY "RuleCode" ORDER BY count(*) DESC
            """);
        Console.WriteLine($"records: by code: {string.Join(", ", mix)}");
    }

    /// <summary>Times one recompute through a fresh context, with the database's CPU, WAL and statements, then checks every record.</summary>
    private static async Task<Step> MeasureAsync(PgCluster pg, string cs, DutyOptions o, string name, string call, long inScope, Func<AppDbContext, Task<int>> recompute)
    {
        await Quiet.WaitAsync(maxWait: TimeSpan.FromMinutes(1));
        await using (var warm = Context(cs, o))
            await warm.ScoringRules.AnyAsync(); // the model is built once per process: not part of a recompute
        await MembersBench.ResetStatementsAsync(cs);
        var wal0 = await MembersBench.ScalarAsync<string>(cs, "SELECT pg_current_wal_lsn()::text");
        var db0 = pg.CpuTime();
        var me0 = Process.GetCurrentProcess().TotalProcessorTime;
        var machine0 = ProcCpu.MachineBusyTime();
        var sw = Stopwatch.StartNew();
        int changed;
        await using (var db = Context(cs, o))
            changed = await recompute(db);
        var seconds = sw.Elapsed.TotalSeconds;
        var dbCpu = (pg.CpuTime() - db0).TotalSeconds;
        var benchCpu = (Process.GetCurrentProcess().TotalProcessorTime - me0).TotalSeconds;
        var otherCpu = Math.Max(0, (ProcCpu.MachineBusyTime() - machine0).TotalSeconds - dbCpu - benchCpu);
        var wal = await MembersBench.ScalarAsync<decimal>(cs, $"SELECT pg_current_wal_lsn() - '{wal0}'::pg_lsn");
        Console.WriteLine($"run: {name}: {call} → {Stats.N(changed)} changed in {Stats.F(seconds, 2)} s ({Stats.N(inScope / seconds)} records in scope/s); CPU s PG {Stats.F(dbCpu)}, bench {Stats.F(benchCpu)}, other processes {Stats.F(otherCpu)} of {Stats.F(Environment.ProcessorCount * seconds)}; WAL {Stats.N((double)wal / 1e6)} MB");
        await PrintStatementsAsync(cs, name);
        sw.Restart();
        var wrong = await MembersBench.ScalarAsync<long>(cs, $"""
            SELECT count(*) FROM "DutyRecords" d
            LEFT JOIN LATERAL (
                SELECT r."Points" FROM "ScoringRules" r
                WHERE r."Code" = d."RuleCode" AND starts_with(d."CommitteePath", r."CommitteePath")
                  AND r."EffectiveFrom" <= (d."OccurredAt" AT TIME ZONE 'Asia/Shanghai')::date
                  AND (r."EffectiveTo" IS NULL OR r."EffectiveTo" >= (d."OccurredAt" AT TIME ZONE 'Asia/Shanghai')::date)
                ORDER BY length(r."CommitteePath") DESC, r."EffectiveFrom" DESC, r."Id" DESC
                LIMIT 1) w ON true
            WHERE d."Year" = {o.Year} AND d."Points" <> d."Quantity" * coalesce(w."Points", 0)
            """);
        var checkSeconds = sw.Elapsed.TotalSeconds;
        Console.WriteLine($"check: {name}: {Stats.N(wrong)} of the year's records have points other than their rule's points × quantity (SQL check, {Stats.F(checkSeconds)} s)");
        return new Step(name, call, inScope, changed, seconds, dbCpu, benchCpu, otherCpu, (long)wal, wrong, checkSeconds);
    }

    /// <summary>
    /// What the statements since the last reset cost the database (pg_stat_statements), most total time first: calls, total
    /// and max time, rows, shared blocks hit/read/dirtied/written and WAL.
    /// </summary>
    internal static async Task PrintStatementsAsync(string cs, string name, int limit = 6, int width = 700)
    {
        var rows = await MembersBench.ListAsync<string>(cs, $"""
            SELECT lpad(calls::text, 6) || lpad(round(total_exec_time::numeric / 1000, 3)::text, 10) || lpad(round(max_exec_time::numeric, 1)::text, 10)
                   || lpad(rows::text, 10) || '  ' || shared_blks_hit || '/' || shared_blks_read || '/' || shared_blks_dirtied || '/' || shared_blks_written
                   || '  ' || round(wal_bytes / 1e6, 1) || '  ' || left(regexp_replace(query, '\s+', ' ', 'g'), {width})
            FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND query NOT LIKE '%pg_stat_statements%' AND query NOT LIKE '%pg_current_wal_lsn%'
            ORDER BY total_exec_time DESC LIMIT {limit}
            """);
        Console.WriteLine($"db: {name}: statements by total time (calls, total s, max ms, rows, shared blocks hit/read/dirtied/written, WAL MB, statement):");
        foreach (var r in rows) Console.WriteLine("db: " + r);
    }

    private static async Task VacuumAsync(string cs)
    {
        var sw = Stopwatch.StartNew();
        await ExecAsync(cs, """VACUUM "DutyRecords"; CHECKPOINT""");
        Console.WriteLine($"vacuum: VACUUM \"DutyRecords\" + CHECKPOINT between steps (as autovacuum would, in time) took {Stats.F(sw.Elapsed.TotalSeconds)} s");
    }

    /// <summary>The app's context on PostgreSQL, configured as <see cref="DatabaseSetup.AddAppDatabase"/> does (Npgsql's 30 s command timeout unless --command-timeout).</summary>
    private static PostgresAppDbContext Context(string cs, DutyOptions o) =>
        new(new DbContextOptionsBuilder<PostgresAppDbContext>()
            .UseNpgsql(cs, n =>
            {
                n.MigrationsHistoryTable("__EFMigrationsHistory");
                if (o.CommandTimeout >= 0) n.CommandTimeout(o.CommandTimeout);
            })
            .Options);

    private static async Task ExecAsync(string cs, string sql)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await ExecAsync(conn, sql);
    }

    private static async Task ExecAsync(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 0 };
        await cmd.ExecuteNonQueryAsync();
    }
}

/// <summary>A throwaway PostgreSQL cluster with one database the app has migrated and seeded (reference data, demo), with pg_stat_statements.</summary>
public static class AppDatabase
{
    /// <summary>
    /// Starts the cluster, creates <paramref name="database"/> and starts the app on it (migrations, the 3,339
    /// committees, the demo); with <paramref name="stopApp"/> stops the app again. Returns the cluster and the app (null
    /// when stopped; the caller disposes both) and the database's connection string.
    /// </summary>
    public static async Task<(PgCluster Pg, string ConnectionString, AppProcess? App)> CreateAsync(string database, string workDir, string logName, bool stopApp,
        IReadOnlyDictionary<string, string>? settings = null)
    {
        var pg = await PgCluster.StartAsync();
        try
        {
            Console.WriteLine($"database: {await pg.VersionAsync()}; {pg.Settings}");
            await pg.CreateDatabaseAsync(database);
            var cs = pg.For(database);
            var app = await AppProcess.StartAsync("PostgreSQL", cs, Path.Combine(workDir, logName), settings, TimeSpan.FromMinutes(10));
            Console.WriteLine($"app: first start (migrations, {await MembersBench.ScalarAsync<long>(cs, """SELECT count(*) FROM "Committees" """)} committees, demo) took {Stats.F(app.StartupTime.TotalSeconds)} s; log {app.LogFile}");
            if (stopApp) await app.DisposeAsync();
            await using var conn = new NpgsqlConnection(cs);
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS pg_stat_statements", conn);
            await cmd.ExecuteNonQueryAsync();
            return (pg, cs, stopApp ? null : app);
        }
        catch
        {
            await pg.DisposeAsync();
            throw;
        }
    }
}

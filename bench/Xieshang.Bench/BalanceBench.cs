using System.Diagnostics;
using Npgsql;

namespace Xieshang.Bench;

/// <summary>Options of <c>balance</c>.</summary>
public sealed record BalanceBenchOptions(string Province = "520000", IReadOnlyList<string>? Ballast = null, int Members = 650_000, int Year = 2025,
    int RecordsPerMember = 30, int Workers = 1, int WarmupSeconds = 5, int DurationSeconds = 20, IReadOnlyList<string>? Mixes = null, int Attempts = 3);

/// <summary>
/// The balance dashboard (<c>GET /api/committees/{code}/duty/summary?year=</c>) for a province of about 100 committees
/// (贵州, 520000: the province, 9 cities, 88 counties) on PostgreSQL. Data, all through SQL on the server:
/// <list type="bullet">
/// <item>members: <see cref="MemberLoader"/>'s national load (<see cref="BalanceBenchOptions.Members"/>, about 20,000 in the province);</item>
/// <item>activities in the year and the year before, per committee and year: 1 plenary session, 5 standing-committee
/// meetings, 8 chairpersons' councils, 6 consultations, 6 research trips, 3 each of inspection, training, lecture and
/// reading, 2 each of culture, publicity, service and volunteer activities (47); 90 % published, 5 % postponed, 3 %
/// cancelled, 2 % drafts; a tenth of county and city activities organised jointly with the committee above;</item>
/// <item>invitations: every active member of the organiser to a plenary session, about 15 % of them to anything else;
/// attendance confirmed for 98 % (present 80 %, non-voting 3 %, speaker 4 %, author 1 %, excused 5 %, absent 5 %);</item>
/// <item>duty records: <see cref="BalanceBenchOptions.RecordsPerMember"/> per active member and year, the member's yearly total drawn
/// from 35–115 points, so that about a quarter are below the talk threshold.</item>
/// </list>
/// The same data is generated for the <see cref="BalanceBenchOptions.Ballast"/> provinces (default 四川, 510000, 205 committees),
/// so the province is a fraction of every table, as it is in production. Mixes (one at a time, <see cref="BalanceBenchOptions.Workers"/>
/// clients each): <c>province</c> (admin, the province), <c>city</c> (admin, a random city of it), <c>county</c> (admin,
/// a random county), <c>xlsx</c> (the province's workbook).
/// </summary>
public static class BalanceBench
{
    public static readonly string[] AllMixes = ["province", "city", "county", "xlsx"];
    private const string Database = "xs_bench_balance";

    public static async Task RunAsync(BalanceBenchOptions o, string workDir)
    {
        await using var pg = await PgCluster.StartAsync();
        Console.WriteLine($"database: {await pg.VersionAsync()}; {pg.Settings}");
        await pg.CreateDatabaseAsync(Database);
        var cs = pg.For(Database);

        await using var app = await AppProcess.StartAsync("PostgreSQL", cs, Path.Combine(workDir, "app-balance.log"), null, TimeSpan.FromMinutes(10));
        Console.WriteLine($"app: first start (migrations, reference data, demo) took {Stats.F(app.StartupTime.TotalSeconds)} s; log {app.LogFile}");
        await ExecAsync(cs, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");

        // No command timeout for the load: its COPY can outlast Npgsql's 30 s default on a busy machine.
        var load = await MemberLoader.LoadAsync(cs + ";Command Timeout=0", o.Members, m => Console.WriteLine("load: " + m));
        Console.WriteLine($"load: {Stats.N(load.Total)} members in {load.Committees} committees (COPY {Stats.F(load.Copy.TotalSeconds)} s)");
        var provinces = new[] { o.Province }.Concat(o.Ballast ?? ["510000"]).Distinct().ToList();
        await GenerateAsync(cs, string.Join(" OR ", provinces.Select(p => $"c.\"Path\" LIKE '/CN/{p}/%'")), [o.Year - 1, o.Year], o.RecordsPerMember);

        var path = await ScalarAsync<string>(cs, $"""SELECT "Path" FROM "Committees" WHERE "Code" = '{o.Province}'""");
        var cities = await ListAsync<string>(cs, $"""SELECT "Code" FROM "Committees" WHERE "Path" LIKE '{path}%' AND "Level" = 2 ORDER BY "Code" """);
        var counties = await ListAsync<string>(cs, $"""SELECT "Code" FROM "Committees" WHERE "Path" LIKE '{path}%' AND "Level" = 3 ORDER BY "Code" """);
        foreach (var line in await ListAsync<string>(cs, $"""
            SELECT 'scope: ' || (SELECT count(*) FROM "Committees" WHERE "Path" LIKE '{path}%') || ' committees, '
              || (SELECT count(*) FROM "Members" WHERE "IsActive" AND "CommitteePath" LIKE '{path}%') || ' active members, '
              || (SELECT count(*) FROM "Activities" a WHERE EXISTS (SELECT 1 FROM "ActivityOrganizers" x WHERE x."ActivityId" = a."Id" AND x."CommitteePath" LIKE '{path}%')
                  AND a."StartsAt" >= make_timestamptz({o.Year}, 1, 1, 0, 0, 0, 'Asia/Shanghai') AND a."StartsAt" < make_timestamptz({o.Year + 1}, 1, 1, 0, 0, 0, 'Asia/Shanghai')) || ' activities, '
              || (SELECT count(*) FROM "Invitations" i JOIN "Activities" a ON a."Id" = i."ActivityId" WHERE i."CommitteePath" LIKE '{path}%'
                  AND a."StartsAt" >= make_timestamptz({o.Year}, 1, 1, 0, 0, 0, 'Asia/Shanghai') AND a."StartsAt" < make_timestamptz({o.Year + 1}, 1, 1, 0, 0, 0, 'Asia/Shanghai')) || ' invitations, '
              || (SELECT count(*) FROM "DutyRecords" WHERE "Year" = {o.Year} AND "CommitteePath" LIKE '{path}%') || ' duty records in {o.Year} in {o.Province}; tables: '
              || (SELECT count(*) FROM "Activities") || ' activities, ' || (SELECT count(*) FROM "Invitations") || ' invitations, '
              || (SELECT count(*) FROM "DutyRecords") || ' duty records, ' || (SELECT count(*) FROM "Members") || ' members'
            """)) Console.WriteLine(line);

        var admin = await app.LoginAsync("admin");
        // One answer of each, to show what the dashboard says about the generated data.
        using (var http = new HttpClient { BaseAddress = app.BaseAddress })
        {
            http.DefaultRequestHeaders.Authorization = new("Bearer", admin);
            var sw = Stopwatch.StartNew();
            var body = await http.GetStringAsync($"/api/committees/{o.Province}/duty/summary?year={o.Year}");
            Console.WriteLine($"first answer ({Stats.F(sw.Elapsed.TotalMilliseconds, 0)} ms, cold, {Stats.N(body.Length)} bytes): {body[..Math.Min(600, body.Length)]} …");
        }

        var rngs = Enumerable.Range(0, o.Workers).Select(i => new Random(2000 + i)).ToArray();
        var mixes = new Dictionary<string, Func<int, LoadRequest>>
        {
            ["province"] = _ => new($"/api/committees/{o.Province}/duty/summary?year={o.Year}", admin),
            ["city"] = w => new($"/api/committees/{cities[rngs[w].Next(cities.Count)]}/duty/summary?year={o.Year}", admin),
            ["county"] = w => new($"/api/committees/{counties[rngs[w].Next(counties.Count)]}/duty/summary?year={o.Year}", admin),
            ["xlsx"] = _ => new($"/api/committees/{o.Province}/duty/summary.xlsx?year={o.Year}", admin),
        };
        var results = new List<LoadResult>();
        using var generator = new LoadGenerator(app.BaseAddress, o.Workers);
        foreach (var mix in o.Mixes ?? AllMixes)
        {
            if (!mixes.TryGetValue(mix, out var next)) throw new ArgumentException($"Unknown mix {mix}; known: {string.Join(", ", AllMixes)}");
            LoadResult? best = null;
            for (var attempt = 1; attempt <= o.Attempts; attempt++)
            {
                await Quiet.WaitAsync();
                await ExecAsync(cs, "SELECT pg_stat_statements_reset()");
                Console.WriteLine($"run: {mix}: {o.WarmupSeconds} s warm-up, {o.DurationSeconds} s measured, {o.Workers} client(s) …");
                var r = await generator.RunAsync(mix, next, TimeSpan.FromSeconds(o.WarmupSeconds), TimeSpan.FromSeconds(o.DurationSeconds), () => (app.CpuTime(), pg.CpuTime()));
                Console.WriteLine($"run: {mix}: {Stats.N(r.Requests)} requests, {Stats.F(r.RequestsPerSecond, 1)} req/s, p50 {Stats.F(r.P50)} ms, p95 {Stats.F(r.P95)} ms, " +
                                  $"p99 {Stats.F(r.P99)} ms, max {Stats.F(r.Max)} ms, errors {r.Errors}{(r.FirstError is null ? "" : $" (first: {r.FirstError})")}; " +
                                  $"CPU s app {Stats.F(r.AppCpuSeconds)}, db {Stats.F(r.DbCpuSeconds)}, client {Stats.F(r.ClientCpuSeconds)}, other {Stats.F(r.OtherCpuSeconds)} of {Stats.F(r.CapacityCpuSeconds)}");
                if (best is null || r.OtherCpuSeconds < best.OtherCpuSeconds) best = r;
                if (r.OtherCpuSeconds <= 0.1 * r.CapacityCpuSeconds) break;
                if (attempt < o.Attempts) Console.WriteLine($"run: {mix}: other processes used {Stats.F(100 * r.OtherCpuSeconds / r.CapacityCpuSeconds, 0)}% of the CPU; measuring again");
            }
            results.Add(best!);
            Console.WriteLine($"db: {mix}: statements by total time (calls, mean ms, statement):");
            foreach (var line in await ListAsync<string>(cs, """
                SELECT lpad(calls::text, 7) || lpad(round(mean_exec_time::numeric, 2)::text, 10) || '  ' || left(regexp_replace(query, '\s+', ' ', 'g'), 300)
                FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                ORDER BY total_exec_time DESC LIMIT 9
                """)) Console.WriteLine("db:   " + line);
        }

        Console.WriteLine();
        Console.WriteLine($"| mix | clients | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | errors | CPU s app / db / client / other (of {Environment.ProcessorCount * o.DurationSeconds}) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var r in results)
            Console.WriteLine($"| {r.Mix} | {o.Workers} | {Stats.N(r.Requests)} | {Stats.F(r.RequestsPerSecond, 1)} | {Stats.F(r.P50)} | {Stats.F(r.P95)} | {Stats.F(r.P99)} | {Stats.F(r.Max)} | {r.Errors} | " +
                              $"{Stats.F(r.AppCpuSeconds)} / {Stats.F(r.DbCpuSeconds)} / {Stats.F(r.ClientCpuSeconds)} / {Stats.F(r.OtherCpuSeconds)} |");
    }

    /// <summary>
    /// Activities, organisers, invitations with attendance and duty records for every committee matched by
    /// <paramref name="scope"/> (an SQL condition on <c>"Committees" c</c>), for each of <paramref name="years"/>:
    /// 46 activities per committee and year (one plenary in March), the plenary's invitations to every active member of
    /// the committee and 15 % of them to each other activity, attendance drawn (82 % present), and
    /// <paramref name="recordsPerMember"/> duty records per active member and year. Reproducible (one seeded session).
    /// </summary>
    internal static async Task GenerateAsync(string cs, string scope, IReadOnlyList<int> years, int recordsPerMember)
    {
        var yearRows = string.Join(", ", years.Select(y => $"({y})"));
        var sw = Stopwatch.StartNew();
        // One session, seeded once, so that random() gives the same data on every run.
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        async Task<int> Exec(string sql)
        {
            await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 0 };
            return await cmd.ExecuteNonQueryAsync();
        }
        async Task Step(string what, string sql)
        {
            var t = Stopwatch.StartNew();
            var rows = await Exec(sql);
            Console.WriteLine($"load: {what}: {Stats.N(rows)} rows in {Stats.F(t.Elapsed.TotalSeconds)} s");
        }
        await Exec("SELECT setseed(0.2026)");
        // Plenary sessions in March, everything else spread over the year (China time), 09:00–17:00.
        await Step("activities", $"""
            INSERT INTO "Activities" ("Title", "Type", "Status", "StartsAt", "EndsAt", "Place", "OnlineLink", "Agenda", "Mandatory", "CommitteeId",
                "CommitteePath", "CheckInKey", "CancelReason", "CreatedBy", "CreatedAt", "UpdatedAt", "PublishedAt")
            SELECT 'bench ' || t.type || '/' || k, t.type, s.status, s.starts, s.starts + interval '3 hours', '会议室', '', '', t.type <= 3, c."Id",
                c."Path", decode(md5(random()::text) || md5(random()::text), 'hex'), '', 'bench', now(), now(), CASE WHEN s.status = 0 THEN NULL ELSE now() END
            FROM "Committees" c
            CROSS JOIN (VALUES {yearRows}) y(y)
            CROSS JOIN (VALUES (1, 1), (2, 5), (3, 8), (4, 6), (5, 6), (6, 3), (7, 3), (8, 3), (9, 3), (10, 2), (11, 2), (12, 2), (13, 2)) t(type, n)
            CROSS JOIN LATERAL generate_series(1, t.n) k
            CROSS JOIN LATERAL (SELECT
                CASE WHEN t.type = 1 THEN make_timestamptz(y.y, 3, 1 + (c."Id" % 20), 9, 0, 0, 'Asia/Shanghai')
                     ELSE make_timestamptz(y.y, 1, 1, 9, 0, 0, 'Asia/Shanghai') + floor(random() * 364) * interval '1 day' + floor(random() * 8) * interval '1 hour' END AS starts,
                (SELECT CASE WHEN r < 0.90 THEN 1 WHEN r < 0.95 THEN 2 WHEN r < 0.98 THEN 3 ELSE 0 END FROM (SELECT random() + 0 * k AS r) x) AS status) s
            WHERE ({scope}) AND c."Level" >= 1
            """);
        await Step("organisers", """
            INSERT INTO "ActivityOrganizers" ("ActivityId", "CommitteeId", "CommitteePath", "SortOrder")
            SELECT "Id", "CommitteeId", "CommitteePath", 0 FROM "Activities" WHERE "CreatedBy" = 'bench'
            """);
        await Step("joint organisers (a tenth of city and county activities)", """
            INSERT INTO "ActivityOrganizers" ("ActivityId", "CommitteeId", "CommitteePath", "SortOrder")
            SELECT a."Id", p."Id", p."Path", 1
            FROM "Activities" a JOIN "Committees" c ON c."Id" = a."CommitteeId" JOIN "Committees" p ON p."Id" = c."ParentId"
            WHERE a."CreatedBy" = 'bench' AND c."Level" >= 2 AND a."Type" <> 1 AND random() < 0.1
            """);
        await Step("invitations", """
            INSERT INTO "Invitations" ("ActivityId", "MemberId", "CommitteeId", "CommitteePath", "SectorId", "Response", "LeaveReason", "LeaveLate",
                "LeaveDecision", "LeaveDecidedBy", "LeaveDecisionNote", "WalkIn", "Attendance", "AttendanceAt")
            SELECT a."Id", m."Id", m."CommitteeId", m."CommitteePath", m."SectorId", 1, '', false, 0, '', '', false,
                CASE WHEN r.r < 0.02 THEN NULL WHEN r.r < 0.82 THEN 1 WHEN r.r < 0.85 THEN 2 WHEN r.r < 0.89 THEN 3 WHEN r.r < 0.90 THEN 4
                     WHEN r.r < 0.95 THEN 5 ELSE 6 END,
                a."EndsAt"
            FROM "Activities" a
            JOIN "Members" m ON m."CommitteeId" = a."CommitteeId" AND m."IsActive"
            CROSS JOIN LATERAL (SELECT random() + 0 * m."Id" AS r, random() + 0 * m."Id" AS pick) r
            WHERE a."CreatedBy" = 'bench' AND a."Status" <> 0 AND (a."Type" = 1 OR r.pick < 0.15)
            """);
        await Step("duty records", $"""
            INSERT INTO "DutyRecords" ("MemberId", "CommitteeId", "CommitteePath", "SectorId", "Year", "Category", "RuleCode", "Quantity", "Points",
                "Source", "SourceId", "Title", "Evidence", "OccurredAt", "RecordedAt")
            SELECT m."Id", m."CommitteeId", m."CommitteePath", m."SectorId", y.y, 1 + k % 10, 'bench.' || y.y, 1,
                round((m.total / {recordsPerMember} + (random() - 0.5) * 2)::numeric, 2), 'bench', k, 'bench', '',
                make_timestamptz(y.y, 1, 1, 9, 0, 0, 'Asia/Shanghai') + floor(random() * 364) * interval '1 day', now()
            FROM (SELECT m.*, 35 + random() * 80 AS total FROM "Members" m JOIN "Committees" c ON c."Id" = m."CommitteeId"
                  WHERE m."IsActive" AND ({scope})) m
            CROSS JOIN (VALUES {yearRows}) y(y)
            CROSS JOIN generate_series(1, {recordsPerMember}) k
            """);
        var t0 = Stopwatch.StartNew();
        await Exec("VACUUM (ANALYZE); CHECKPOINT");
        Console.WriteLine($"load: VACUUM (ANALYZE) + CHECKPOINT in {Stats.F(t0.Elapsed.TotalSeconds)} s; generated in {Stats.F(sw.Elapsed.TotalSeconds)} s");
    }

    private static async Task<int> ExecAsync(string cs, string sql)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 0 };
        return await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<T> ScalarAsync<T>(string cs, string sql)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 0 };
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    private static async Task<List<T>> ListAsync<T>(string cs, string sql)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 0 };
        await using var r = await cmd.ExecuteReaderAsync();
        var list = new List<T>();
        while (await r.ReadAsync()) list.Add(r.GetFieldValue<T>(0));
        return list;
    }
}

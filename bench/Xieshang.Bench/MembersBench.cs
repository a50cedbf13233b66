using System.Runtime.InteropServices;
using Npgsql;

namespace Xieshang.Bench;

/// <summary>Options of <c>members</c>.</summary>
public sealed record MembersOptions(int Members = 650_000, int Workers = 32, int WarmupSeconds = 5, int DurationSeconds = 20,
    IReadOnlyList<string>? Mixes = null, bool SqlLog = false, bool KeepRunning = false, int Attempts = 3,
    string? AppConnectionOptions = null, string? ExtraSql = null);

/// <summary>
/// Member list API at national scale: the app on PostgreSQL with the ~3,300 committees it loads at first start and
/// <see cref="MembersOptions.Members"/> members, under <see cref="MembersOptions.Workers"/> concurrent clients.
/// Mixes, each measured separately after its own warm-up:
/// <list type="bullet">
/// <item><c>ping</c>: <c>GET /api/ping</c>, the constant-JSON baseline of the same app in the same run;</item>
/// <item><c>city</c>: staff.520200 lists a random committee of its subtree, page 1–5 of 20;</item>
/// <item><c>national</c>: admin lists a random committee of the whole country (any level), page 1–5 of 20;</item>
/// <item><c>city-pinyin</c>: staff.520200 searches its subtree by pinyin initials (<c>q=zw</c>) or spelling (<c>q=zhang</c>);</item>
/// <item><c>all</c>: admin lists the whole country with no committee filter, page 1–5 of 20;</item>
/// <item><c>national-pinyin</c>: admin searches the whole country by pinyin.</item>
/// </list>
/// After each mix the heaviest statements of <c>pg_stat_statements</c> are printed (mean time per call).
/// </summary>
public static class MembersBench
{
    public static readonly string[] AllMixes = ["ping", "city", "national", "city-pinyin", "all", "national-pinyin"];
    private const string Database = "xs_bench_members";

    public static async Task RunAsync(MembersOptions o, string workDir)
    {
        await using var pg = await PgCluster.StartAsync();
        var pgVersion = await pg.VersionAsync();
        Console.WriteLine($"database: {pgVersion}; {pg.Settings}");
        await pg.CreateDatabaseAsync(Database);
        var cs = pg.For(Database);

        var settings = new Dictionary<string, string>();
        if (o.SqlLog) settings["Logging__LogLevel__Microsoft.EntityFrameworkCore.Database.Command"] = "Information";
        // The app's own connection string may carry extra Npgsql settings (--app-cs "Maximum Pool Size=8") to try pool sizes.
        var appCs = string.IsNullOrWhiteSpace(o.AppConnectionOptions) ? cs : cs + ";" + o.AppConnectionOptions;
        if (appCs != cs) Console.WriteLine($"app: connection string {appCs}");
        await using var app = await AppProcess.StartAsync("PostgreSQL", appCs, Path.Combine(workDir, "app-members.log"), settings, TimeSpan.FromMinutes(10));
        Console.WriteLine($"app: first start (migrations, {await ScalarAsync<long>(cs, """SELECT count(*) FROM "Committees" """)} committees, demo) took {Stats.F(app.StartupTime.TotalSeconds)} s; log {app.LogFile}");

        await using (var conn = new NpgsqlConnection(cs))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS pg_stat_statements", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        var load = await MemberLoader.LoadAsync(cs, o.Members, m => Console.WriteLine("load: " + m));
        if (!string.IsNullOrWhiteSpace(o.ExtraSql))
        {
            // --sql: statements to try before they are in a migration (an index, a setting), then statistics again.
            var sw = System.Diagnostics.Stopwatch.StartNew();
            await using var conn = new NpgsqlConnection(cs);
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand(o.ExtraSql + "; ANALYZE", conn) { CommandTimeout = 0 };
            await cmd.ExecuteNonQueryAsync();
            Console.WriteLine($"load: ran --sql in {Stats.F(sw.Elapsed.TotalSeconds)} s: {o.ExtraSql}");
        }
        Console.WriteLine($"load: {Stats.N(load.Total)} members in {load.Committees} committees ({Stats.N(load.Generated)} generated in {Stats.F(load.Generate.TotalSeconds)} s, " +
                          $"COPY {Stats.F(load.Copy.TotalSeconds)} s, VACUUM (ANALYZE) + CHECKPOINT {Stats.F(load.Vacuum.TotalSeconds)} s)");
        foreach (var (level, (committees, members)) in load.ByLevel.OrderBy(x => x.Key))
            Console.WriteLine($"load:   {level,-8} {committees,5} committees {Stats.N(members),9} members (mean {Stats.F((double)members / committees, 0)})");
        var size = await ScalarAsync<string>(cs, """SELECT pg_size_pretty(pg_total_relation_size('"Members"'))""");
        Console.WriteLine($"load: \"Members\" with its indexes: {size}");

        var staff = await app.LoginAsync("staff.520200");
        var admin = await app.LoginAsync("admin");
        var cityPath = await ScalarAsync<string>(cs, """SELECT "Path" FROM "Committees" WHERE "Code" = '520200'""");
        var cityCodes = await ListAsync<string>(cs, $"""SELECT "Code" FROM "Committees" WHERE "Path" LIKE '{cityPath}%' ORDER BY "Code" """);
        var allCodes = await ListAsync<string>(cs, """SELECT "Code" FROM "Committees" ORDER BY "Code" """);
        var cityMembers = await ScalarAsync<long>(cs, $"""SELECT count(*) FROM "Members" WHERE "CommitteePath" LIKE '{cityPath}%'""");
        // Search terms people would type for members who exist: two-letter initials (zw) or the start of the spelling (zhang).
        var spellings = await ListAsync<string>(cs, $"""SELECT "PinyinInitials" || '|' || "PinyinFull" FROM "Members" WHERE "CommitteePath" LIKE '{cityPath}%' ORDER BY "Id" """);
        var terms = spellings.SelectMany(s =>
        {
            var parts = s.Split('|');
            return new[] { parts[0][..Math.Min(2, parts[0].Length)], parts[0][..Math.Min(2, parts[0].Length)], parts[1][..Math.Min(5, parts[1].Length)] };
        }).Where(t => t.Length > 0).ToArray();
        Console.WriteLine($"scope: staff.520200 sees {cityCodes.Count} committees ({string.Join(", ", cityCodes)}) with {Stats.N(cityMembers)} members; admin sees {allCodes.Count} committees");

        var rngs = Enumerable.Range(0, o.Workers).Select(i => new Random(1000 + i)).ToArray();
        string Page(int w) => $"page={rngs[w].Next(1, 6)}&pageSize=20";
        var mixes = new Dictionary<string, Func<int, LoadRequest>>
        {
            ["ping"] = _ => new("/api/ping", null),
            ["city"] = w => new($"/api/members?committee={cityCodes[rngs[w].Next(cityCodes.Count)]}&{Page(w)}", staff),
            ["national"] = w => new($"/api/members?committee={allCodes[rngs[w].Next(allCodes.Count)]}&{Page(w)}", admin),
            ["city-pinyin"] = w => new($"/api/members?q={terms[rngs[w].Next(terms.Length)]}&{Page(w)}", staff),
            ["all"] = w => new($"/api/members?{Page(w)}", admin),
            ["national-pinyin"] = w => new($"/api/members?q={terms[rngs[w].Next(terms.Length)]}&{Page(w)}", admin),
        };

        var results = new List<LoadResult>();
        using var generator = new LoadGenerator(app.BaseAddress, o.Workers);
        foreach (var mix in (o.Mixes ?? AllMixes).Where(m => m != "none"))
        {
            if (!mixes.TryGetValue(mix, out var next)) throw new ArgumentException($"Unknown mix {mix}; known: {string.Join(", ", AllMixes)}");
            // Other work on the machine (builds, other test runs) distorts a window: measure again, up to Attempts times,
            // when more than a tenth of the machine's CPU went to processes that are not the app, its database or this client.
            LoadResult? best = null;
            for (var attempt = 1; attempt <= o.Attempts; attempt++)
            {
                await Quiet.WaitAsync();
                await ResetStatementsAsync(cs);
                Console.WriteLine($"run: {mix}: {o.WarmupSeconds} s warm-up, {o.DurationSeconds} s measured, {o.Workers} workers …");
                var r = await generator.RunAsync(mix, next, TimeSpan.FromSeconds(o.WarmupSeconds), TimeSpan.FromSeconds(o.DurationSeconds),
                    () => (app.CpuTime(), pg.CpuTime()));
                Console.WriteLine($"run: {mix}: {Stats.N(r.Requests)} requests, {Stats.F(r.RequestsPerSecond, 0)} req/s, p50 {Stats.F(r.P50)} ms, p95 {Stats.F(r.P95)} ms, " +
                                  $"p99 {Stats.F(r.P99)} ms, max {Stats.F(r.Max)} ms, errors {r.Errors}{(r.FirstError is null ? "" : $" (first: {r.FirstError})")}; " +
                                  $"CPU s app {Stats.F(r.AppCpuSeconds)}, db {Stats.F(r.DbCpuSeconds)}, client {Stats.F(r.ClientCpuSeconds)}, other processes {Stats.F(r.OtherCpuSeconds)} of {Stats.F(r.CapacityCpuSeconds)}");
                if (best is null || r.OtherCpuSeconds < best.OtherCpuSeconds) best = r;
                if (r.OtherCpuSeconds <= 0.1 * r.CapacityCpuSeconds) break;
                if (attempt < o.Attempts) Console.WriteLine($"run: {mix}: other processes used {Stats.F(100 * r.OtherCpuSeconds / r.CapacityCpuSeconds, 0)}% of the CPU; measuring again");
            }
            results.Add(best!);
            if (mix != "ping") await PrintTopStatementsAsync(cs, mix);
        }

        var ping = results.FirstOrDefault(r => r.Mix == "ping");
        Console.WriteLine();
        Console.WriteLine($"| mix | requests | req/s | ratio to ping | p50 ms | p95 ms | p99 ms | max ms | errors | CPU s app / db / client / other (of {Environment.ProcessorCount * o.DurationSeconds}) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var r in results)
            Console.WriteLine($"| {r.Mix} | {Stats.N(r.Requests)} | {Stats.F(r.RequestsPerSecond, 0)} | {(ping is null ? "–" : Stats.F(r.RequestsPerSecond / ping.RequestsPerSecond, 3))} | " +
                              $"{Stats.F(r.P50)} | {Stats.F(r.P95)} | {Stats.F(r.P99)} | {Stats.F(r.Max)} | {r.Errors} | " +
                              $"{Stats.F(r.AppCpuSeconds)} / {Stats.F(r.DbCpuSeconds)} / {Stats.F(r.ClientCpuSeconds)} / {Stats.F(r.OtherCpuSeconds)} |");

        if (o.KeepRunning)
        {
            Console.WriteLine($"keep: app at {app.BaseAddress} (admin / {AppProcess.AdminPassword}), database {cs}; SIGINT or SIGTERM stops");
            var stop = new TaskCompletionSource();
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.TrySetResult(); });
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); });
            await stop.Task;
        }
    }

    internal static async Task ResetStatementsAsync(string cs)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT pg_stat_statements_reset()", conn);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>The statements that took most of the database's time in the last mix.</summary>
    private static async Task PrintTopStatementsAsync(string cs, string mix)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            SELECT calls, round(mean_exec_time::numeric, 2), round(total_exec_time::numeric / 1000, 1), regexp_replace(query, '\s+', ' ', 'g')
            FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
            ORDER BY total_exec_time DESC LIMIT 5
            """, conn);
        await using var r = await cmd.ExecuteReaderAsync();
        Console.WriteLine($"db: {mix}: top statements by total time (calls, mean ms, total s, statement):");
        while (await r.ReadAsync())
        {
            var q = r.GetString(3);
            Console.WriteLine($"db:   {r.GetInt64(0),8} {r.GetDecimal(1),9} {r.GetDecimal(2),7}  {(q.Length > 400 ? q[..400] + " …" : q)}");
        }
    }

    internal static async Task<T> ScalarAsync<T>(string cs, string sql)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 0 };
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    internal static async Task<List<T>> ListAsync<T>(string cs, string sql)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await using var r = await cmd.ExecuteReaderAsync();
        var list = new List<T>();
        while (await r.ReadAsync()) list.Add(r.GetFieldValue<T>(0));
        return list;
    }
}

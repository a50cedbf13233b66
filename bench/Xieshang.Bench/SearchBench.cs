using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;
using Xieshang.Web.Features.Proposals;

namespace Xieshang.Bench;

/// <summary>Options of <c>search</c>.</summary>
public sealed record SearchBenchOptions(int Proposals = 1_000_000, int Workers = 4, int WarmupSeconds = 5, int DurationSeconds = 20,
    IReadOnlyList<string>? Mixes = null, int Attempts = 3);

/// <summary>Options of <c>similar</c>.</summary>
public sealed record SimilarBenchOptions(int Proposals = 200_000, int Queries = 2000, int Top = 10);

/// <summary>
/// <c>search</c>: the proposal list and full-text search (<c>GET /api/proposals?committee=&amp;status=&amp;q=&amp;page=</c>, which
/// filters by scope, status and <see cref="ProposalSearch.Matching"/>, orders by id descending, pages 20 and counts up to
/// <c>ProposalQueries.CountCap</c>) over <see cref="SearchBenchOptions.Proposals"/> proposals on PostgreSQL, through the
/// running app. Proposals: <see cref="SyntheticProposals"/>, 6 % in 六盘水 (520200) and its four counties, the rest spread over
/// every committee of the country; status 10 % submitted, 5 % under review, the rest filed and on (filed, assigned,
/// handling, replied, rated, closed), each with <c>SubmittedAt</c> set as the rules set it. Loaded with COPY (binary), the GIN index dropped during the load and built after.
/// <c>similar</c>: <see cref="SimilarIndex"/> in this process with <see cref="SimilarBenchOptions.Proposals"/> documents
/// (no database: the endpoint adds one primary-key query for visibility), queries with whole proposal texts.
/// </summary>
public static class SearchBench
{
    public static readonly string[] AllMixes = ["list-city", "search-city", "search-city-status", "search-national", "search-national-two", "search-county"];
    private const string Database = "xs_bench_search";

    public static async Task RunAsync(SearchBenchOptions o, string workDir)
    {
        await using var pg = await PgCluster.StartAsync();
        Console.WriteLine($"database: {await pg.VersionAsync()}; {pg.Settings}");
        await pg.CreateDatabaseAsync(Database);
        var cs = pg.For(Database);
        // Jobs off: the similar index's refresher would otherwise read the million rows while we measure.
        await using var app = await AppProcess.StartAsync("PostgreSQL", cs, Path.Combine(workDir, "app-search.log"),
            new Dictionary<string, string> { ["Notifications__Jobs"] = "false" }, TimeSpan.FromMinutes(10));
        Console.WriteLine($"app: first start (migrations, reference data, demo) took {Stats.F(app.StartupTime.TotalSeconds)} s; log {app.LogFile}");
        await ExecAsync(cs, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");

        await LoadAsync(cs + ";Command Timeout=0", o.Proposals);

        var staff = await app.LoginAsync("staff.520200");
        var admin = await app.LoginAsync("admin");
        var rng = Enumerable.Range(0, o.Workers).Select(i => new Random(300 + i)).ToArray();
        string Q(int w) => Uri.EscapeDataString(SyntheticProposals.Queries[rng[w].Next(SyntheticProposals.Queries.Length)]);
        string[] statuses = ["filed", "assigned", "replied", "closed"];
        var mixes = new Dictionary<string, Func<int, LoadRequest>>
        {
            ["list-city"] = w => new($"/api/proposals?committee=520200&page={1 + rng[w].Next(3)}", staff),
            ["search-city"] = w => new($"/api/proposals?committee=520200&q={Q(w)}", staff),
            ["search-city-status"] = w => new($"/api/proposals?committee=520200&status={statuses[rng[w].Next(statuses.Length)]}&q={Q(w)}", staff),
            ["search-county"] = w => new($"/api/proposals?committee=520201&q={Q(w)}", staff),
            ["search-national"] = w => new($"/api/proposals?q={Q(w)}", admin),
            ["search-national-two"] = w => new($"/api/proposals?q={Q(w)}%20{Q(w)}", admin),
        };
        using (var http = new HttpClient { BaseAddress = app.BaseAddress })
        {
            http.DefaultRequestHeaders.Authorization = new("Bearer", staff);
            var sw = Stopwatch.StartNew();
            var body = await http.GetStringAsync($"/api/proposals?committee=520200&q={Uri.EscapeDataString("乡村振兴")}");
            Console.WriteLine($"first answer ({Stats.F(sw.Elapsed.TotalMilliseconds, 0)} ms, cold): {body[..Math.Min(500, body.Length)]} …");
        }

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
            }
            results.Add(best!);
            Console.WriteLine($"db: {mix}: statements by total time (calls, mean ms, statement):");
            foreach (var line in await ListAsync(cs, """
                SELECT lpad(calls::text, 7) || lpad(round(mean_exec_time::numeric, 2)::text, 10) || '  ' || left(regexp_replace(query, '\s+', ' ', 'g'), 400)
                FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                ORDER BY total_exec_time DESC LIMIT 5
                """)) Console.WriteLine("db:   " + line);
        }

        Console.WriteLine();
        Console.WriteLine($"| mix | clients | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | errors | CPU s app / db / client / other (of {Environment.ProcessorCount * o.DurationSeconds}) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var r in results)
            Console.WriteLine($"| {r.Mix} | {o.Workers} | {Stats.N(r.Requests)} | {Stats.F(r.RequestsPerSecond, 1)} | {Stats.F(r.P50)} | {Stats.F(r.P95)} | {Stats.F(r.P99)} | {Stats.F(r.Max)} | {r.Errors} | " +
                              $"{Stats.F(r.AppCpuSeconds)} / {Stats.F(r.DbCpuSeconds)} / {Stats.F(r.ClientCpuSeconds)} / {Stats.F(r.OtherCpuSeconds)} |");
    }

    private static async Task LoadAsync(string cs, int total)
    {
        var sw = Stopwatch.StartNew();
        var corpus = new SyntheticProposals();
        Console.WriteLine($"load: segmenter and {corpus.TopicCount} topics' pieces ready in {Stats.F(sw.Elapsed.TotalSeconds)} s (segmenter load {Stats.F(ChineseSegmenter.Instance.LoadTime.TotalMilliseconds, 0)} ms)");
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        var committees = new List<(int Id, string Path)>();
        var city = new List<(int Id, string Path)>();
        await using (var cmd = new NpgsqlCommand("""SELECT "Id", "Path" FROM "Committees" ORDER BY "Id" """, conn))
        await using (var rd = await cmd.ExecuteReaderAsync())
            while (await rd.ReadAsync())
            {
                var c = (rd.GetInt32(0), rd.GetString(1));
                committees.Add(c);
                if (c.Item2.StartsWith("/CN/520000/520200/", StringComparison.Ordinal)) city.Add(c);
            }
        var indexDef = await ScalarAsync(conn, """SELECT indexdef FROM pg_indexes WHERE indexname = 'IX_Proposals_SearchVector'""");
        await new NpgsqlCommand("""DROP INDEX "IX_Proposals_SearchVector" """, conn).ExecuteNonQueryAsync();
        var r = new Random(42);
        var start = new DateTimeOffset(2023, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await CopyProposalsAsync(conn, total, corpus, r, _ => r.NextDouble() < 0.06 ? city[r.Next(city.Count)] : committees[r.Next(committees.Count)],
            i => start.AddMinutes(i * 1.5), firstYear: 2023, done => Console.WriteLine($"load: {Stats.N(done)} rows, {Stats.F(sw.Elapsed.TotalSeconds)} s"));
        Console.WriteLine($"load: COPY of {Stats.N(total)} proposals (tsvector generated) done at {Stats.F(sw.Elapsed.TotalSeconds)} s");
        var gin = Stopwatch.StartNew();
        await new NpgsqlCommand("SET maintenance_work_mem = '1GB'", conn).ExecuteNonQueryAsync();
        await new NpgsqlCommand(indexDef, conn).ExecuteNonQueryAsync();
        Console.WriteLine($"load: GIN index rebuilt in {Stats.F(gin.Elapsed.TotalSeconds)} s ({indexDef})");
        await new NpgsqlCommand("""VACUUM ANALYZE "Proposals" """, conn).ExecuteNonQueryAsync();
        Console.WriteLine($"load: done in {Stats.F(sw.Elapsed.TotalSeconds)} s; " + await ScalarAsync(conn, """
            SELECT 'table ' || pg_size_pretty(pg_table_size('"Proposals"')) || ', GIN ' || pg_size_pretty(pg_relation_size('"IX_Proposals_SearchVector"'))
              || ', 520200 subtree ' || (SELECT count(*) FROM "Proposals" WHERE "CommitteePath" LIKE '/CN/520000/520200/%')
            """));
    }

    /// <summary>
    /// Writes <paramref name="total"/> proposals from <paramref name="corpus"/> with one binary <c>COPY</c>: proposal
    /// <c>i</c> in <paramref name="committee"/>(i), created at <paramref name="at"/>(i), of kind plenary by a member
    /// (proposer name “委员”, no account), term 9, session = year − <paramref name="firstYear"/> + 1; status drawn past submission
    /// (10 % submitted, 5 % under review, 10 % filed, 15 % assigned, 10 % handling, 15 % replied, 15 % rated, 20 % closed)
    /// with <c>SubmittedAt</c> = the creation time, as the rules set it. <paramref name="progress"/> every 200,000 rows.
    /// </summary>
    internal static async Task CopyProposalsAsync(NpgsqlConnection conn, int total, SyntheticProposals corpus, Random r,
        Func<int, (int Id, string Path)> committee, Func<int, DateTimeOffset> at, int firstYear, Action<int>? progress = null)
    {
        await using (var w = await conn.BeginBinaryImportAsync("""
            COPY "Proposals" ("CommitteeId", "CommitteePath", "Status", "Kind", "ProposerType", "ProposerName", "CreatedByUserId", "Title", "Body",
              "Term", "Session", "Year", "Number", "CreatedAt", "NotFiledGround", "ReviewNote", "ConvertedTo", "IsKey", "KeyLeaderName", "SearchText", "UpdatedAt", "Version", "SubmittedAt")
            FROM STDIN (FORMAT BINARY)
            """))
        {
            w.Timeout = TimeSpan.FromHours(1);
            for (var i = 0; i < total; i++)
            {
                var (cid, path) = committee(i);
                var (title, body, words, _) = corpus.Next(r);
                var u = r.NextDouble();
                var status = u < 0.10 ? ProposalStatus.Submitted : u < 0.15 ? ProposalStatus.UnderReview : u < 0.25 ? ProposalStatus.Filed
                    : u < 0.40 ? ProposalStatus.Assigned : u < 0.50 ? ProposalStatus.Handling : u < 0.65 ? ProposalStatus.Replied : u < 0.80 ? ProposalStatus.Rated : ProposalStatus.Closed;
                var created = at(i);
                await w.StartRowAsync();
                await w.WriteAsync(cid, NpgsqlDbType.Integer);
                await w.WriteAsync(path, NpgsqlDbType.Varchar);
                await w.WriteAsync((int)status, NpgsqlDbType.Integer);
                await w.WriteAsync((int)ProposalKind.Plenary, NpgsqlDbType.Integer);
                await w.WriteAsync((int)ProposerType.Member, NpgsqlDbType.Integer);
                await w.WriteAsync("委员", NpgsqlDbType.Varchar);
                await w.WriteAsync("", NpgsqlDbType.Varchar);
                await w.WriteAsync(title.Length > 100 ? title[..100] : title, NpgsqlDbType.Varchar);
                await w.WriteAsync(body, NpgsqlDbType.Varchar);
                await w.WriteAsync(9, NpgsqlDbType.Integer);
                await w.WriteAsync(1 + created.Year - firstYear, NpgsqlDbType.Integer);
                await w.WriteAsync(created.Year, NpgsqlDbType.Integer);
                await w.WriteAsync("", NpgsqlDbType.Varchar);
                await w.WriteAsync(created, NpgsqlDbType.TimestampTz);
                await w.WriteAsync("", NpgsqlDbType.Varchar);
                await w.WriteAsync("", NpgsqlDbType.Varchar);
                await w.WriteAsync(0, NpgsqlDbType.Integer);
                await w.WriteAsync(false, NpgsqlDbType.Boolean);
                await w.WriteAsync("", NpgsqlDbType.Varchar);
                await w.WriteAsync(words, NpgsqlDbType.Text);
                await w.WriteAsync(created, NpgsqlDbType.TimestampTz);
                await w.WriteAsync(0, NpgsqlDbType.Integer);
                // Every generated status is past submission: SubmittedAt as ProposalRules writes it (the staff scope and IX_Proposals_Office use it).
                if (status == ProposalStatus.Draft) await w.WriteNullAsync();
                else await w.WriteAsync(created, NpgsqlDbType.TimestampTz);
                if ((i + 1) % 200_000 == 0) progress?.Invoke(i + 1);
            }
            await w.CompleteAsync();
        }
    }

    /// <summary>The <c>similar</c> mode: build the index from synthetic proposals, then time queries.</summary>
    public static void RunSimilar(SimilarBenchOptions o)
    {
        var corpus = new SyntheticProposals();
        Console.WriteLine($"segmenter load {Stats.F(ChineseSegmenter.Instance.LoadTime.TotalMilliseconds, 0)} ms");
        var r = new Random(7);
        var paths = new[] { "/CN/520000/520200/", "/CN/520000/520200/520201/", "/CN/520000/520200/520204/", "/CN/520000/520100/", "/CN/510000/510100/" };
        GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect();
        var before = GC.GetTotalMemory(true);
        var index = new SimilarIndex();
        var sw = Stopwatch.StartNew();
        for (var i = 1; i <= o.Proposals; i++) index.Upsert(i, paths[r.Next(paths.Length)], corpus.Next(r).SearchText);
        var build = sw.Elapsed;
        index.QueryWords("预热", null, 1); // norms
        var norms = sw.Elapsed - build;
        GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect();
        var after = GC.GetTotalMemory(true);
        Console.WriteLine($"index: {Stats.N(index.Count)} documents, built in {Stats.F(build.TotalSeconds)} s (+ norms {Stats.F(norms.TotalMilliseconds, 0)} ms); " +
                          $"managed heap +{Stats.F((after - before) / 1048576.0)} MiB (GC), estimate {Stats.F(index.EstimatedBytes / 1048576.0)} MiB");
        var texts = Enumerable.Range(0, 200).Select(_ => corpus.Next(r)).Select(p => p.Title + "\n" + p.Body).ToArray();
        foreach (var t in texts.Take(50)) index.Query(t, null, o.Top); // warm-up
        foreach (var (label, prefix) in new[] { ("all (admin)", (string?)null), ("city 520200", "/CN/520000/520200/"), ("county 520201", "/CN/520000/520200/520201/") })
        {
            var times = new List<double>(o.Queries);
            var segTimes = new List<double>(o.Queries);
            for (var i = 0; i < o.Queries; i++)
            {
                var t = texts[i % texts.Length];
                var s0 = Stopwatch.GetTimestamp();
                var words = ProposalSearch.BuildSearchText(t, "", []);
                var s1 = Stopwatch.GetTimestamp();
                index.QueryWords(words, prefix, o.Top * 10);
                var s2 = Stopwatch.GetTimestamp();
                segTimes.Add(Stopwatch.GetElapsedTime(s0, s1).TotalMilliseconds);
                times.Add(Stopwatch.GetElapsedTime(s0, s2).TotalMilliseconds);
            }
            times.Sort();
            segTimes.Sort();
            Console.WriteLine($"| {label} | {Stats.N(o.Queries)} | {Stats.F(Stats.Percentile(times, 50), 2)} | {Stats.F(Stats.Percentile(times, 95), 2)} | {Stats.F(Stats.Percentile(times, 99), 2)} | {Stats.F(times[^1], 2)} | {Stats.F(Stats.Percentile(segTimes, 50), 2)} |");
        }
        Console.WriteLine("(columns: scope | queries | p50 ms | p95 ms | p99 ms | max ms | p50 ms of segmentation alone; each query asks for top×10 candidates as the endpoint does)");
    }

    private static async Task ExecAsync(string cs, string sql)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await new NpgsqlCommand(sql, conn).ExecuteNonQueryAsync();
    }

    private static async Task<string> ScalarAsync(NpgsqlConnection conn, string sql) =>
        (string)(await new NpgsqlCommand(sql, conn).ExecuteScalarAsync())!;

    private static async Task<List<string>> ListAsync(string cs, string sql)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        var list = new List<string>();
        await using var rd = await new NpgsqlCommand(sql, conn).ExecuteReaderAsync();
        while (await rd.ReadAsync()) list.Add(rd.GetString(0));
        return list;
    }
}

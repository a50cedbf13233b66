using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Xieshang.Bench;

/// <summary>Options of <c>province</c> (and of the data part of <c>plenary</c>).</summary>
/// <param name="Committees">Committees that get data: the province's subtree, padded (or cut) to this many.</param>
/// <param name="Members">Members generated across them (the demo's members in them count).</param>
/// <param name="Years">Years of activities, attendance, proposals and duty records, ending with the current year (China time).</param>
/// <param name="Proposals">Proposals over the years, spread over the committees.</param>
/// <param name="RecordsPerMember">Duty records per active member and year.</param>
/// <param name="Accounts">Members (active, of the province's subtree) who get a sign-in account <c>bench.m&lt;id&gt;</c>.</param>
/// <param name="Province">The province's committee code.</param>
public sealed record ProvinceOptions(int Committees = 100, int Members = 20_000, int Years = 5, int Proposals = 60_000,
    int RecordsPerMember = 20, int Accounts = 5000, string Province = "520000");

/// <summary>The generated scope: the committees' ids, the years and the member accounts (member id, user name; the province's own committee first).</summary>
public sealed record ProvinceScope(IReadOnlyList<int> CommitteeIds, IReadOnlyList<int> Years, IReadOnlyList<(int MemberId, string UserName)> Accounts);

/// <summary>
/// A province at scale in a database the app has migrated and seeded (<c>bench/run.sh province</c>, and the first step of
/// <c>plenary</c>). Reuses the other benches' loaders, all bulk:
/// <list type="number">
/// <item>committees: the province's real subtree from the seeded reference data (贵州 520000: the province, 9 cities/prefectures
/// and 88 counties = 98), padded to <see cref="ProvinceOptions.Committees"/> with the next committees by code outside it
/// (the first province after it in code order and its cities), or cut in path order;</item>
/// <item>members: <see cref="MemberLoader.LoadAsync"/> limited to those committees (binary COPY);</item>
/// <item>activities (46 per committee and year, one plenary), invitations with attendance and duty records:
/// <see cref="BalanceBench.GenerateAsync"/> over the years (INSERT … SELECT in PostgreSQL);</item>
/// <item>proposals: <see cref="SearchBench.CopyProposalsAsync"/> with <see cref="SyntheticProposals"/> (Chinese titles and bodies),
/// a third in the province's own committee, the rest spread over the others, evenly over the years (binary COPY);</item>
/// <item>sign-in accounts for <see cref="ProvinceOptions.Accounts"/> members: <see cref="DoorsBench.EnsureAccountsAsync"/>, which
/// hashes the bench password ONCE (Identity's PBKDF2 is deliberately slow) and stores that one hash string for every account —
/// benchmark data only, never a way to create real accounts.</item>
/// </list>
/// Ends with <c>VACUUM (ANALYZE)</c>, a checkpoint, and the row counts.
/// </summary>
public static class ProvinceData
{
    /// <summary>Generates the data and prints what it made; returns the scope for a replay.</summary>
    public static async Task<ProvinceScope> GenerateAsync(string cs, ProvinceOptions o)
    {
        var total = Stopwatch.StartNew();
        var scope = await PickCommitteesAsync(cs, o);
        var ids = string.Join(",", scope);
        var china = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        var thisYear = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, china).Year;
        var years = Enumerable.Range(thisYear - o.Years + 1, o.Years).ToList();
        Console.WriteLine($"province: {scope.Count} committees (ids {ids[..Math.Min(80, ids.Length)]}…), years {years[0]}–{years[^1]}");

        var load = await MemberLoader.LoadAsync(cs + ";Command Timeout=0", o.Members, m => Console.WriteLine("members: " + m), scope.ToHashSet());
        Console.WriteLine($"members: {Stats.N(load.Generated)} generated (COPY {Stats.F(load.Copy.TotalSeconds)} s)");

        await BalanceBench.GenerateAsync(cs, $"c.\"Id\" IN ({ids})", years, o.RecordsPerMember);

        var sw = Stopwatch.StartNew();
        var committees = await ListPairsAsync(cs, $"""SELECT "Id", "Path" FROM "Committees" WHERE "Id" IN ({ids}) ORDER BY "Path" """);
        var province = committees.First(c => c.Path.EndsWith($"/{o.Province}/", StringComparison.Ordinal));
        var corpus = new SyntheticProposals();
        var r = new Random(520_000);
        var first = new DateTimeOffset(years[0], 1, 1, 0, 0, 0, TimeSpan.FromHours(8));
        var span = new DateTimeOffset(thisYear, 11, 1, 0, 0, 0, TimeSpan.FromHours(8)) - first;
        await using (var conn = new NpgsqlConnection(cs))
        {
            await conn.OpenAsync();
            await SearchBench.CopyProposalsAsync(conn, o.Proposals, corpus, r, _ => r.NextDouble() < 1 / 3.0 ? province : committees[r.Next(committees.Count)],
                i => (first + span * ((double)i / o.Proposals)).ToUniversalTime(), firstYear: years[0]);
        }
        Console.WriteLine($"proposals: {Stats.N(o.Proposals)} in {Stats.F(sw.Elapsed.TotalSeconds)} s");

        // Plenary sessions (届次会议): each March of the generated years, and next January's, not yet closed, to which members
        // write plenary proposals now. Committees that have sessions already (the demo's) keep theirs.
        var sessions = await MembersBench.ScalarAsync<long>(cs, $"""
            WITH s AS (
              INSERT INTO "ProposalSessions" ("CommitteeId", "Term", "Session", "Year", "OpensOn", "ClosesOn")
              SELECT c."Id", 9, y - {years[0]} + 1, y, CASE WHEN y > {thisYear} THEN make_date(y, 1, 20) ELSE make_date(y, 3, 1) END,
                     CASE WHEN y > {thisYear} THEN make_date(y, 1, 25) ELSE make_date(y, 3, 6) END
              FROM "Committees" c CROSS JOIN generate_series({years[0]}, {thisYear + 1}) y
              WHERE c."Id" IN ({ids}) AND NOT EXISTS (SELECT 1 FROM "ProposalSessions" x WHERE x."CommitteeId" = c."Id")
              RETURNING 1)
            SELECT count(*) FROM s
            """);
        Console.WriteLine($"sessions: {sessions} plenary sessions (March of each year, and January {thisYear + 1}, open for plenary proposals)");

        var members = await MembersBench.ListAsync<int>(cs, $"""
            SELECT m."Id" FROM "Members" m WHERE m."IsActive" AND m."CommitteePath" LIKE '/CN/{o.Province}/%'
            ORDER BY m."CommitteePath" = '/CN/{o.Province}/' DESC, hashtext(m."Id"::text), m."Id" LIMIT {o.Accounts}
            """);
        sw.Restart();
        var accounts = await DoorsBench.EnsureAccountsAsync(cs, members);
        Console.WriteLine($"accounts: {Stats.N(accounts.Count)} in {Stats.F(sw.Elapsed.TotalSeconds)} s (one PBKDF2 hash, reused: benchmark data only)");

        sw.Restart();
        await using (var conn = new NpgsqlConnection(cs))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("VACUUM (ANALYZE); CHECKPOINT", conn) { CommandTimeout = 0 };
            await cmd.ExecuteNonQueryAsync();
        }
        Console.WriteLine($"vacuum: VACUUM (ANALYZE) + CHECKPOINT in {Stats.F(sw.Elapsed.TotalSeconds)} s");

        var inScope = $"\"CommitteeId\" IN ({ids})";
        var counts = await MembersBench.ListAsync<string>(cs, $"""
            SELECT x.what || ': ' || x.n FROM (VALUES
              (1, 'committees', (SELECT count(*) FROM "Committees" WHERE "Id" IN ({ids}))),
              (2, 'members', (SELECT count(*) FROM "Members" WHERE {inScope})),
              (3, 'active members', (SELECT count(*) FROM "Members" WHERE {inScope} AND "IsActive")),
              (4, 'activities', (SELECT count(*) FROM "Activities" WHERE {inScope})),
              (5, 'invitations', (SELECT count(*) FROM "Invitations" WHERE {inScope})),
              (6, 'attendance marked', (SELECT count(*) FROM "Invitations" WHERE {inScope} AND "Attendance" IS NOT NULL)),
              (7, 'proposals', (SELECT count(*) FROM "Proposals" WHERE {inScope})),
              (7, 'plenary sessions', (SELECT count(*) FROM "ProposalSessions" WHERE {inScope})),
              (8, 'duty records', (SELECT count(*) FROM "DutyRecords" WHERE {inScope})),
              (9, 'member accounts bench.m*', (SELECT count(*) FROM "AspNetUsers" WHERE "UserName" LIKE 'bench.m%')),
              (10, 'database size MB', (SELECT pg_database_size(current_database()) / 1048576))
            ) x(k, what, n) ORDER BY x.k
            """);
        Console.WriteLine($"counts (the {scope.Count} committees; generated in {Stats.F(total.Elapsed.TotalMinutes, 1)} min):");
        foreach (var line in counts) Console.WriteLine("  " + line);
        return new ProvinceScope(scope, years, members.Select(id => (id, accounts[id])).ToList());
    }

    /// <summary>The province's subtree in path order, padded with the next committees by code (or cut) to the count.</summary>
    private static async Task<List<int>> PickCommitteesAsync(string cs, ProvinceOptions o)
    {
        var subtree = await MembersBench.ListAsync<int>(cs, $"""SELECT "Id" FROM "Committees" WHERE "Path" LIKE '/CN/{o.Province}/%' ORDER BY "Path" """);
        if (subtree.Count == 0) throw new ArgumentException($"No committee {o.Province} in the reference data.");
        if (subtree.Count >= o.Committees) return subtree.Take(o.Committees).ToList();
        var pad = await MembersBench.ListAsync<int>(cs, $"""
            SELECT "Id" FROM "Committees" WHERE "Level" >= 1 AND "Path" NOT LIKE '/CN/{o.Province}/%' AND "Code" > '{o.Province}'
            ORDER BY "Code" LIMIT {o.Committees - subtree.Count}
            """);
        return [.. subtree, .. pad];
    }

    private static async Task<List<(int Id, string Path)>> ListPairsAsync(string cs, string sql)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await using var rd = await cmd.ExecuteReaderAsync();
        var list = new List<(int, string)>();
        while (await rd.ReadAsync()) list.Add((rd.GetInt32(0), rd.GetString(1)));
        return list;
    }

    /// <summary>Parses the <c>province</c> options from the command line.</summary>
    public static ProvinceOptions Parse(Func<string, string?> opt)
    {
        int I(string name, int fallback) => opt(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var d = new ProvinceOptions();
        return new ProvinceOptions(I("--committees", d.Committees), I("--members", d.Members), I("--years", d.Years), I("--proposals", d.Proposals),
            I("--records", d.RecordsPerMember), I("--accounts", d.Accounts), opt("--province") ?? d.Province);
    }
}

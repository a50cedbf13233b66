using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;
using Xieshang.Web.Features.Committees;
using Xieshang.Web.Features.Demo;
using Xieshang.Web.Features.Members;

namespace Xieshang.Bench;

/// <summary>What loading the members took.</summary>
public sealed record LoadReport(int Committees, int Generated, int Total, TimeSpan Generate, TimeSpan Copy, TimeSpan Vacuum,
    IReadOnlyDictionary<CommitteeLevel, (int Committees, int Members)> ByLevel);

/// <summary>
/// Fills "Members" of a database the app has migrated and seeded, up to a national total: every committee gets a
/// member count drawn from its level's range (National ≈ 2,170, provinces 500–900, cities 250–450, counties 120–250),
/// scaled so the total, counting the demo's members, is <c>total</c>. Members come from <see cref="MemberGenerator"/>
/// (one generator per committee, seeded by its id, so a run is reproducible) over the committee's seeded sectors,
/// generated in parallel (the name columns cost ~20 µs each in <see cref="Member.SetName"/>), then written with one
/// binary <c>COPY</c>, followed by <c>VACUUM (ANALYZE)</c> and a checkpoint so neither autovacuum nor a checkpoint
/// falls inside a measurement.
/// </summary>
public static class MemberLoader
{
    private static readonly string[] Columns =
    [
        "CommitteeId", "CommitteePath", "Name", "Gender", "EthnicGroupCode", "BirthMonth", "PartyCode", "SectorId", "Position", "Term",
        "WorkUnit", "Phone", "Email", "IsActive", "StrokeKey", "PinyinKey", "PinyinFull", "PinyinInitials", "CreatedAt", "UpdatedAt",
    ];

    /// <param name="only">The committees (by id) that get members; null: every committee. The others keep what they have and
    /// count neither in the draws nor in <paramref name="total"/>.</param>
    public static async Task<LoadReport> LoadAsync(string connectionString, int total, Action<string> progress, IReadOnlySet<int>? only = null)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();

        var (allCommittees, sectors) = await ReadCommitteesAsync(conn);
        var committees = only is null ? allCommittees : allCommittees.Where(c => only.Contains(c.Id)).ToList();
        var existing = new Dictionary<int, int>();
        await using (var cmd = new NpgsqlCommand("""SELECT "CommitteeId", count(*)::int FROM "Members" GROUP BY "CommitteeId" """, conn))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) existing[r.GetInt32(0)] = r.GetInt32(1);

        // Draw each committee's size from its level's range, then scale the draws to the total.
        var rng = new Random(20260101);
        var draws = committees.ToDictionary(c => c.Id, c => c.Level switch
        {
            CommitteeLevel.National => 2170.0,
            CommitteeLevel.Province => rng.Next(500, 901),
            CommitteeLevel.City => rng.Next(250, 451),
            _ => rng.Next(120, 251),
        });
        var scale = total / draws.Values.Sum();
        var targets = committees.ToDictionary(c => c.Id, c => Math.Max(existing.GetValueOrDefault(c.Id), (int)Math.Round(draws[c.Id] * scale)));
        var toGenerate = committees.Where(c => targets[c.Id] > existing.GetValueOrDefault(c.Id)).ToList();

        progress($"generating {Stats.N(toGenerate.Sum(c => targets[c.Id] - existing.GetValueOrDefault(c.Id)))} members for {toGenerate.Count} committees on {Environment.ProcessorCount} threads");
        var sw = Stopwatch.StartNew();
        var generated = Generate(toGenerate, sectors, c => targets[c.Id] - existing.GetValueOrDefault(c.Id), seed: c => c.Id);
        var generateTime = sw.Elapsed;
        var count = generated.Sum(l => l.Count);
        progress($"generated {Stats.N(count)} members in {Stats.F(generateTime.TotalSeconds)} s; COPY …");

        sw.Restart();
        await CopyAsync(conn, generated);
        var copyTime = sw.Elapsed;
        progress($"COPY took {Stats.F(copyTime.TotalSeconds)} s; VACUUM (ANALYZE) …");

        sw.Restart();
        await using (var cmd = new NpgsqlCommand("VACUUM (ANALYZE); CHECKPOINT", conn) { CommandTimeout = 0 })
            await cmd.ExecuteNonQueryAsync();
        var vacuumTime = sw.Elapsed;

        var totalNow = 0;
        var byLevel = new Dictionary<CommitteeLevel, (int, int)>();
        await using (var cmd = new NpgsqlCommand("""
            SELECT c."Level", count(DISTINCT c."Id")::int, count(m."Id")::int
            FROM "Committees" c LEFT JOIN "Members" m ON m."CommitteeId" = c."Id" GROUP BY c."Level" ORDER BY 1
            """, conn))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync())
            {
                byLevel[(CommitteeLevel)r.GetInt32(0)] = (r.GetInt32(1), r.GetInt32(2));
                totalNow += r.GetInt32(2);
            }
        return new LoadReport(allCommittees.Count, count, totalNow, generateTime, copyTime, vacuumTime, byLevel);
    }

    /// <summary>
    /// Adds generated members to the committee <paramref name="code"/> until it has <paramref name="active"/> active
    /// members (none when it has that many already), then analyses "Members". Returns the ids of the committee's active
    /// members, in id order.
    /// </summary>
    public static async Task<List<int>> TopUpAsync(string connectionString, string code, int active, Action<string> progress)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        var (committees, sectors) = await ReadCommitteesAsync(conn);
        var committee = committees.Single(c => c.Code == code);
        var have = await ActiveIdsAsync(conn, committee.Id);
        if (have.Count < active)
        {
            var missing = active - have.Count;
            // Seeded apart from LoadAsync's generator for the same committee, so the names differ from a national load's.
            var generated = Generate([committee], sectors, _ => missing, seed: c => c.Id + 7_000_000);
            foreach (var m in generated[0]) m.IsActive = true;
            await CopyAsync(conn, generated);
            await using (var cmd = new NpgsqlCommand("""ANALYZE "Members" """, conn))
                await cmd.ExecuteNonQueryAsync();
            progress($"added {Stats.N(missing)} members to {code} {committee.Name} ({Stats.N(have.Count)} were active)");
            have = await ActiveIdsAsync(conn, committee.Id);
        }
        return have;
    }

    private static async Task<List<int>> ActiveIdsAsync(NpgsqlConnection conn, int committeeId)
    {
        var ids = new List<int>();
        await using var cmd = new NpgsqlCommand("""SELECT "Id" FROM "Members" WHERE "CommitteeId" = $1 AND "IsActive" ORDER BY "Id" """, conn)
        {
            Parameters = { new() { Value = committeeId } },
        };
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) ids.Add(r.GetInt32(0));
        return ids;
    }

    /// <summary>Every committee (by id) and each committee's seeded sectors (in order).</summary>
    private static async Task<(List<Committee> Committees, Dictionary<int, List<Sector>> Sectors)> ReadCommitteesAsync(NpgsqlConnection conn)
    {
        var committees = new List<Committee>();
        await using (var cmd = new NpgsqlCommand("""SELECT "Id", "Code", "Name", "Level", "Path" FROM "Committees" ORDER BY "Id" """, conn))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync())
                committees.Add(new Committee { Id = r.GetInt32(0), Code = r.GetString(1), Name = r.GetString(2), Level = (CommitteeLevel)r.GetInt32(3), Path = r.GetString(4) });
        var sectors = new Dictionary<int, List<Sector>>();
        await using (var cmd = new NpgsqlCommand("""SELECT "Id", "CommitteeId", "Name", "SortOrder" FROM "Sectors" ORDER BY "CommitteeId", "SortOrder" """, conn))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync())
            {
                var s = new Sector { Id = r.GetInt32(0), CommitteeId = r.GetInt32(1), Name = r.GetString(2), SortOrder = r.GetInt32(3) };
                (sectors.TryGetValue(s.CommitteeId, out var l) ? l : sectors[s.CommitteeId] = []).Add(s);
            }
        return (committees, sectors);
    }

    /// <summary><paramref name="count"/> members of each committee from <see cref="MemberGenerator"/>, generated on every core.</summary>
    private static List<Member>[] Generate(IReadOnlyList<Committee> committees, Dictionary<int, List<Sector>> sectors, Func<Committee, int> count, Func<Committee, int> seed)
    {
        var now = DateTimeOffset.UtcNow;
        var generated = new List<Member>[committees.Count];
        Parallel.For(0, committees.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var c = committees[i];
            var term = c.Level switch { CommitteeLevel.National => 14, CommitteeLevel.Province => 13, CommitteeLevel.City => 9, _ => 10 };
            generated[i] = new MemberGenerator(seed(c)).Members(c, sectors[c.Id], count(c), term, now);
        });
        return generated;
    }

    /// <summary>Writes <paramref name="members"/> with one binary <c>COPY</c>.</summary>
    private static async Task CopyAsync(NpgsqlConnection conn, IEnumerable<List<Member>> members)
    {
        var columnList = string.Join(", ", Columns.Select(c => $"\"{c}\""));
        await using var writer = await conn.BeginBinaryImportAsync($"COPY \"Members\" ({columnList}) FROM STDIN (FORMAT BINARY)");
        writer.Timeout = TimeSpan.FromHours(1); // not the connection's 30 s: a national load on a busy machine takes longer
        foreach (var list in members)
        {
            foreach (var m in list)
            {
                await writer.StartRowAsync();
                await writer.WriteAsync(m.CommitteeId, NpgsqlDbType.Integer);
                await writer.WriteAsync(m.CommitteePath, NpgsqlDbType.Varchar);
                await writer.WriteAsync(m.Name, NpgsqlDbType.Varchar);
                await writer.WriteAsync((int)m.Gender, NpgsqlDbType.Integer);
                await writer.WriteAsync(m.EthnicGroupCode, NpgsqlDbType.Varchar);
                if (m.BirthMonth is { } b) await writer.WriteAsync(b, NpgsqlDbType.Date);
                else await writer.WriteNullAsync();
                await writer.WriteAsync(m.PartyCode, NpgsqlDbType.Varchar);
                await writer.WriteAsync(m.SectorId, NpgsqlDbType.Integer);
                await writer.WriteAsync((int)m.Position, NpgsqlDbType.Integer);
                await writer.WriteAsync(m.Term, NpgsqlDbType.Integer);
                await writer.WriteAsync(m.WorkUnit, NpgsqlDbType.Varchar);
                await writer.WriteAsync(m.Phone, NpgsqlDbType.Varchar);
                await writer.WriteAsync(m.Email, NpgsqlDbType.Varchar);
                await writer.WriteAsync(m.IsActive, NpgsqlDbType.Boolean);
                await writer.WriteAsync(m.StrokeKey, NpgsqlDbType.Varchar);
                await writer.WriteAsync(m.PinyinKey, NpgsqlDbType.Varchar);
                await writer.WriteAsync(m.PinyinFull, NpgsqlDbType.Varchar);
                await writer.WriteAsync(m.PinyinInitials, NpgsqlDbType.Varchar);
                await writer.WriteAsync(m.CreatedAt, NpgsqlDbType.TimestampTz);
                await writer.WriteAsync(m.UpdatedAt, NpgsqlDbType.TimestampTz);
            }
        }
        await writer.CompleteAsync();
    }
}

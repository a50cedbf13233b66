using System.Text.Json;
using Xieshang.Consensus;

namespace Xieshang.Web.Features.Deliberations;

/// <summary>
/// What the map page, the API and the consultation report need from an <see cref="OpinionMap"/>, stored as compact JSON in
/// <see cref="DeliberationMapSnapshot.Data"/>. Statements are referred to by id; their texts are read at display time.
/// </summary>
/// <param name="ComputedAt">When the map was computed.</param>
/// <param name="Participants">Participants with at least one vote.</param>
/// <param name="InConv">Participants clustered into groups.</param>
/// <param name="Statements">Statements with votes (the matrix's columns), moderated-out ones included.</param>
/// <param name="Votes">Stored votes.</param>
/// <param name="Groups">Opinion groups (index = id; named 第1组, 第2组 …); empty while fewer than
/// <see cref="DeliberationMapData.MinParticipants"/> people are clustered, like the three lists below.</param>
/// <param name="ConsensusAgree">Statements all groups agree with (Polis consensus), best first.</param>
/// <param name="ConsensusDisagree">Statements all groups disagree with, best first.</param>
/// <param name="Divisive">Statements whose agreement differs most between groups, most divisive first.</param>
/// <param name="Ranked">Accepted statements ranked by group-informed consensus, highest first (at most 20).</param>
public sealed record MapData(DateTimeOffset ComputedAt, int Participants, int InConv, int Statements, int Votes,
    IReadOnlyList<MapGroup> Groups, IReadOnlyList<MapShare> ConsensusAgree, IReadOnlyList<MapShare> ConsensusDisagree,
    IReadOnlyList<MapDivisive> Divisive, IReadOnlyList<MapRanked> Ranked);

/// <summary>An opinion group: id (0-based), size, centre, and the statements that set it apart.</summary>
public sealed record MapGroup(int Id, int Size, double X, double Y, IReadOnlyList<MapDistinct> Distinct);

/// <summary>A representative statement of a group: direction, % agree inside the group and among everyone else clustered.</summary>
public sealed record MapDistinct(int StatementId, bool Agree, int AgreeInPercent, int AgreeOutPercent, int DisagreeInPercent, int DisagreeOutPercent);

/// <summary>A consensus statement: share of the voters on it who agree (or, for the disagree list, disagree), in percent.</summary>
public sealed record MapShare(int StatementId, int Percent, int Votes);

/// <summary>A divisive statement: standard deviation of the groups' agree shares, and each group's % agree (−1 = no votes).</summary>
public sealed record MapDivisive(int StatementId, double Spread, IReadOnlyList<int> GroupAgreePercent);

/// <summary>A statement's group-informed consensus (Π over groups of (agree+1)/(votes+2)) with its overall % agree.</summary>
public sealed record MapRanked(int StatementId, double Score, int AgreePercent, int Votes);

/// <summary>Participant positions for the scatter chart: parallel arrays (participant id, x, y, group id or −1).</summary>
public sealed record MapPoints(int[] P, double[] X, double[] Y, int[] G);

/// <summary>Builds the stored JSON from an <see cref="OpinionMap"/> and (de)serializes the engine's state.</summary>
public static class DeliberationMapData
{
    /// <summary>JSON options of every stored document (camelCase, compact).</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Most statements listed as divisive.</summary>
    public const int MaxDivisive = 5;
    /// <summary>Most statements ranked by group-informed consensus.</summary>
    public const int MaxRanked = 20;

    /// <summary>
    /// Fewest participants in the clustering (<see cref="OpinionMap.InConv"/>: Polis's in-conv rule, each with at least
    /// min(7, statements) votes) before groups, consensus, divisive statements and the ranking are shown: with fewer,
    /// one person's votes would be 「普遍同意 100%」 and a group of their own. Routing priorities do not depend on it.
    /// </summary>
    public const int MinParticipants = 7;

    /// <summary>Whether enough people are clustered in <paramref name="map"/> to show groups and consensus (<see cref="MinParticipants"/>).</summary>
    public static bool HasEnoughParticipants(OpinionMap map) => map.InConv.Length >= MinParticipants;

    /// <summary>
    /// The page data of <paramref name="map"/>. Only <paramref name="accepted"/> statements are listed (moderated-out ones
    /// stay in the maths but are not shown as consensus or divisive); <paramref name="overall"/> gives each statement's
    /// overall (agree, disagree, votes) for the percentages. Below <see cref="MinParticipants"/> clustered participants
    /// the groups, consensus, divisive and ranked lists are empty (the counts are kept).
    /// </summary>
    public static MapData Build(OpinionMap map, IReadOnlySet<int> accepted, IReadOnlyDictionary<int, (int Agree, int Disagree, int Votes)> overall, DateTimeOffset at)
    {
        if (!HasEnoughParticipants(map))
            return new MapData(at, map.ParticipantIds.Length, map.InConv.Length, map.StatementIds.Length, map.VoteCount, [], [], [], [], []);
        var groups = new List<MapGroup>();
        var k = map.Groups.Count;
        foreach (var g in map.Groups)
        {
            var distinct = new List<MapDistinct>();
            if (map.Repness.TryGetValue(g.Id, out var reps))
                foreach (var r in reps)
                {
                    var col = map.StatementColumn(r.StatementId);
                    if (col < 0 || !accepted.Contains((int)r.StatementId)) continue;
                    var inside = map.GroupVotes[g.Id][col];
                    var (oa, od, os) = (0, 0, 0);
                    for (var o = 0; o < k; o++)
                        if (o != g.Id) { var c = map.GroupVotes[o][col]; oa += c.Agree; od += c.Disagree; os += c.Seen; }
                    distinct.Add(new MapDistinct((int)r.StatementId, r.Agree, Percent(inside.Agree, inside.Seen), Percent(oa, os),
                        Percent(inside.Disagree, inside.Seen), Percent(od, os)));
                }
            groups.Add(new MapGroup(g.Id, g.Members.Length, Round(g.X), Round(g.Y), distinct));
        }

        MapShare Share(ConsensusStatement c, bool agree)
        {
            var o = overall.GetValueOrDefault((int)c.StatementId);
            return new MapShare((int)c.StatementId, Percent(agree ? o.Agree : o.Disagree, o.Votes), o.Votes);
        }

        var divisive = new List<MapDivisive>();
        var ranked = new List<MapRanked>();
        for (var col = 0; col < map.StatementIds.Length; col++)
        {
            var id = (int)map.StatementIds[col];
            if (!accepted.Contains(id)) continue;
            var o = overall.GetValueOrDefault(id);
            if (k > 0) ranked.Add(new MapRanked(id, map.GroupInformedConsensus[col], Percent(o.Agree, o.Votes), o.Votes));
            if (k < 2) continue;
            var shares = new int[k];
            var values = new List<double>(k);
            for (var g = 0; g < k; g++)
            {
                var c = map.GroupVotes[g][col];
                shares[g] = c.Seen == 0 ? -1 : Percent(c.Agree, c.Seen);
                if (c.Seen > 0) values.Add((double)c.Agree / c.Seen);
            }
            if (values.Count < 2) continue;
            var mean = values.Average();
            var spread = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Count);
            if (spread >= 0.1) divisive.Add(new MapDivisive(id, Math.Round(spread, 4), shares));
        }

        return new MapData(at, map.ParticipantIds.Length, map.InConv.Length, map.StatementIds.Length, map.VoteCount, groups,
            map.ConsensusAgree.Where(c => accepted.Contains((int)c.StatementId)).Select(c => Share(c, true)).ToList(),
            map.ConsensusDisagree.Where(c => accepted.Contains((int)c.StatementId)).Select(c => Share(c, false)).ToList(),
            divisive.OrderByDescending(d => d.Spread).ThenBy(d => d.StatementId).Take(MaxDivisive).ToList(),
            ranked.OrderByDescending(r => r.Score).ThenBy(r => r.StatementId).Take(MaxRanked).ToList());
    }

    /// <summary>
    /// Participant positions and groups of <paramref name="map"/> (coordinates rounded to 4 decimals); every group is −1
    /// (nobody is in a group) below <see cref="MinParticipants"/> clustered participants.
    /// </summary>
    public static MapPoints Points(OpinionMap map) => new(
        map.ParticipantIds.Select(p => (int)p).ToArray(),
        map.Positions.Select(p => Round(p.X)).ToArray(),
        map.Positions.Select(p => Round(p.Y)).ToArray(),
        HasEnoughParticipants(map) ? map.ParticipantGroup.ToArray() : map.ParticipantGroup.Select(_ => -1).ToArray());

    /// <summary>Comment-routing priority per statement id.</summary>
    public static Dictionary<int, double> Priorities(OpinionMap map)
    {
        var d = new Dictionary<int, double>(map.StatementIds.Length);
        for (var c = 0; c < map.StatementIds.Length; c++) d[(int)map.StatementIds[c]] = map.CommentPriorities[c];
        return d;
    }

    /// <summary>The engine state as JSON (tuples as arrays).</summary>
    public static string SerializeState(ConsensusState s) => JsonSerializer.Serialize(new StateDto(
        s.InConv.ToArray(), s.StatementIds, s.Components, s.BaseCenters.Select(c => new[] { c.X, c.Y }).ToArray(),
        s.GroupCenters.ToDictionary(kv => kv.Key, kv => kv.Value.Select(c => new[] { c.X, c.Y }).ToArray()),
        s.K, s.CandidateK, s.CandidateStreak), Json);

    /// <summary>Reads <see cref="SerializeState"/>'s JSON; null when empty or unreadable (the next run is then cold).</summary>
    public static ConsensusState? DeserializeState(string? json)
    {
        if (string.IsNullOrEmpty(json)) return null;
        try
        {
            var d = JsonSerializer.Deserialize<StateDto>(json, Json);
            if (d is null) return null;
            return new ConsensusState
            {
                InConv = d.InConv,
                StatementIds = d.StatementIds,
                Components = d.Components,
                BaseCenters = d.BaseCenters.Select(c => (c[0], c[1])).ToArray(),
                GroupCenters = d.GroupCenters.ToDictionary(kv => kv.Key, kv => kv.Value.Select(c => (c[0], c[1])).ToArray()),
                K = d.K,
                CandidateK = d.CandidateK,
                CandidateStreak = d.CandidateStreak,
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Reads stored page data; null when empty.</summary>
    public static MapData? ReadData(string? json) => string.IsNullOrEmpty(json) ? null : JsonSerializer.Deserialize<MapData>(json, Json);

    /// <summary>Group name as the platform shows it: 第1组, 第2组 … (<paramref name="id"/> is 0-based).</summary>
    public static string GroupName(int id) => $"第{id + 1}组";

    private static int Percent(int part, int whole) => whole == 0 ? 0 : (int)Math.Round(100.0 * part / whole, MidpointRounding.AwayFromZero);

    private static double Round(double v) => double.IsFinite(v) ? Math.Round(v, 4) : 0;

    private sealed record StateDto(long[] InConv, long[] StatementIds, double[][] Components, double[][] BaseCenters,
        Dictionary<int, double[][]> GroupCenters, int K, int CandidateK, int CandidateStreak);
}

using System.Globalization;
using System.Text.Json;
using CsvHelper;

namespace Xieshang.Consensus;

/// <summary>A vote with the time it was cast (Unix milliseconds), from a vote log.</summary>
public readonly record struct TimedVote(long Timestamp, Vote Vote);

/// <summary>A conversation read from a Polis export folder (see <see cref="PolisExport.Load"/>).</summary>
public sealed class PolisConversation
{
    /// <summary>The final vote matrix (latest vote per pair), moderated-out (and meta) statements flagged.</summary>
    public required VoteMatrix Matrix { get; init; }
    /// <summary>Statement texts by statement id (may lack statements whose comment rows are missing).</summary>
    public required IReadOnlyDictionary<long, string> StatementTexts { get; init; }
    /// <summary>Moderation per statement id: −1 rejected, 0 unmoderated, 1 accepted.</summary>
    public required IReadOnlyDictionary<long, int> Moderation { get; init; }
    /// <summary>Meta statements (<c>is-meta</c>), also counted as moderated out.</summary>
    public required IReadOnlyCollection<long> MetaStatements { get; init; }
    /// <summary>Polis's own group per clustered participant (the export's <c>group-id</c>); empty when the export has none.</summary>
    public required IReadOnlyDictionary<long, int> PolisGroups { get; init; }
    /// <summary>Polis's group-informed consensus per statement (newer <c>comments.csv</c> only); empty otherwise.</summary>
    public required IReadOnlyDictionary<long, double> PolisGroupInformedConsensus { get; init; }
    /// <summary>The vote log in time order (ties keep file order); empty when the export has no timestamps.</summary>
    public required IReadOnlyList<TimedVote> History { get; init; }
    /// <summary>Which files were read, e.g. <c>participants-votes.csv + comments.csv</c>.</summary>
    public required string Source { get; init; }
}

/// <summary>
/// Reads Polis exports: the openData CSV folders (<c>participants-votes.csv</c>, or <c>votes.csv</c> with
/// <c>comments.csv</c>; agree = +1) and pol.is's JSON (<c>votes.json</c> and <c>comments.json</c>; pol.is's API
/// serves agree = −1, copies often agree = +1: the sign is read off the comments' agree/disagree counts). Moderated-out statements are those rejected (−1) or marked meta, as in
/// Polis's maths; only statements with at least one vote become matrix columns (Polis's rating matrix).
/// </summary>
public static class PolisExport
{
    /// <summary>Loads the export in <paramref name="folder"/>.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The folder holds neither <c>participants-votes.csv</c>, <c>votes.csv</c> nor <c>votes.json</c>.</exception>
    /// <exception cref="InvalidDataException">A file is malformed (message names the file and line).</exception>
    public static PolisConversation Load(string folder)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"Folder not found: {folder}");
        string F(string name) => Path.Combine(folder, name);
        if (File.Exists(F("votes.json"))) return LoadJson(folder);
        var hasMatrix = File.Exists(F("participants-votes.csv"));
        var hasLog = File.Exists(F("votes.csv"));
        if (!hasMatrix && !hasLog)
            throw new FileNotFoundException($"No participants-votes.csv, votes.csv or votes.json in {folder}");

        var comments = File.Exists(F("comments.csv")) ? ReadCommentsCsv(F("comments.csv")) : new CommentInfo();
        var history = hasLog ? ReadVotesCsv(F("votes.csv")) : [];
        List<Vote> finalVotes;
        var groups = new Dictionary<long, int>();
        if (hasMatrix) finalVotes = ReadParticipantsVotes(F("participants-votes.csv"), groups);
        else finalVotes = history.Select(h => h.Vote).ToList();
        var voted = finalVotes.Select(v => v.Statement).ToHashSet();
        var matrix = VoteMatrix.Build(finalVotes, null, comments.ModeratedOut.Where(voted.Contains));
        return new PolisConversation
        {
            Matrix = matrix,
            StatementTexts = comments.Texts,
            Moderation = comments.Moderation,
            MetaStatements = comments.Meta,
            PolisGroups = groups,
            PolisGroupInformedConsensus = comments.Gic,
            History = history,
            Source = string.Join(" + ", new[] { hasMatrix ? "participants-votes.csv" : null, hasLog ? "votes.csv" : null, comments.Texts.Count > 0 ? "comments.csv" : null }.OfType<string>()),
        };
    }

    private sealed class CommentInfo
    {
        public Dictionary<long, string> Texts { get; } = [];
        public Dictionary<long, int> Moderation { get; } = [];
        public Dictionary<long, double> Gic { get; } = [];
        public HashSet<long> ModeratedOut { get; } = [];
        public HashSet<long> Meta { get; } = [];
    }

    private static CsvReader Csv(string path) => CsvReader.FromFile(path);

    private static long Long(CsvReader csv, string column, string path)
    {
        var text = csv.GetString(column);
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)) return value;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d == Math.Floor(d)) return (long)d;
        throw new InvalidDataException($"{path}, line {csv.RowNumber}: column {column} is not a number: '{text}'");
    }

    private static CommentInfo ReadCommentsCsv(string path)
    {
        var info = new CommentInfo();
        using var csv = Csv(path);
        var header = csv.Headers.ToArray();
        var hasMeta = header.Contains("is-meta");
        var hasGic = header.Contains("group-informed-consensus");
        while (csv.Read())
        {
            var id = Long(csv, "comment-id", path);
            info.Texts[id] = csv.GetString("comment-body") ?? "";
            var mod = (int)Long(csv, "moderated", path);
            info.Moderation[id] = mod;
            var meta = hasMeta && string.Equals(csv.GetString("is-meta"), "true", StringComparison.OrdinalIgnoreCase);
            if (mod < 0 || meta) info.ModeratedOut.Add(id);
            if (meta) info.Meta.Add(id);
            if (hasGic && double.TryParse(csv.GetString("group-informed-consensus"), NumberStyles.Float, CultureInfo.InvariantCulture, out var gic))
                info.Gic[id] = gic;
        }
        return info;
    }

    private static List<TimedVote> ReadVotesCsv(string path)
    {
        var list = new List<TimedVote>();
        using var csv = Csv(path);
        while (csv.Read())
        {
            var vote = Long(csv, "vote", path);
            if (vote is < -1 or > 1) throw new InvalidDataException($"{path}, line {csv.RowNumber}: vote {vote} is not -1, 0 or 1");
            list.Add(new TimedVote(Long(csv, "timestamp", path), new Vote(Long(csv, "voter-id", path), Long(csv, "comment-id", path), (sbyte)vote)));
        }
        return Sorted(list);
    }

    private static List<TimedVote> Sorted(List<TimedVote> list)
    {
        // Stable by time: OrderBy is stable, so same-millisecond votes keep file order.
        return list.OrderBy(v => v.Timestamp).ToList();
    }

    private static List<Vote> ReadParticipantsVotes(string path, Dictionary<long, int> groups)
    {
        var votes = new List<Vote>();
        using var csv = Csv(path);
        var header = csv.Headers.ToArray();
        var first = Array.IndexOf(header, "n-disagree") + 1;
        if (first <= 0) throw new InvalidDataException($"{path}: no n-disagree column (not a Polis participants-votes export)");
        var statementIds = header.Skip(first).Select(h => long.Parse(h, CultureInfo.InvariantCulture)).ToArray();
        while (csv.Read())
        {
            var participant = Long(csv, "participant", path);
            var group = csv.GetString("group-id");
            if (!string.IsNullOrWhiteSpace(group)) groups[participant] = int.Parse(group, CultureInfo.InvariantCulture);
            for (var i = 0; i < statementIds.Length; i++)
            {
                var cell = csv.GetString(first + i);
                if (string.IsNullOrWhiteSpace(cell)) continue;
                if (!sbyte.TryParse(cell, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) || v is < -1 or > 1)
                    throw new InvalidDataException($"{path}, line {csv.RowNumber}: vote '{cell}' is not -1, 0 or 1");
                votes.Add(new Vote(participant, statementIds[i], v));
            }
        }
        return votes;
    }

    private static PolisConversation LoadJson(string folder)
    {
        var votesPath = Path.Combine(folder, "votes.json");
        using var votesDoc = JsonDocument.Parse(File.ReadAllBytes(votesPath));
        var history = new List<TimedVote>();
        foreach (var e in votesDoc.RootElement.EnumerateArray())
        {
            var pid = Number(e, "pid", "participant_id");
            var tid = Number(e, "tid", "statement_id");
            var raw = (int)Number(e, "vote");
            if (raw is < -1 or > 1) throw new InvalidDataException($"{votesPath}: vote {raw} is not -1, 0 or 1");
            var modified = e.TryGetProperty("modified", out _) ? Number(e, "modified") : 0;
            history.Add(new TimedVote(modified, new Vote(pid, tid, (sbyte)raw)));
        }
        history = Sorted(history);
        var info = new CommentInfo();
        var agreeCounts = new Dictionary<long, (long Agree, long Disagree)>();
        var commentsPath = Path.Combine(folder, "comments.json");
        if (File.Exists(commentsPath))
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(commentsPath));
            foreach (var c in doc.RootElement.EnumerateArray())
            {
                var tid = Number(c, "tid", "statement_id");
                info.Texts[tid] = c.TryGetProperty("txt", out var t) ? t.GetString() ?? "" : "";
                var mod = (int)Number(c, "mod", "moderated");
                info.Moderation[tid] = mod;
                var meta = c.TryGetProperty("is_meta", out var m) && m.ValueKind == JsonValueKind.True;
                if (mod < 0 || meta) info.ModeratedOut.Add(tid);
                if (meta) info.Meta.Add(tid);
                if (c.TryGetProperty("agree_count", out _) && c.TryGetProperty("disagree_count", out _))
                    agreeCounts[tid] = (Number(c, "agree_count"), Number(c, "disagree_count"));
            }
        }
        if (AgreeIsNegative(history, agreeCounts)) history = history.Select(h => h with { Vote = h.Vote with { Value = (sbyte)-h.Vote.Value } }).ToList();
        var finalVotes = history.Select(h => h.Vote).ToList();
        var voted = finalVotes.Select(v => v.Statement).ToHashSet();
        return new PolisConversation
        {
            Matrix = VoteMatrix.Build(finalVotes, null, info.ModeratedOut.Where(voted.Contains)),
            StatementTexts = info.Texts,
            Moderation = info.Moderation,
            MetaStatements = info.Meta,
            PolisGroups = new Dictionary<long, int>(),
            PolisGroupInformedConsensus = new Dictionary<long, double>(),
            History = history,
            Source = File.Exists(commentsPath) ? "votes.json + comments.json" : "votes.json",
        };
    }

    /// <summary>
    /// pol.is's own API serves agree as −1; copies of its files (e.g. red-dwarf's fixtures) often carry agree = +1. Decides
    /// which by comparing each comment's <c>agree_count</c> / <c>disagree_count</c> with the latest votes; without counts, +1.
    /// </summary>
    private static bool AgreeIsNegative(List<TimedVote> history, Dictionary<long, (long Agree, long Disagree)> counts)
    {
        if (counts.Count == 0) return false;
        var latest = new Dictionary<(long, long), sbyte>();
        foreach (var h in history) latest[(h.Vote.Participant, h.Vote.Statement)] = h.Vote.Value;
        long plus = 0, minus = 0;
        foreach (var g in latest.GroupBy(kv => kv.Key.Item2))
        {
            if (!counts.TryGetValue(g.Key, out var c)) continue;
            long pos = g.Count(kv => kv.Value > 0), neg = g.Count(kv => kv.Value < 0);
            plus += Math.Abs(pos - c.Agree) + Math.Abs(neg - c.Disagree);
            minus += Math.Abs(neg - c.Agree) + Math.Abs(pos - c.Disagree);
        }
        return minus < plus;
    }

    private static long Number(JsonElement e, params string[] names)
    {
        foreach (var name in names)
        {
            if (!e.TryGetProperty(name, out var p)) continue;
            return p.ValueKind switch
            {
                JsonValueKind.Number => p.TryGetInt64(out var l) ? l : (long)p.GetDouble(),
                JsonValueKind.String when double.TryParse(p.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => (long)d,
                _ => throw new InvalidDataException($"Field {name} is not a number: {p}"),
            };
        }
        throw new InvalidDataException($"Missing field {string.Join(" / ", names)} in {e}");
    }
}

namespace Xieshang.Consensus;

/// <summary>A vote value: agree = +1, disagree = −1, pass = 0 (the sign of the Polis CSV exports, not of pol.is's internal files).</summary>
public static class Votes
{
    /// <summary>Agree (+1).</summary>
    public const sbyte Agree = 1;
    /// <summary>Disagree (−1).</summary>
    public const sbyte Disagree = -1;
    /// <summary>Pass (0): seen and voted, neither agree nor disagree.</summary>
    public const sbyte Pass = 0;
}

/// <summary>One vote: participant, statement, value (+1 agree, −1 disagree, 0 pass).</summary>
/// <param name="Participant">Participant id as the caller knows it (Polis pid, platform participant id).</param>
/// <param name="Statement">Statement id as the caller knows it (Polis tid / comment-id, platform statement id).</param>
/// <param name="Value">+1, −1 or 0; anything else is refused with <see cref="ArgumentException"/>.</param>
public readonly record struct Vote(long Participant, long Statement, sbyte Value);

/// <summary>
/// The participants × statements vote matrix of one deliberation, the latest vote per pair, stored sparse (compressed
/// rows: one row per participant, sorted statement columns). Participants are the rows in ascending id order; statements
/// are the columns in ascending id order and include statements nobody voted on yet (pass them in <c>statements</c>).
/// Moderated-out statements (<see cref="IsModeratedOut"/>) keep their column: CONSENSUS.md sets it to 0 for everyone,
/// which the engine does implicitly (a 0 column adds nothing to the PCA, but counts as a vote in each participant's scaling).
/// The order in which participants first appear in the votes given to <see cref="Build"/> is kept as their arrival order:
/// pass votes in the order they were cast, as Polis's clustering starts from the first participants to arrive.
/// Immutable; <see cref="With"/> returns a new matrix with more votes (a warm update).
/// </summary>
public sealed class VoteMatrix
{
    internal readonly long[] ParticipantIdArray;
    internal readonly long[] StatementIdArray;
    internal readonly bool[] ModeratedOut;
    /// <summary>Row r's votes are at [RowStart[r], RowStart[r+1]).</summary>
    internal readonly int[] RowStart;
    internal readonly int[] Columns;
    internal readonly sbyte[] Values;
    /// <summary>Rows in the order the participants first voted (the order Polis's rating matrix grows in; k-means starts from it).</summary>
    internal readonly int[] ArrivalOrder;

    private VoteMatrix(long[] participants, long[] statements, bool[] moderatedOut, int[] rowStart, int[] columns, sbyte[] values, int[] arrivalOrder)
    {
        ArrivalOrder = arrivalOrder;
        ParticipantIdArray = participants;
        StatementIdArray = statements;
        ModeratedOut = moderatedOut;
        RowStart = rowStart;
        Columns = columns;
        Values = values;
    }

    /// <summary>Participant ids, ascending (row order).</summary>
    public IReadOnlyList<long> ParticipantIds => ParticipantIdArray;

    /// <summary>Statement ids, ascending (column order).</summary>
    public IReadOnlyList<long> StatementIds => StatementIdArray;

    /// <summary>Number of stored votes (latest per participant and statement; moderated-out columns' implicit zeros not counted).</summary>
    public int VoteCount => Values.Length;

    /// <summary>True when statement column <paramref name="column"/> is moderated out.</summary>
    public bool IsModeratedOut(int column) => ModeratedOut[column];

    /// <summary>Number of moderated-out statements.</summary>
    public int ModeratedOutCount => ModeratedOut.Count(m => m);

    /// <summary>
    /// Builds a matrix. <paramref name="votes"/> may repeat a (participant, statement) pair: the later one in the sequence
    /// wins (pass a vote log in time order). <paramref name="statements"/> adds statements without votes;
    /// <paramref name="moderatedOut"/> lists moderated-out statement ids (added as columns when missing).
    /// </summary>
    /// <exception cref="ArgumentException">A vote value other than −1, 0, +1.</exception>
    public static VoteMatrix Build(IEnumerable<Vote> votes, IEnumerable<long>? statements = null, IEnumerable<long>? moderatedOut = null)
    {
        var list = votes as IList<Vote> ?? votes.ToList();
        var n = list.Count;
        var keys = new long[n];
        var order = new int[n];
        var pIds = new long[n];
        var sIds = new long[n];
        for (var i = 0; i < n; i++)
        {
            var v = list[i];
            if (v.Value is < -1 or > 1) throw new ArgumentException($"Vote value {v.Value} of participant {v.Participant} on statement {v.Statement} is not −1, 0 or +1.", nameof(votes));
            pIds[i] = v.Participant;
            sIds[i] = v.Statement;
            order[i] = i;
        }
        var arrivalIds = pIds.Distinct().ToArray(); // Distinct keeps first-appearance order
        var participants = arrivalIds.Order().ToArray();
        var statementSet = new HashSet<long>(sIds);
        if (statements is not null) statementSet.UnionWith(statements);
        var modSet = moderatedOut is null ? [] : new HashSet<long>(moderatedOut);
        statementSet.UnionWith(modSet);
        var statementArray = statementSet.Order().ToArray();
        var pIndex = Index(participants);
        var sIndex = Index(statementArray);
        for (var i = 0; i < n; i++) keys[i] = ((long)pIndex[pIds[i]] << 32) | (uint)sIndex[sIds[i]];
        // Sort positions by key; within a run of equal keys (re-votes) the highest position — the latest vote — wins.
        Array.Sort(keys, order);
        var rowStart = new int[participants.Length + 1];
        var cols = new List<int>(n);
        var vals = new List<sbyte>(n);
        for (var k = 0; k < n;)
        {
            var key = keys[k];
            var latest = order[k];
            for (k++; k < n && keys[k] == key; k++) latest = Math.Max(latest, order[k]);
            var row = (int)(key >> 32);
            rowStart[row + 1]++;
            cols.Add((int)(key & 0xffffffff));
            vals.Add(list[latest].Value);
        }
        for (var r = 0; r < participants.Length; r++) rowStart[r + 1] += rowStart[r];
        var mod = statementArray.Select(modSet.Contains).ToArray();
        var arrival = arrivalIds.Select(id => pIndex[id]).ToArray();
        return new VoteMatrix(participants, statementArray, mod, rowStart, [.. cols], [.. vals], arrival);
    }

    /// <summary>
    /// A new matrix with <paramref name="newVotes"/> applied on top of this one (later votes win, new participants and
    /// statements are added, newcomers arrive after everyone already here), and optionally a new moderated-out set.
    /// A merge: O(votes + new votes · log new votes) — the warm-update path.
    /// </summary>
    public VoteMatrix With(IEnumerable<Vote> newVotes, IEnumerable<long>? moderatedOut = null)
    {
        var added = newVotes.ToList();
        foreach (var v in added)
            if (v.Value is < -1 or > 1) throw new ArgumentException($"Vote value {v.Value} of participant {v.Participant} on statement {v.Statement} is not −1, 0 or +1.", nameof(newVotes));
        var modIds = moderatedOut?.ToHashSet() ?? StatementIdArray.Where((_, c) => ModeratedOut[c]).ToHashSet();
        var statements = StatementIdArray.Concat(added.Select(v => v.Statement)).Concat(modIds).Distinct().Order().ToArray();
        var participants = ParticipantIdArray.Concat(added.Select(v => v.Participant)).Distinct().Order().ToArray();
        var colMap = new int[StatementIdArray.Length];
        for (var c = 0; c < colMap.Length; c++) colMap[c] = Array.BinarySearch(statements, StatementIdArray[c]);
        var rowMap = new int[ParticipantIdArray.Length];
        for (var r = 0; r < rowMap.Length; r++) rowMap[r] = Array.BinarySearch(participants, ParticipantIdArray[r]);

        // The new votes, latest per pair, sorted by (row, column).
        var latest = new Dictionary<(int Row, int Col), sbyte>();
        foreach (var v in added) latest[(Array.BinarySearch(participants, v.Participant), Array.BinarySearch(statements, v.Statement))] = v.Value;
        var fresh = latest.OrderBy(kv => kv.Key.Row).ThenBy(kv => kv.Key.Col).ToArray();

        var oldRowOf = new int[participants.Length];
        Array.Fill(oldRowOf, -1);
        for (var r = 0; r < rowMap.Length; r++) oldRowOf[rowMap[r]] = r;
        var rowStart = new int[participants.Length + 1];
        var cols = new int[Values.Length + fresh.Length];
        var vals = new sbyte[cols.Length];
        var n = 0;
        var f = 0;
        for (var row = 0; row < participants.Length; row++)
        {
            var old = oldRowOf[row];
            int k = old < 0 ? 0 : RowStart[old], end = old < 0 ? 0 : RowStart[old + 1];
            while (k < end || (f < fresh.Length && fresh[f].Key.Row == row))
            {
                var oldCol = k < end ? colMap[Columns[k]] : int.MaxValue;
                var newCol = f < fresh.Length && fresh[f].Key.Row == row ? fresh[f].Key.Col : int.MaxValue;
                if (newCol <= oldCol)
                {
                    cols[n] = newCol;
                    vals[n++] = fresh[f++].Value;
                    if (newCol == oldCol) k++; // the new vote replaces the old one
                }
                else
                {
                    cols[n] = oldCol;
                    vals[n++] = Values[k++];
                }
            }
            rowStart[row + 1] = n;
        }
        var arrival = ArrivalOrder.Select(r => rowMap[r]).ToList();
        var known = new HashSet<long>(ParticipantIdArray);
        foreach (var v in added)
            if (known.Add(v.Participant)) arrival.Add(Array.BinarySearch(participants, v.Participant));
        var mod = statements.Select(modIds.Contains).ToArray();
        return new VoteMatrix(participants, statements, mod, rowStart, cols[..n], vals[..n], [.. arrival]);
    }

    /// <summary>Every stored vote, row by row.</summary>
    public IEnumerable<Vote> AllVotes()
    {
        for (var r = 0; r < ParticipantIdArray.Length; r++)
            for (var k = RowStart[r]; k < RowStart[r + 1]; k++)
                yield return new Vote(ParticipantIdArray[r], StatementIdArray[Columns[k]], Values[k]);
    }

    private static Dictionary<long, int> Index(long[] ids)
    {
        var d = new Dictionary<long, int>(ids.Length);
        for (var i = 0; i < ids.Length; i++) d[ids[i]] = i;
        return d;
    }
}

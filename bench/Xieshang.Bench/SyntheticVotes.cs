namespace Xieshang.Bench;

/// <summary>
/// A synthetic Polis-like conversation with latent opinion groups, deterministic for a seed, so that clustering has real
/// structure to find. Participants belong to one of three latent groups (45 / 35 / 20 %); each statement is either a
/// consensus statement (15 %: every group agrees with probability 0.75) or divisive: each group takes a stance
/// (agree, disagree or undecided) that sets its agree / disagree / pass probabilities (0.80 / 0.10 / 0.10,
/// 0.10 / 0.80 / 0.10, 0.45 / 0.35 / 0.20). Votes per participant are exponentially distributed (many vote a little,
/// a few vote on everything), clipped to [1, statements] and adjusted so that the total is exact; early statements
/// are seen by more participants (index ∝ u^1.5), as in a live conversation.
/// </summary>
public sealed class SyntheticVotes
{
    private static readonly double[] GroupShare = [0.45, 0.35, 0.20];
    private readonly byte[] _group;
    private readonly sbyte[,] _stance; // statement × group: +1 agree, −1 disagree, 0 undecided; consensus statements: 2
    private readonly int _statements;

    public SyntheticVotes(int participants, int statements, int seed)
    {
        var r = new Random(seed);
        _statements = statements;
        _group = new byte[participants];
        for (var i = 0; i < participants; i++)
        {
            var u = r.NextDouble();
            _group[i] = (byte)(u < GroupShare[0] ? 0 : u < GroupShare[0] + GroupShare[1] ? 1 : 2);
        }
        _stance = new sbyte[statements, GroupShare.Length];
        for (var j = 0; j < statements; j++)
        {
            var consensus = r.NextDouble() < 0.15;
            for (var g = 0; g < GroupShare.Length; g++) _stance[j, g] = consensus ? (sbyte)2 : (sbyte)(r.Next(3) - 1);
        }
    }

    public int Participants => _group.Length;
    public int Statements => _statements;

    /// <summary>The latent group of a participant (new participants beyond the generated ones: id modulo the count).</summary>
    public int LatentGroup(long participant) => _group[(int)(participant % _group.Length)];

    /// <summary>A vote of <paramref name="participant"/> on <paramref name="statement"/> drawn from its group's stance.</summary>
    public sbyte Vote(long participant, int statement, Random r)
    {
        var (agree, disagree) = _stance[statement, LatentGroup(participant)] switch
        {
            2 => (0.75, 0.15),
            1 => (0.80, 0.10),
            -1 => (0.10, 0.80),
            _ => (0.45, 0.35),
        };
        var u = r.NextDouble();
        return u < agree ? (sbyte)1 : u < agree + disagree ? (sbyte)-1 : (sbyte)0;
    }

    /// <summary>A statement index skewed towards early statements.</summary>
    public int SkewedStatement(Random r) => Math.Min(_statements - 1, (int)(_statements * Math.Pow(r.NextDouble(), 1.5)));

    /// <summary>
    /// Generates exactly <paramref name="votes"/> votes (one per participant and statement), participant by participant,
    /// passing each to <paramref name="emit"/>(participant, statement, value).
    /// </summary>
    public void Generate(long votes, int seed, Action<int, int, sbyte> emit)
    {
        var n = _group.Length;
        var m = _statements;
        if (votes > (long)n * m) throw new ArgumentOutOfRangeException(nameof(votes), "More votes than participant × statement cells.");
        var r = new Random(seed);
        var mean = (double)votes / n;
        var count = new int[n];
        long total = 0;
        for (var i = 0; i < n; i++)
        {
            count[i] = (int)Math.Clamp(Math.Round(-mean * Math.Log(1 - r.NextDouble())), 1, m);
            total += count[i];
        }
        while (total < votes)
        {
            var i = r.Next(n);
            if (count[i] < m) { count[i]++; total++; }
        }
        while (total > votes)
        {
            var i = r.Next(n);
            if (count[i] > 1) { count[i]--; total--; }
        }
        var taken = new bool[m];
        var chosen = new List<int>(m);
        for (var i = 0; i < n; i++)
        {
            chosen.Clear();
            if (count[i] * 2 <= m)
            {
                while (chosen.Count < count[i])
                {
                    var j = SkewedStatement(r);
                    if (taken[j]) continue;
                    taken[j] = true;
                    chosen.Add(j);
                }
            }
            else
            {
                // Most statements: take all, then drop random ones.
                for (var j = 0; j < m; j++) taken[j] = true;
                for (var left = m; left > count[i];)
                {
                    var j = r.Next(m);
                    if (!taken[j]) continue;
                    taken[j] = false;
                    left--;
                }
                for (var j = 0; j < m; j++) if (taken[j]) chosen.Add(j);
            }
            chosen.Sort();
            foreach (var j in chosen)
            {
                taken[j] = false;
                emit(i, j, Vote(i, j, r));
            }
        }
    }
}

namespace Xieshang.Consensus;

/// <summary>What each group thinks (repness), what everyone shares (consensus), the bridging score and comment priorities (CONSENSUS.md "What each group thinks").</summary>
internal static class GroupStatistics
{
    /// <summary>Per group, per statement column: the vote counts of the group's in-conv members (raw votes, as Polis's group-votes: moderated-out columns keep their votes here).</summary>
    internal static VoteCounts[][] Count(VoteMatrix votes, int[] participantGroup, int groupCount)
    {
        var m = votes.StatementIdArray.Length;
        // Flat counters [group · m + column]: one pass over the votes, no per-cell objects.
        var a = new int[groupCount * m];
        var d = new int[groupCount * m];
        var s = new int[groupCount * m];
        for (var r = 0; r < participantGroup.Length; r++)
        {
            var g = participantGroup[r];
            if (g < 0) continue;
            var offset = g * m;
            for (var k = votes.RowStart[r]; k < votes.RowStart[r + 1]; k++)
            {
                var i = offset + votes.Columns[k];
                s[i]++;
                var v = votes.Values[k];
                if (v > 0) a[i]++;
                else if (v < 0) d[i]++;
            }
        }
        var result = new VoteCounts[groupCount][];
        for (var g = 0; g < groupCount; g++)
        {
            result[g] = new VoteCounts[m];
            for (var j = 0; j < m; j++) result[g][j] = new VoteCounts(a[g * m + j], d[g * m + j], s[g * m + j]);
        }
        return result;
    }

    /// <summary>Polis's one-proportion test: 2·sqrt(n+1)·((s+1)/(n+1) − 0.5).</summary>
    internal static double PropTest(int success, int n) => 2 * Math.Sqrt(n + 1) * ((success + 1.0) / (n + 1.0) - 0.5);

    /// <summary>Polis's two-proportion z-test with 1 added to each count; 0 when the pooled proportion is 1.</summary>
    internal static double TwoPropTest(int success1, int n1, int success2, int n2)
    {
        double s1 = success1 + 1, m1 = n1 + 1, s2 = success2 + 1, m2 = n2 + 1;
        var p1 = s1 / m1;
        var p2 = s2 / m2;
        var pi = (s1 + s2) / (m1 + m2);
        if (pi == 1) return 0;
        return (p1 - p2) / Math.Sqrt(pi * (1 - pi) * (1 / m1 + 1 / m2));
    }

    private readonly record struct Stats(int Column, int Na, int Nd, int Ns, double Pa, double Pd, double Pat, double Pdt, double Ra, double Rd, double Rat, double Rdt);

    /// <summary>Representative statements of every group (Polis select-rep-comments): at most 5 per group, agrees first.</summary>
    internal static IReadOnlyDictionary<int, IReadOnlyList<RepresentativeStatement>> Repness(VoteMatrix votes, VoteCounts[][] groupVotes)
    {
        var m = votes.StatementIdArray.Length;
        var groups = groupVotes.Length;
        var total = new VoteCounts[m];
        for (var j = 0; j < m; j++)
            for (var g = 0; g < groups; g++)
                total[j] = new VoteCounts(total[j].Agree + groupVotes[g][j].Agree, total[j].Disagree + groupVotes[g][j].Disagree, total[j].Seen + groupVotes[g][j].Seen);
        var result = new Dictionary<int, IReadOnlyList<RepresentativeStatement>>();
        for (var g = 0; g < groups; g++)
        {
            Stats? best = null, bestAgree = null;
            var sufficient = new List<Stats>();
            for (var j = 0; j < m; j++)
            {
                if (votes.ModeratedOut[j]) continue;
                var st = For(j, groupVotes[g][j], total[j]);
                if ((st.Rat > ConsensusEngine.Z90 && st.Pat > ConsensusEngine.Z90) || (st.Rdt > ConsensusEngine.Z90 && st.Pdt > ConsensusEngine.Z90))
                    sufficient.Add(st);
                if (best is null || Math.Max(st.Rat, st.Rdt) > Math.Max(best.Value.Rat, best.Value.Rdt)) best = st;
                if (BeatsBestAgree(st, bestAgree)) bestAgree = st;
            }
            var picked = new List<RepresentativeStatement>();
            if (bestAgree is { } ba)
            {
                sufficient.RemoveAll(s => s.Column == ba.Column);
                sufficient.Insert(0, ba);
            }
            if (sufficient.Count == 0)
            {
                if (best is { } b) picked.Add(Finalize(votes, b, false));
            }
            else
            {
                var finals = sufficient.Select(s => Finalize(votes, s, bestAgree is { } x && x.Column == s.Column)).ToList();
                var ranked = finals.OrderByDescending(f => f.BestAgree).ThenByDescending(f => f.Metric).Take(5).ToList();
                picked.AddRange(ranked.Where(r => r.Agree));
                picked.AddRange(ranked.Where(r => !r.Agree));
            }
            result[g] = picked;
        }
        return result;
    }

    private static bool BeatsBestAgree(Stats st, Stats? current)
    {
        if (st.Na == 0 && st.Nd == 0) return false;
        if (current is { } c) return st.Ra * st.Rat * st.Pa * st.Pat > c.Ra * c.Rat * c.Pa * c.Pat;
        return st.Pa > 0.5 && st.Ra > 1.0;
    }

    private static Stats For(int j, VoteCounts own, VoteCounts total)
    {
        var (na, nd, ns) = (own.Agree, own.Disagree, own.Seen);
        var (nar, ndr, nsr) = (total.Agree - na, total.Disagree - nd, total.Seen - ns);
        var pa = (na + 1.0) / (ns + 2.0);
        var pd = (nd + 1.0) / (ns + 2.0);
        return new Stats(j, na, nd, ns, pa, pd, PropTest(na, ns), PropTest(nd, ns),
            pa / ((nar + 1.0) / (nsr + 2.0)), pd / ((ndr + 1.0) / (nsr + 2.0)),
            TwoPropTest(na, ns, nar, nsr), TwoPropTest(nd, ns, ndr, nsr));
    }

    private static RepresentativeStatement Finalize(VoteMatrix votes, Stats s, bool bestAgree)
    {
        var agree = bestAgree || s.Rat > s.Rdt;
        var id = votes.StatementIdArray[s.Column];
        return agree
            ? new RepresentativeStatement(id, true, s.Na, s.Ns, s.Pa, s.Pat, s.Ra, s.Rat, bestAgree)
            : new RepresentativeStatement(id, false, s.Nd, s.Ns, s.Pd, s.Pdt, s.Rd, s.Rdt, bestAgree);
    }

    /// <summary>Consensus over all participants: p &gt; 0.5 and its test &gt; z90, top 5 by p·test, for agreement and for disagreement.</summary>
    internal static (IReadOnlyList<ConsensusStatement> Agree, IReadOnlyList<ConsensusStatement> Disagree) Consensus(VoteMatrix votes)
    {
        var m = votes.StatementIdArray.Length;
        var a = new int[m];
        var d = new int[m];
        var s = new int[m];
        for (var k = 0; k < votes.Values.Length; k++)
        {
            var j = votes.Columns[k];
            s[j]++;
            if (votes.Values[k] > 0) a[j]++;
            else if (votes.Values[k] < 0) d[j]++;
        }
        List<ConsensusStatement> Pick(int[] success) => Enumerable.Range(0, m)
            .Where(j => !votes.ModeratedOut[j])
            .Select(j => new ConsensusStatement(votes.StatementIdArray[j], success[j], s[j], (success[j] + 1.0) / (s[j] + 2.0), PropTest(success[j], s[j])))
            .Where(c => c.P > 0.5 && c.PTest > ConsensusEngine.Z90)
            .OrderByDescending(c => c.P * c.PTest).Take(5).ToList();
        return (Pick(a), Pick(d));
    }

    /// <summary>Group-informed consensus per column: Π over groups of (n_a+1)/(n_s+2); 0 with no groups.</summary>
    internal static double[] GroupInformedConsensus(VoteCounts[][] groupVotes, int m)
    {
        var result = new double[m];
        if (groupVotes.Length == 0) return result;
        for (var j = 0; j < m; j++)
        {
            var p = 1.0;
            foreach (var g in groupVotes) p *= (g[j].Agree + 1.0) / (g[j].Seen + 2.0);
            result[j] = p;
        }
        return result;
    }

    /// <summary>Polis's fixed priority of a meta statement (before squaring).</summary>
    private const double MetaPriority = 7;

    /// <summary>
    /// Polis's comment priority (meta statements: 7² = 49): (importance · (1 + 8·2^(−S/5)))², importance = (1 − p)·(E + 1)·a with
    /// p = (P+1)/(S+2) passes and a = (A+1)/(S+2) agrees over the grouped participants, E the statement's extremity.
    /// </summary>
    internal static double[] CommentPriorities(VoteCounts[][] groupVotes, double[] extremity, bool[] meta, int m)
    {
        var result = new double[m];
        for (var j = 0; j < m; j++)
        {
            if (meta[j]) { result[j] = MetaPriority * MetaPriority; continue; }
            int a = 0, d = 0, s = 0;
            foreach (var g in groupVotes) { a += g[j].Agree; d += g[j].Disagree; s += g[j].Seen; }
            var passes = s - a - d;
            var p = (passes + 1.0) / (s + 2.0);
            var agree = (a + 1.0) / (s + 2.0);
            var importance = (1 - p) * (extremity[j] + 1) * agree;
            var priority = importance * (1 + 8 * Math.Pow(2, s / -5.0));
            result[j] = priority * priority;
        }
        return result;
    }
}

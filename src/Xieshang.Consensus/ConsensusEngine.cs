using System.Diagnostics;

namespace Xieshang.Consensus;

/// <summary>
/// Computes the opinion map of a vote matrix by the method of CONSENSUS.md (Polis's published maths, parameters of
/// compdemocracy/polis <c>math/src/polismath/math/*.clj</c>): in-conv set, sparse PCA by power iteration, base clusters,
/// groups chosen by silhouette, representative and consensus statements, group-informed consensus and comment
/// priorities. Pure and thread-safe: no I/O, no shared state.
/// </summary>
public static class ConsensusEngine
{
    /// <summary>Polis's 90 % one-sided z threshold (z-sig-90).</summary>
    public const double Z90 = 1.2816;

    /// <summary>
    /// Computes the map. Without <paramref name="previous"/> the run is cold and deterministic (same input, same output);
    /// with it the run is warm: PCA and k-means start from the previous results, the in-conv set is sticky and the
    /// k smoother applies. Cost O(votes × iterations) for the PCA plus O(in-conv × 100 × iterations) for the base
    /// clusters; memory O(votes + participants + statements).
    /// </summary>
    /// <param name="votes">The vote matrix (latest vote per pair; moderated-out columns flagged).</param>
    /// <param name="previous">The <see cref="OpinionMap.State"/> of the previous run of the same deliberation, or null for a cold run.</param>
    /// <param name="options">Parameters; null = Polis's.</param>
    public static OpinionMap Compute(VoteMatrix votes, ConsensusState? previous = null, ConsensusOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(votes);
        options ??= new ConsensusOptions();
        var clock = Stopwatch.StartNew();
        var n = votes.ParticipantIdArray.Length;
        var m = votes.StatementIdArray.Length;

        var rawCounts = new int[n];
        for (var r = 0; r < n; r++) rawCounts[r] = votes.RowStart[r + 1] - votes.RowStart[r];
        var inConvRows = InConv(votes, rawCounts, previous, options);

        var phases = new Dictionary<string, double>();
        var phase = Stopwatch.StartNew();
        void Mark(string name) { phases[name] = phase.Elapsed.TotalSeconds; phase.Restart(); }
        Mark("in-conv");
        var pca = SparsePca.Compute(votes, previous, options.PcaIterations);
        Mark("pca");
        var positions = SparsePca.ProjectParticipants(votes, pca);
        var (statementPositions, extremity) = SparsePca.ProjectStatements(votes, pca);

        Mark("projection");
        // Base clusters on the in-conv participants' positions, in arrival order (k-means starts from the first arrivals).
        var rank = new int[n];
        for (var i = 0; i < n; i++) rank[votes.ArrivalOrder[i]] = i;
        inConvRows = inConvRows.OrderBy(r => rank[r]).ToArray();
        var points = new (double X, double Y)[inConvRows.Length];
        for (var i = 0; i < inConvRows.Length; i++) points[i] = positions[inConvRows[i]];
        var baseInit = previous is null ? null : previous.BaseCenters;
        var baseClusters = KMeans.Run(points, null, options.BaseClusterCount, baseInit, options.KMeansIterations);
        Mark("base-clusters");

        // Groups: weighted k-means on the base-cluster centres, k chosen by silhouette (and smoothed when warm).
        var baseCenters = baseClusters.Select(c => c.Center).ToArray();
        var baseWeights = baseClusters.Select(c => (double)c.Members.Count).ToArray();
        var maxK = Math.Min(options.MaxGroups, 2 + baseCenters.Length / 12);
        var clusterings = new Dictionary<int, List<KMeans.Cluster>>();
        var silhouettes = new Dictionary<int, double>();
        for (var k = 2; k <= maxK && baseCenters.Length > 0; k++)
        {
            (double X, double Y)[]? init = null;
            previous?.GroupCenters.TryGetValue(k, out init);
            var clustering = KMeans.Run(baseCenters, baseWeights, k, init, options.KMeansIterations);
            clusterings[k] = clustering;
            silhouettes[k] = KMeans.Silhouette(baseCenters, clustering);
        }
        var (shownK, candidateK, streak) = SmoothK(silhouettes, previous, options.KSmootherUpdates);
        Mark("groups");

        // Participants' groups.
        var participantGroup = Enumerable.Repeat(-1, n).ToArray();
        var groups = new List<OpinionGroup>();
        if (shownK > 0 && clusterings.TryGetValue(shownK, out var chosen))
        {
            var gid = 0;
            foreach (var g in chosen)
            {
                var rows = new List<int>();
                foreach (var b in g.Members)
                    foreach (var p in baseClusters[b].Members) rows.Add(inConvRows[p]);
                rows.Sort();
                foreach (var r in rows) participantGroup[r] = gid;
                groups.Add(new OpinionGroup(gid, rows.Select(r => votes.ParticipantIdArray[r]).ToArray(), g.Center.X, g.Center.Y));
                gid++;
            }
        }

        var groupVotes = GroupStatistics.Count(votes, participantGroup, groups.Count);
        var repness = GroupStatistics.Repness(votes, groupVotes);
        var (consensusAgree, consensusDisagree) = GroupStatistics.Consensus(votes);
        var gic = GroupStatistics.GroupInformedConsensus(groupVotes, m);
        var meta = new bool[m];
        if (options.MetaStatements is { } metaIds)
            foreach (var id in metaIds)
                if (Array.BinarySearch(votes.StatementIdArray, id) is var j and >= 0) meta[j] = true;
        var priorities = GroupStatistics.CommentPriorities(groupVotes, extremity, meta, m);

        Mark("statistics");

        var state = new ConsensusState
        {
            InConv = inConvRows.Select(r => votes.ParticipantIdArray[r]).ToArray(),
            StatementIds = votes.StatementIdArray,
            Components = pca.Components,
            BaseCenters = baseCenters,
            GroupCenters = clusterings.ToDictionary(kv => kv.Key, kv => kv.Value.Select(c => c.Center).ToArray()),
            K = shownK,
            CandidateK = candidateK,
            CandidateStreak = streak,
        };
        var baseGroups = baseClusters.Select((c, i) => new OpinionGroup(i,
            c.Members.Select(p => votes.ParticipantIdArray[inConvRows[p]]).Order().ToArray(), c.Center.X, c.Center.Y)).ToList();

        return new OpinionMap
        {
            ParticipantIds = votes.ParticipantIdArray,
            StatementIds = votes.StatementIdArray,
            VoteCount = votes.VoteCount,
            ParticipantVoteCounts = rawCounts,
            InConv = state.InConv.Order().ToArray(),
            Pca = pca,
            Positions = positions,
            ParticipantGroup = participantGroup,
            StatementPositions = statementPositions,
            StatementExtremity = extremity,
            BaseClusters = baseGroups,
            Groups = groups,
            GroupVotes = groupVotes,
            Repness = repness,
            ConsensusAgree = consensusAgree,
            ConsensusDisagree = consensusDisagree,
            GroupInformedConsensus = gic,
            CommentPriorities = priorities,
            State = state,
            Seconds = clock.Elapsed.TotalSeconds,
            PhaseSeconds = phases,
        };
    }

    /// <summary>A participant's vote count in the projection's scaling: their stored votes off moderated-out columns, plus every moderated-out column (zeroed for everyone).</summary>
    internal static int ScaledVoteCount(VoteMatrix votes, int row, int modOutCount)
    {
        if (modOutCount == 0) return votes.RowStart[row + 1] - votes.RowStart[row];
        var c = modOutCount;
        for (var k = votes.RowStart[row]; k < votes.RowStart[row + 1]; k++)
            if (!votes.ModeratedOut[votes.Columns[k]]) c++;
        return c;
    }

    /// <summary>
    /// Rows in the clustering, ascending: the fixed set of <see cref="ConsensusOptions.InConv"/>, else the previous set
    /// (sticky) plus everyone with at least min(7, statements) votes, topped up with the most active participants to 15.
    /// </summary>
    private static int[] InConv(VoteMatrix votes, int[] rawCounts, ConsensusState? previous, ConsensusOptions options)
    {
        var ids = votes.ParticipantIdArray;
        var n = ids.Length;
        var inConv = new bool[n];
        if (options.InConv is { } fixedSet)
        {
            var set = fixedSet as IReadOnlySet<long> ?? fixedSet.ToHashSet();
            for (var r = 0; r < n; r++) inConv[r] = set.Contains(ids[r]);
        }
        else
        {
            if (previous is not null)
            {
                var set = previous.InConv as IReadOnlySet<long> ?? previous.InConv.ToHashSet();
                for (var r = 0; r < n; r++) inConv[r] = set.Contains(ids[r]);
            }
            var threshold = Math.Min(7, votes.StatementIdArray.Length);
            for (var r = 0; r < n; r++) if (rawCounts[r] >= threshold && rawCounts[r] > 0) inConv[r] = true;
            var count = inConv.Count(x => x);
            const int greedy = 15;
            if (count < greedy)
            {
                // Most votes first; ties by row (participant id) for determinism.
                foreach (var r in Enumerable.Range(0, n).Where(r => !inConv[r] && rawCounts[r] > 0)
                             .OrderByDescending(r => rawCounts[r]).ThenBy(r => r).Take(greedy - count))
                    inConv[r] = true;
            }
        }
        return Enumerable.Range(0, n).Where(r => inConv[r]).ToArray();
    }

    /// <summary>Polis's group-k smoother: the shown k changes only when the best k wins <paramref name="buffer"/> updates in a row.</summary>
    private static (int Shown, int Candidate, int Streak) SmoothK(Dictionary<int, double> silhouettes, ConsensusState? previous, int buffer)
    {
        if (silhouettes.Count == 0) return (0, 0, 0);
        var best = silhouettes.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).First().Key;
        if (previous is null || previous.K == 0) return (best, best, 1);
        var streak = previous.CandidateK == best ? previous.CandidateStreak + 1 : 1;
        var shown = streak >= buffer ? best : previous.K;
        if (!silhouettes.ContainsKey(shown)) shown = best; // the previous k is no longer possible
        return (shown, best, streak);
    }
}

namespace Xieshang.Consensus;

/// <summary>
/// Recomputes a conversation along its vote log the way Polis did live: every <c>batch</c> votes a warm run from the
/// previous state (sticky in-conv set, warm PCA and k-means, the 4-update k smoother). An export carries only the final
/// votes, while Polis's groups and in-conv set depend on that history; replaying it recovers much of it.
/// </summary>
public static class ConsensusReplay
{
    /// <summary>The default batch: max(20, votes / 300) — about 300 updates over a conversation, never fewer than 20 votes apart.</summary>
    public static int DefaultBatch(int votes) => Math.Max(20, votes / 300);

    /// <summary>
    /// Replays <paramref name="history"/> (time order) in batches of <paramref name="batch"/> votes and returns the last map.
    /// Moderated-out statements apply from the start (an export does not say when they were moderated).
    /// Cost: history/batch full computations.
    /// </summary>
    /// <exception cref="ArgumentException">Empty history or batch &lt; 1.</exception>
    public static OpinionMap Run(IReadOnlyList<TimedVote> history, IEnumerable<long> moderatedOut, int batch, ConsensusOptions? options = null)
    {
        if (history.Count == 0) throw new ArgumentException("The conversation has no vote log to replay.", nameof(history));
        if (batch < 1) throw new ArgumentException("Batch must be at least 1 vote.", nameof(batch));
        var mod = moderatedOut.ToHashSet();
        ConsensusState? state = null;
        var votes = new List<Vote>(history.Count);
        var voted = new HashSet<long>();
        for (var next = 0; ;)
        {
            var end = Math.Min(next + batch, history.Count);
            for (; next < end; next++)
            {
                votes.Add(history[next].Vote);
                voted.Add(history[next].Vote.Statement);
            }
            var map = ConsensusEngine.Compute(VoteMatrix.Build(votes, null, mod.Where(voted.Contains)), state, options);
            if (end == history.Count) return map;
            state = map.State;
        }
    }
}

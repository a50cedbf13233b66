namespace Xieshang.Consensus;

/// <summary>
/// Computes the opinion map of a vote matrix by the method of CONSENSUS.md (Polis's published maths): in-conv set, sparse
/// PCA by power iteration, base clusters, groups chosen by silhouette, representative and consensus statements,
/// group-informed consensus and comment priorities. Pure and thread-safe: no I/O, no shared state.
/// </summary>
public static class ConsensusEngine
{
    /// <summary>
    /// Computes the map. Without <paramref name="previous"/> the run is cold and deterministic (same input, same output);
    /// with it the run is warm: PCA and k-means start from the previous results, the in-conv set is sticky and the
    /// k smoother applies. Cost O(votes × iterations) for the PCA plus O(in-conv × 100 × iterations) for the base clusters.
    /// </summary>
    public static OpinionMap Compute(VoteMatrix votes, ConsensusState? previous = null, ConsensusOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(votes);
        throw new NotImplementedException("Being written (issue 5): the lead engineer owns this file.");
    }
}

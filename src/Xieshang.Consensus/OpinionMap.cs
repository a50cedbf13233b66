namespace Xieshang.Consensus;

/// <summary>Options of a computation. The defaults are Polis's parameters (CONSENSUS.md).</summary>
public sealed record ConsensusOptions
{
    /// <summary>Power-iteration steps per principal component (Polis: 100).</summary>
    public int PcaIterations { get; init; } = 100;
    /// <summary>Number of base clusters (Polis: 100).</summary>
    public int BaseClusterCount { get; init; } = 100;
    /// <summary>Largest number of opinion groups (Polis: 5).</summary>
    public int MaxGroups { get; init; } = 5;
    /// <summary>Lloyd iterations of the k-means runs (Polis: 100 for base clusters, same for groups).</summary>
    public int KMeansIterations { get; init; } = 100;
    /// <summary>
    /// Polis's k smoother: with a previous state, the number of groups only changes after the new k has won
    /// <see cref="KSmootherUpdates"/> updates in a row. Has no effect on a cold run.
    /// </summary>
    public int KSmootherUpdates { get; init; } = 4;
    /// <summary>
    /// Participants that form the in-conv set regardless of vote counts (e.g. the participants Polis clustered, read from an
    /// export's <c>group-id</c>). Null = computed from the votes (and the previous state's set, which is sticky).
    /// </summary>
    public IReadOnlyCollection<long>? InConv { get; init; }
    /// <summary>Meta statements (Polis "is-meta": about the conversation itself). They are moderated out of the maths and get Polis's fixed routing priority 49.</summary>
    public IReadOnlyCollection<long>? MetaStatements { get; init; }
}

/// <summary>What the next warm run starts from: the sticky in-conv set, PCA components, cluster centres and the k smoother.</summary>
public sealed class ConsensusState
{
    /// <summary>Participants ever in-conv (once in, always in).</summary>
    public required IReadOnlyCollection<long> InConv { get; init; }
    /// <summary>Statement ids of the components' coordinates.</summary>
    public required long[] StatementIds { get; init; }
    /// <summary>The two principal components, one coordinate per statement of <see cref="StatementIds"/>.</summary>
    public required double[][] Components { get; init; }
    /// <summary>Base-cluster centres (x, y) of the last run.</summary>
    public required (double X, double Y)[] BaseCenters { get; init; }
    /// <summary>Group-cluster centres per k of the last run (k → centres), the warm start of each k's run.</summary>
    public required IReadOnlyDictionary<int, (double X, double Y)[]> GroupCenters { get; init; }
    /// <summary>The number of groups shown (the smoother's current k).</summary>
    public required int K { get; init; }
    /// <summary>The k that won the last silhouette comparison, and for how many updates in a row.</summary>
    public required int CandidateK { get; init; }
    /// <summary>How many consecutive updates <see cref="CandidateK"/> has won.</summary>
    public required int CandidateStreak { get; init; }
}

/// <summary>A principal-component analysis result: column means and two unit components, one coordinate per statement.</summary>
/// <param name="Center">Column means μ_j of the vote matrix (missing cells left out), in statement order.</param>
/// <param name="Components">Two unit vectors [c1, c2], each with one coordinate per statement.</param>
public sealed record Pca(double[] Center, double[][] Components);

/// <summary>An opinion group (or base cluster): its id, its participants, and its centre on the map.</summary>
public sealed record OpinionGroup(int Id, long[] Members, double X, double Y);

/// <summary>Vote counts of one statement within a set of participants: agrees, disagrees, all votes (passes included).</summary>
public readonly record struct VoteCounts(int Agree, int Disagree, int Seen);

/// <summary>
/// A statement that sets a group apart (Polis "repness"). <c>pa</c> = (n_a+1)/(n_s+2) inside the group,
/// <c>pat</c> its one-sample test, <c>ra</c> the ratio to the rest, <c>rat</c> the two-proportion test; for a
/// disagree statement the same quantities for disagreement.
/// </summary>
public sealed record RepresentativeStatement(
    long StatementId, bool Agree, int NSuccess, int NTrials, double P, double PTest, double R, double RTest, bool BestAgree)
{
    /// <summary>Polis's ranking metric ra·rat·pa·pat.</summary>
    public double Metric => R * RTest * P * PTest;
}

/// <summary>A statement the whole population agrees (or disagrees) with: successes, trials, p = (n+1)/(trials+2), its test.</summary>
public sealed record ConsensusStatement(long StatementId, int NSuccess, int NTrials, double P, double PTest);

/// <summary>
/// The opinion map of one deliberation (CONSENSUS.md). Participant arrays are aligned with <see cref="ParticipantIds"/>
/// (every participant of the matrix), statement arrays with <see cref="StatementIds"/>.
/// </summary>
public sealed class OpinionMap
{
    /// <summary>All participants (matrix rows).</summary>
    public required long[] ParticipantIds { get; init; }
    /// <summary>All statements (matrix columns).</summary>
    public required long[] StatementIds { get; init; }
    /// <summary>Stored votes.</summary>
    public required int VoteCount { get; init; }
    /// <summary>Stored votes per participant, aligned with <see cref="ParticipantIds"/> (Polis's user-vote-counts; the in-conv rule uses them).</summary>
    public required int[] ParticipantVoteCounts { get; init; }
    /// <summary>The clustered participants, ascending.</summary>
    public required long[] InConv { get; init; }
    /// <summary>Column means and components.</summary>
    public required Pca Pca { get; init; }
    /// <summary>Each participant's map position (x, y) (CONSENSUS.md "participant position").</summary>
    public required (double X, double Y)[] Positions { get; init; }
    /// <summary>Each participant's group id, −1 when not in-conv.</summary>
    public required int[] ParticipantGroup { get; init; }
    /// <summary>Each statement's position: a virtual participant who only agreed with it.</summary>
    public required (double X, double Y)[] StatementPositions { get; init; }
    /// <summary>Each statement's extremity (length of its position).</summary>
    public required double[] StatementExtremity { get; init; }
    /// <summary>Base clusters (ids 0…), members and centres.</summary>
    public required IReadOnlyList<OpinionGroup> BaseClusters { get; init; }
    /// <summary>Opinion groups (ids 0…k−1), members (participant ids) and centres; empty when too few participants voted.</summary>
    public required IReadOnlyList<OpinionGroup> Groups { get; init; }
    /// <summary>Per group (index = group id), per statement (index = column) the group members' raw vote counts (moderated-out statements included, as Polis's group-votes).</summary>
    public required VoteCounts[][] GroupVotes { get; init; }
    /// <summary>Per group id, its representative statements, best first (at most 5, agrees first).</summary>
    public required IReadOnlyDictionary<int, IReadOnlyList<RepresentativeStatement>> Repness { get; init; }
    /// <summary>Statements all participants agree with, best first (at most 5).</summary>
    public required IReadOnlyList<ConsensusStatement> ConsensusAgree { get; init; }
    /// <summary>Statements all participants disagree with, best first (at most 5).</summary>
    public required IReadOnlyList<ConsensusStatement> ConsensusDisagree { get; init; }
    /// <summary>Group-informed consensus per statement column: Π over groups of (n_a+1)/(n_s+2).</summary>
    public required double[] GroupInformedConsensus { get; init; }
    /// <summary>Comment-routing priority per statement column (Polis comment-priorities); higher is shown sooner.</summary>
    public required double[] CommentPriorities { get; init; }
    /// <summary>The state the next warm run starts from.</summary>
    public required ConsensusState State { get; init; }
    /// <summary>Wall-clock seconds the computation took.</summary>
    public double Seconds { get; set; }
    /// <summary>Seconds per phase (in-conv, pca, projection, base-clusters, groups, statistics), for logs and benchmarks.</summary>
    public IReadOnlyDictionary<string, double> PhaseSeconds { get; init; } = new Dictionary<string, double>();

    /// <summary>Column of statement <paramref name="statementId"/>, or −1.</summary>
    public int StatementColumn(long statementId) => Array.BinarySearch(StatementIds, statementId) is var i and >= 0 ? i : -1;

    /// <summary>Row of participant <paramref name="participantId"/>, or −1.</summary>
    public int ParticipantRow(long participantId) => Array.BinarySearch(ParticipantIds, participantId) is var i and >= 0 ? i : -1;
}

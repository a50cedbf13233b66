using Xieshang.Consensus;

namespace Xieshang.Tests.Consensus;

/// <summary>The engine's contract beyond fidelity: the vote matrix, determinism, warm updates, small and degenerate input.</summary>
public sealed class ConsensusEngineTests
{
    /// <summary>Two camps of 30 who vote opposite ways on 10 statements, and agree on statement 100.</summary>
    private static List<Vote> TwoCamps()
    {
        var votes = new List<Vote>();
        for (var p = 0; p < 60; p++)
        {
            var camp = p < 30 ? 1 : -1;
            for (var s = 0; s < 10; s++) votes.Add(new Vote(p, s, (sbyte)(s % 3 == 2 && p % 7 == 0 ? 0 : camp * (s % 2 == 0 ? 1 : -1))));
            votes.Add(new Vote(p, 100, Votes.Agree));
        }
        return votes;
    }

    [Fact]
    public void Matrix_keeps_the_latest_vote_per_pair_and_counts_statements_without_votes()
    {
        var m = VoteMatrix.Build([new(7, 1, 1), new(7, 1, -1), new(3, 2, 0)], statements: [9], moderatedOut: [2]);

        Assert.Equal([3L, 7], m.ParticipantIds);
        Assert.Equal([1L, 2, 9], m.StatementIds);
        Assert.Equal(2, m.VoteCount);
        Assert.Equal(new Vote(7, 1, -1), m.AllVotes().Single(v => v.Participant == 7));
        Assert.True(m.IsModeratedOut(1));
        Assert.Equal(1, m.ModeratedOutCount);
    }

    [Fact]
    public void A_vote_value_other_than_minus_one_zero_or_one_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => VoteMatrix.Build([new(1, 1, 2)]));
        Assert.Contains("not −1, 0 or +1", e.Message);
        Assert.Throws<ArgumentException>(() => VoteMatrix.Build([new(1, 1, 1)]).With([new(1, 1, -3)]));
    }

    [Fact]
    public void With_equals_building_from_all_votes()
    {
        var all = TwoCamps();
        var first = VoteMatrix.Build(all.Take(400));
        var extra = all.Skip(400).Append(new Vote(0, 0, Votes.Disagree)).Append(new Vote(500, 7, Votes.Agree)).ToList();

        var merged = first.With(extra, moderatedOut: [9]);
        var rebuilt = VoteMatrix.Build(all.Take(400).Concat(extra), moderatedOut: [9]);

        Assert.Equal(rebuilt.ParticipantIds, merged.ParticipantIds);
        Assert.Equal(rebuilt.StatementIds, merged.StatementIds);
        Assert.Equal(rebuilt.AllVotes(), merged.AllVotes());
        Assert.Equal(new Vote(0, 0, Votes.Disagree), merged.AllVotes().First(v => v.Participant == 0 && v.Statement == 0));
        Assert.True(merged.IsModeratedOut(merged.StatementIds.ToList().IndexOf(9)));
    }

    [Fact]
    public void Two_camps_form_two_groups_with_the_shared_statement_as_consensus()
    {
        var map = ConsensusEngine.Compute(VoteMatrix.Build(TwoCamps()));

        Assert.Equal(2, map.Groups.Count);
        Assert.Equal(Enumerable.Range(0, 30).Select(i => (long)i), map.Groups.Single(g => g.Members.Contains(0)).Members);
        Assert.Equal(100, map.ConsensusAgree[0].StatementId);
        // The shared statement bridges both groups; a camp statement does not.
        Assert.True(map.GroupInformedConsensus[map.StatementColumn(100)] > 0.8);
        Assert.True(map.GroupInformedConsensus[map.StatementColumn(0)] < 0.1);
        Assert.All(map.Repness.Values, list => Assert.NotEmpty(list));
        Assert.Equal(60, map.InConv.Length);
    }

    [Fact]
    public void Cold_runs_are_deterministic()
    {
        var votes = VoteMatrix.Build(TwoCamps());
        var a = ConsensusEngine.Compute(votes);
        var b = ConsensusEngine.Compute(votes);

        Assert.Equal(a.Positions, b.Positions);
        Assert.Equal(a.ParticipantGroup, b.ParticipantGroup);
        Assert.Equal(a.CommentPriorities, b.CommentPriorities);
    }

    [Fact]
    public void A_warm_update_keeps_groups_and_the_in_conv_set_is_sticky()
    {
        var all = TwoCamps();
        var first = ConsensusEngine.Compute(VoteMatrix.Build(all));
        // Participant 61 arrives with one vote: not in-conv; participant 0 changes a vote: stays in-conv.
        var next = VoteMatrix.Build(all).With([new(61, 0, Votes.Agree), new(0, 3, Votes.Pass)]);

        var warm = ConsensusEngine.Compute(next, first.State);

        Assert.Equal(2, warm.Groups.Count);
        Assert.DoesNotContain(61L, warm.InConv);
        Assert.Equal(-1, warm.ParticipantGroup[warm.ParticipantRow(61)]);
        Assert.Equal(first.InConv, warm.InConv);
        Assert.Equal(1.0, Agreement.AdjustedRandIndex(
            first.Groups.SelectMany(g => g.Members.Select(p => (p, g.Id))).ToDictionary(x => x.p, x => x.Id),
            warm.Groups.SelectMany(g => g.Members.Select(p => (p, g.Id))).ToDictionary(x => x.p, x => x.Id)), 12);
    }

    [Fact]
    public void The_k_smoother_waits_four_updates_before_changing_the_number_of_groups()
    {
        // Two noisy camps of 100 over 30 statements: enough distinct positions for k = 2…5 to be tried.
        var random = new Random(5);
        var noisy = new List<Vote>();
        for (var p = 0; p < 200; p++)
            for (var s = 0; s < 30; s++)
                noisy.Add(new Vote(p, s, (sbyte)(random.NextDouble() < 0.2 ? random.Next(-1, 2) : (p < 100 ? 1 : -1) * (s % 2 == 0 ? 1 : -1))));
        var votes = VoteMatrix.Build(noisy);
        var cold = ConsensusEngine.Compute(votes);
        var state = new ConsensusState
        {
            InConv = cold.State.InConv, StatementIds = cold.State.StatementIds, Components = cold.State.Components,
            BaseCenters = cold.State.BaseCenters, GroupCenters = cold.State.GroupCenters,
            K = 3, CandidateK = 3, CandidateStreak = 4, // as if 3 groups had been shown until now
        };
        var shown = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            var map = ConsensusEngine.Compute(votes, state);
            shown.Add(map.Groups.Count);
            state = map.State;
        }
        var best = ConsensusEngine.Compute(votes).Groups.Count;
        Assert.NotEqual(3, best);
        Assert.Equal([3, 3, 3, best], shown);
    }

    [Fact]
    public void Tiny_and_empty_conversations_do_not_fail()
    {
        var empty = ConsensusEngine.Compute(VoteMatrix.Build([]));
        Assert.Empty(empty.Groups);
        Assert.Empty(empty.InConv);

        var one = ConsensusEngine.Compute(VoteMatrix.Build([new(1, 1, 1), new(2, 1, 1)]));
        Assert.Equal([1L, 2], one.InConv);
        Assert.True(one.Groups.Count <= 1);
    }

    [Fact]
    public void Adjusted_rand_index_ignores_label_names()
    {
        var a = new Dictionary<int, int> { [1] = 0, [2] = 0, [3] = 1, [4] = 1 };
        var b = new Dictionary<int, int> { [1] = 5, [2] = 5, [3] = 9, [4] = 9 };
        var c = new Dictionary<int, int> { [1] = 0, [2] = 1, [3] = 0, [4] = 1 };
        Assert.Equal(1.0, Agreement.AdjustedRandIndex(a, b), 12);
        Assert.True(Agreement.AdjustedRandIndex(a, c) < 0);
    }
}

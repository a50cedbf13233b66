namespace Xieshang.Consensus;

/// <summary>
/// Two-component PCA of the vote matrix by power iteration, in the sparse form of CONSENSUS.md: missing cells are filled
/// with the column mean, so after centring they are exactly 0 and XᵀX·v costs O(votes). Moderated-out columns are all 0.
/// </summary>
internal static class SparsePca
{
    /// <summary>Relative change of the eigenvalue estimate below which the iteration stops early.</summary>
    private const double Tolerance = 1e-11;

    /// <summary>Above this many votes the products run on all cores (per-thread accumulators, summed in a fixed order).</summary>
    private const int ParallelVotes = 400_000;

    internal static Pca Compute(VoteMatrix votes, ConsensusState? previous, int iterations)
    {
        var m = votes.StatementIdArray.Length;
        var center = ColumnMeans(votes);
        var centred = Centred(votes, center);
        var starts = StartVectors(votes, previous, m);
        var c1 = PowerIteration(votes, centred, starts[0], null, iterations);
        var c2 = PowerIteration(votes, centred, starts[1], c1, iterations);
        return new Pca(center, [c1, c2]);
    }

    /// <summary>Column means over the votes cast (moderated-out columns: 0; columns without votes: 0).</summary>
    internal static double[] ColumnMeans(VoteMatrix votes)
    {
        var m = votes.StatementIdArray.Length;
        var sum = new double[m];
        var count = new int[m];
        for (var k = 0; k < votes.Values.Length; k++)
        {
            sum[votes.Columns[k]] += votes.Values[k];
            count[votes.Columns[k]]++;
        }
        var mean = new double[m];
        for (var j = 0; j < m; j++) mean[j] = votes.ModeratedOut[j] || count[j] == 0 ? 0 : sum[j] / count[j];
        return mean;
    }

    /// <summary>The centred value of every stored vote (0 on moderated-out columns), aligned with <see cref="VoteMatrix.Values"/>.</summary>
    private static double[] Centred(VoteMatrix votes, double[] center)
    {
        var y = new double[votes.Values.Length];
        for (var k = 0; k < y.Length; k++)
        {
            var j = votes.Columns[k];
            y[k] = votes.ModeratedOut[j] ? 0 : votes.Values[k] - center[j];
        }
        return y;
    }

    private static double[][] StartVectors(VoteMatrix votes, ConsensusState? previous, int m)
    {
        var starts = new[] { Ones(m), Ones(m) };
        if (previous is null) return starts;
        // Warm start: the previous components, mapped by statement id (new statements start at 0).
        for (var c = 0; c < 2 && c < previous.Components.Length; c++)
        {
            var v = new double[m];
            var any = false;
            for (var i = 0; i < previous.StatementIds.Length; i++)
            {
                var j = Array.BinarySearch(votes.StatementIdArray, previous.StatementIds[i]);
                if (j < 0) continue;
                v[j] = previous.Components[c][i];
                any |= v[j] != 0;
            }
            if (any) starts[c] = v;
        }
        return starts;
    }

    private static double[] Ones(int m)
    {
        var v = new double[m];
        Array.Fill(v, 1.0);
        return v;
    }

    /// <summary>
    /// Polis's power iteration: v ← XᵀX·v, eigenvalue = |v|, v ← v/|v|, at most <paramref name="iterations"/> times.
    /// With <paramref name="deflate"/> the matrix is X(I − ccᵀ) (Polis's factor-matrix), for the second component.
    /// </summary>
    private static double[] PowerIteration(VoteMatrix votes, double[] y, double[] start, double[]? deflate, int iterations)
    {
        var m = start.Length;
        var v = (double[])start.Clone();
        var w = new double[m];
        var last = 0.0;
        for (var it = 0; it < iterations; it++)
        {
            if (deflate is not null) RemoveComponent(v, deflate);
            MultiplyXtX(votes, y, v, w);
            if (deflate is not null) RemoveComponent(w, deflate);
            var eig = Norm(w);
            if (eig == 0) return new double[m];
            for (var j = 0; j < m; j++) v[j] = w[j] / eig;
            if (Math.Abs(eig - last) <= Tolerance * eig) break;
            last = eig;
        }
        return v;
    }

    private static void RemoveComponent(double[] v, double[] c)
    {
        var dot = 0.0;
        for (var j = 0; j < v.Length; j++) dot += v[j] * c[j];
        for (var j = 0; j < v.Length; j++) v[j] -= dot * c[j];
    }

    private static double Norm(double[] v)
    {
        var s = 0.0;
        foreach (var x in v) s += x * x;
        return Math.Sqrt(s);
    }

    /// <summary>w = Yᵀ(Y·v) over the stored cells only.</summary>
    private static void MultiplyXtX(VoteMatrix votes, double[] y, double[] v, double[] w)
    {
        var n = votes.ParticipantIdArray.Length;
        var rowStart = votes.RowStart;
        var cols = votes.Columns;
        Array.Clear(w);
        if (y.Length < ParallelVotes || Environment.ProcessorCount == 1)
        {
            MultiplyRows(rowStart, cols, y, v, w, 0, n);
            return;
        }
        var parts = Environment.ProcessorCount;
        var partials = new double[parts][];
        Parallel.For(0, parts, p =>
        {
            var acc = new double[w.Length];
            MultiplyRows(rowStart, cols, y, v, acc, (int)((long)n * p / parts), (int)((long)n * (p + 1) / parts));
            partials[p] = acc;
        });
        foreach (var acc in partials)
            for (var j = 0; j < w.Length; j++) w[j] += acc[j];
    }

    private static void MultiplyRows(int[] rowStart, int[] cols, double[] y, double[] v, double[] w, int from, int to)
    {
        for (var r = from; r < to; r++)
        {
            var s = 0.0;
            var end = rowStart[r + 1];
            for (var k = rowStart[r]; k < end; k++) s += y[k] * v[cols[k]];
            if (s == 0) continue;
            for (var k = rowStart[r]; k < end; k++) w[cols[k]] += y[k] * s;
        }
    }

    /// <summary>p_i = sqrt(statements / max(n_i, 1)) · Σ_j (x_ij − μ_j)·[c1_j, c2_j] (CONSENSUS.md), n_i counting moderated-out columns.</summary>
    internal static (double X, double Y)[] ProjectParticipants(VoteMatrix votes, Pca pca)
    {
        var n = votes.ParticipantIdArray.Length;
        var m = votes.StatementIdArray.Length;
        var (c1, c2) = (pca.Components[0], pca.Components[1]);
        var modOut = votes.ModeratedOutCount;
        var result = new (double X, double Y)[n];
        for (var r = 0; r < n; r++)
        {
            double x = 0, yy = 0;
            for (var k = votes.RowStart[r]; k < votes.RowStart[r + 1]; k++)
            {
                var j = votes.Columns[k];
                if (votes.ModeratedOut[j]) continue;
                var d = votes.Values[k] - pca.Center[j];
                x += d * c1[j];
                yy += d * c2[j];
            }
            var scale = Math.Sqrt((double)m / Math.Max(ConsensusEngine.ScaledVoteCount(votes, r, modOut), 1));
            result[r] = (x * scale, yy * scale);
        }
        return result;
    }

    /// <summary>Each statement's position (a virtual participant who only agreed with it) and extremity (its length).</summary>
    internal static ((double X, double Y)[] Positions, double[] Extremity) ProjectStatements(VoteMatrix votes, Pca pca)
    {
        var m = votes.StatementIdArray.Length;
        var positions = new (double X, double Y)[m];
        var extremity = new double[m];
        var scale = Math.Sqrt(m);
        for (var j = 0; j < m; j++)
        {
            var d = votes.ModeratedOut[j] ? 0 : Votes.Agree - pca.Center[j];
            positions[j] = (d * pca.Components[0][j] * scale, d * pca.Components[1][j] * scale);
            extremity[j] = Math.Sqrt(positions[j].X * positions[j].X + positions[j].Y * positions[j].Y);
        }
        return (positions, extremity);
    }
}

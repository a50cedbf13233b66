namespace Xieshang.Consensus;

/// <summary>Polis's k-means (Lloyd's algorithm) on 2-D points, optionally weighted, with its start and stop rules, and the silhouette.</summary>
internal static class KMeans
{
    /// <summary>Centres that all move less than this between two steps mean convergence (Polis: 0.01).</summary>
    private const double Threshold = 0.01;

    /// <summary>From this many point–centre pairs on, assignment uses Hamerly's bounds (same result as plain Lloyd, far fewer distances).</summary>
    private const long BoundsFrom = 2_000_000;

    /// <summary>A cluster: centre and member point indices (ascending).</summary>
    internal sealed record Cluster((double X, double Y) Center, List<int> Members);

    /// <summary>
    /// Clusters <paramref name="points"/> into at most <paramref name="k"/> clusters. Start: <paramref name="init"/> (a
    /// previous run's centres; topped up with unused distinct points) or the first k distinct points. Empty clusters are
    /// dropped; the result keeps the start's order.
    /// </summary>
    internal static List<Cluster> Run((double X, double Y)[] points, double[]? weights, int k, (double X, double Y)[]? init, int maxIterations)
    {
        if (points.Length == 0 || k <= 0) return [];
        var centers = StartCenters(points, k, init);
        var assignment = new int[points.Length];
        var bounds = (long)points.Length * centers.Length >= BoundsFrom ? new Bounds(points.Length) : null;
        List<Cluster> clusters = [];
        for (var it = 0; it <= maxIterations; it++)
        {
            if (bounds is null) Assign(points, centers, assignment);
            else bounds.Assign(points, centers, assignment);
            var next = Recentre(points, weights, centers.Length, assignment);
            var converged = next.Count == centers.Length && next.Select((c, i) => Distance(c.Center, centers[i]) < Threshold).All(x => x);
            clusters = next;
            centers = next.Select(c => c.Center).ToArray();
            if (converged) break;
        }
        // As Polis: the members are those of the last assignment step, the centres their means.
        return clusters;
    }

    /// <summary>
    /// Cold: the first k distinct points. Warm: the previous centres, topped up (while fewer than k and than the distinct
    /// points) with the points farthest from every centre — newcomers who sit where no cluster is.
    /// </summary>
    private static (double X, double Y)[] StartCenters((double X, double Y)[] points, int k, (double X, double Y)[]? init)
    {
        var centers = new List<(double X, double Y)>(k);
        var seen = new HashSet<(double, double)>();
        if (init is null)
        {
            foreach (var p in points)
            {
                if (centers.Count >= k) break;
                if (seen.Add(p)) centers.Add(p);
            }
            return [.. centers];
        }
        foreach (var c in init.Take(k))
            if (seen.Add(c)) centers.Add(c);
        var distinct = points.Distinct().ToArray();
        var target = Math.Min(k, distinct.Length);
        if (centers.Count >= target) return [.. centers];
        var nearest = distinct.Select(p => centers.Count == 0 ? double.MaxValue : centers.Min(c => Distance(p, c))).ToArray();
        while (centers.Count < target)
        {
            var best = 0;
            for (var i = 1; i < distinct.Length; i++) if (nearest[i] > nearest[best]) best = i;
            if (nearest[best] <= 0) break;
            centers.Add(distinct[best]);
            for (var i = 0; i < distinct.Length; i++) nearest[i] = Math.Min(nearest[i], Distance(distinct[i], distinct[best]));
        }
        return [.. centers];
    }

    private static void Assign((double X, double Y)[] points, (double X, double Y)[] centers, int[] assignment)
    {
        void Range(int from, int to)
        {
            for (var i = from; i < to; i++)
            {
                var (px, py) = points[i];
                var best = 0;
                var bestD = double.MaxValue;
                for (var c = 0; c < centers.Length; c++)
                {
                    var dx = px - centers[c].X;
                    var dy = py - centers[c].Y;
                    var d = dx * dx + dy * dy;
                    if (d < bestD) { bestD = d; best = c; }
                }
                assignment[i] = best;
            }
        }
        if ((long)points.Length * centers.Length < 2_000_000) { Range(0, points.Length); return; }
        var parts = Environment.ProcessorCount * 4;
        System.Threading.Tasks.Parallel.For(0, parts, p => Range((int)((long)points.Length * p / parts), (int)((long)points.Length * (p + 1) / parts)));
    }

    /// <summary>
    /// Hamerly's accelerated assignment (G. Hamerly, "Making k-means even faster", SDM 2010): per point an upper bound on
    /// the distance to its centre and a lower bound on the distance to any other; a point whose upper bound is below both
    /// its lower bound and half the distance from its centre to the nearest other centre keeps its centre without computing
    /// any distance. Exact: it assigns what Lloyd's assignment assigns (ties aside, which real-valued positions do not have).
    /// Centres are matched between steps by index; when clusters are dropped the bounds are reset.
    /// </summary>
    private sealed class Bounds(int n)
    {
        private readonly double[] _upper = new double[n];
        private readonly double[] _lower = new double[n];
        private (double X, double Y)[]? _previous;

        public void Assign((double X, double Y)[] points, (double X, double Y)[] centers, int[] assignment)
        {
            var k = centers.Length;
            if (_previous is null || _previous.Length != k)
            {
                Parallel(points.Length, (from, to) => Full(points, centers, assignment, from, to));
                _previous = ((double X, double Y)[])centers.Clone();
                return;
            }
            var moved = new double[k];
            double maxMove = 0, secondMove = 0;
            var maxIndex = -1;
            for (var c = 0; c < k; c++)
            {
                moved[c] = Distance(centers[c], _previous[c]);
                if (moved[c] > maxMove) { secondMove = maxMove; maxMove = moved[c]; maxIndex = c; }
                else if (moved[c] > secondMove) secondMove = moved[c];
            }
            var half = new double[k];
            for (var c = 0; c < k; c++)
            {
                var nearest = double.MaxValue;
                for (var o = 0; o < k; o++) if (o != c) nearest = Math.Min(nearest, Distance(centers[c], centers[o]));
                half[c] = nearest / 2;
            }
            void Range(int from, int to)
            {
                for (var i = from; i < to; i++)
                {
                    var a = assignment[i];
                    _upper[i] += moved[a];
                    _lower[i] -= a == maxIndex ? secondMove : maxMove;
                    var bound = Math.Max(_lower[i], half[a]);
                    if (_upper[i] <= bound) continue;
                    _upper[i] = Distance(points[i], centers[a]);
                    if (_upper[i] <= bound) continue;
                    Full(points, centers, assignment, i, i + 1);
                }
            }
            Parallel(points.Length, Range);
            _previous = ((double X, double Y)[])centers.Clone();
        }

        private void Full((double X, double Y)[] points, (double X, double Y)[] centers, int[] assignment, int from, int to)
        {
            for (var i = from; i < to; i++)
            {
                var (px, py) = points[i];
                int best = 0;
                double bestD = double.MaxValue, secondD = double.MaxValue;
                for (var c = 0; c < centers.Length; c++)
                {
                    var dx = px - centers[c].X;
                    var dy = py - centers[c].Y;
                    var d = dx * dx + dy * dy;
                    if (d < bestD) { secondD = bestD; bestD = d; best = c; }
                    else if (d < secondD) secondD = d;
                }
                assignment[i] = best;
                _upper[i] = Math.Sqrt(bestD);
                _lower[i] = Math.Sqrt(secondD);
            }
        }
    }

    /// <summary>Runs <paramref name="range"/> over [0, n) in chunks on all cores.</summary>
    private static void Parallel(int n, Action<int, int> range)
    {
        var parts = Environment.ProcessorCount * 4;
        System.Threading.Tasks.Parallel.For(0, parts, p => range((int)((long)n * p / parts), (int)((long)n * (p + 1) / parts)));
    }

    private static List<Cluster> Recentre((double X, double Y)[] points, double[]? weights, int k, int[] assignment)
    {
        var sx = new double[k];
        var sy = new double[k];
        var sw = new double[k];
        var members = new List<int>[k];
        for (var c = 0; c < k; c++) members[c] = [];
        for (var i = 0; i < points.Length; i++)
        {
            var c = assignment[i];
            var w = weights?[i] ?? 1.0;
            sx[c] += w * points[i].X;
            sy[c] += w * points[i].Y;
            sw[c] += w;
            members[c].Add(i);
        }
        var result = new List<Cluster>(k);
        for (var c = 0; c < k; c++)
            if (members[c].Count > 0) result.Add(new Cluster((sx[c] / sw[c], sy[c] / sw[c]), members[c]));
        return result;
    }

    internal static double Distance((double X, double Y) a, (double X, double Y) b)
    {
        var dx = a.X - b.X;
        var dy = a.Y - b.Y;
        return Math.Sqrt(dx * dx + dy * dy);
    }

    /// <summary>Mean silhouette of a clustering of <paramref name="points"/> (unweighted; a member alone in its cluster scores 0).</summary>
    internal static double Silhouette((double X, double Y)[] points, List<Cluster> clusters)
    {
        if (clusters.Count < 2) return 0;
        var total = 0.0;
        var count = 0;
        foreach (var own in clusters)
            foreach (var i in own.Members)
            {
                count++;
                if (own.Members.Count == 1) continue;
                var a = own.Members.Where(o => o != i).Average(o => Distance(points[i], points[o]));
                var b = clusters.Where(c => !ReferenceEquals(c, own)).Min(c => c.Members.Average(o => Distance(points[i], points[o])));
                var max = Math.Max(a, b);
                total += max == 0 ? 0 : (b - a) / max;
            }
        return count == 0 ? 0 : total / count;
    }
}

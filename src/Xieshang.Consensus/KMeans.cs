namespace Xieshang.Consensus;

/// <summary>Polis's k-means (Lloyd's algorithm) on 2-D points, optionally weighted, with its start and stop rules, and the silhouette.</summary>
internal static class KMeans
{
    /// <summary>Centres that all move less than this between two steps mean convergence (Polis: 0.01).</summary>
    private const double Threshold = 0.01;

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
        List<Cluster> clusters = [];
        for (var it = 0; it <= maxIterations; it++)
        {
            Assign(points, centers, assignment);
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
        Parallel.For(0, parts, p => Range((int)((long)points.Length * p / parts), (int)((long)points.Length * (p + 1) / parts)));
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

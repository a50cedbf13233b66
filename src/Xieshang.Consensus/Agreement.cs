namespace Xieshang.Consensus;

/// <summary>Agreement between two clusterings of the same items.</summary>
public static class Agreement
{
    /// <summary>
    /// Adjusted Rand index (Hubert and Arabie, 1985) of two labellings over the items both label: 1 = identical
    /// partitions, about 0 = chance agreement, may be negative. Labels are arbitrary (0/1 swapped is still 1).
    /// Returns 1 when fewer than two items are shared or both partitions are trivial.
    /// </summary>
    public static double AdjustedRandIndex<TItem>(IReadOnlyDictionary<TItem, int> a, IReadOnlyDictionary<TItem, int> b) where TItem : notnull
    {
        var pairs = a.Where(kv => b.ContainsKey(kv.Key)).Select(kv => (kv.Value, b[kv.Key])).ToList();
        var n = pairs.Count;
        if (n < 2) return 1;
        static double Choose2(long x) => x * (x - 1) / 2.0;
        var joint = pairs.GroupBy(p => p).Sum(g => Choose2(g.Count()));
        var rows = pairs.GroupBy(p => p.Item1).Sum(g => Choose2(g.Count()));
        var cols = pairs.GroupBy(p => p.Item2).Sum(g => Choose2(g.Count()));
        var expected = rows * cols / Choose2(n);
        var max = (rows + cols) / 2;
        return max == expected ? 1 : (joint - expected) / (max - expected);
    }
}

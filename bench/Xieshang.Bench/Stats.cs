using System.Globalization;

namespace Xieshang.Bench;

/// <summary>Percentiles (nearest rank) and small formatting helpers.</summary>
public static class Stats
{
    /// <summary>The nearest-rank percentile <paramref name="p"/> (0–100) of <paramref name="sorted"/> (ascending).</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0) return double.NaN;
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    /// <summary>The median (mean of the two middle values for an even count).</summary>
    public static double Median(IEnumerable<double> values)
    {
        var s = values.Order().ToArray();
        if (s.Length == 0) return double.NaN;
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    /// <summary>Invariant-culture number with <paramref name="decimals"/> decimals.</summary>
    public static string F(double value, int decimals = 1) => value.ToString("F" + decimals, CultureInfo.InvariantCulture);

    /// <summary>Invariant-culture integer with thousands separators.</summary>
    public static string N(double value) => value.ToString("N0", CultureInfo.InvariantCulture);
}

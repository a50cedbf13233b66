using Xieshang.Web.Features.Committees;

namespace Xieshang.Web.Features.Studios;

/// <summary>A township-level unit (乡、镇、街道): 9-digit code, name, and the 6-digit code of its county-level division.</summary>
public sealed record Township(string Code, string Name, string AreaCode);

/// <summary>
/// The township-level units of Guizhou (1,510 rows of the statistics bureau's 2023 list, <c>Data/Reference/streets-guizhou.csv</c>,
/// see its SOURCE.md), read once per process (a singleton; nothing is seeded into the database). Lookups by code and by
/// county; <see cref="InArea"/> says whether a township lies inside a committee's division.
/// </summary>
public sealed class Townships
{
    private readonly Dictionary<string, Township> _byCode;
    private readonly ILookup<string, Township> _byArea;

    /// <summary>Every township in file order (by code).</summary>
    public IReadOnlyList<Township> All { get; }

    /// <summary>Builds the lookups from <paramref name="rows"/>.</summary>
    public Townships(IEnumerable<Township> rows)
    {
        All = rows.OrderBy(t => t.Code, StringComparer.Ordinal).ToList();
        _byCode = All.ToDictionary(t => t.Code, StringComparer.Ordinal);
        _byArea = All.ToLookup(t => t.AreaCode, StringComparer.Ordinal);
    }

    /// <summary>Reads <c>code,name,areaCode,…</c> rows (header first; names may be quoted) from <paramref name="path"/>.</summary>
    public static Townships Load(string path)
    {
        var rows = new List<Township>();
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            if (line.Length == 0) continue;
            var parts = line.Split(',');
            if (parts.Length < 3) throw new InvalidDataException($"{path}: bad row “{line}”");
            rows.Add(new Township(parts[0].Trim(), parts[1].Trim().Trim('"'), parts[2].Trim()));
        }
        return new Townships(rows);
    }

    /// <summary>The township with <paramref name="code"/>, or null.</summary>
    public Township? Find(string? code) => code is { Length: > 0 } && _byCode.TryGetValue(code.Trim(), out var t) ? t : null;

    /// <summary>The townships of the county-level division <paramref name="areaCode"/> (6 digits), by code.</summary>
    public IEnumerable<Township> InCounty(string areaCode) => _byArea[areaCode];

    /// <summary>
    /// True when <paramref name="t"/> lies inside the division of a committee of <paramref name="level"/> with
    /// <paramref name="code"/>: a county's own townships; a city's counties' townships (same first 4 digits); a province's
    /// (same first 2); the National Committee's all.
    /// </summary>
    public static bool InArea(Township t, CommitteeLevel level, string code) => level switch
    {
        CommitteeLevel.County => t.AreaCode == code,
        CommitteeLevel.City => code.Length >= 4 && t.AreaCode.StartsWith(code[..4], StringComparison.Ordinal),
        CommitteeLevel.Province => code.Length >= 2 && t.AreaCode.StartsWith(code[..2], StringComparison.Ordinal),
        _ => true,
    };

    /// <summary>The townships inside a committee's division, by code.</summary>
    public IEnumerable<Township> InCommitteeArea(CommitteeLevel level, string code) => All.Where(t => InArea(t, level, code));
}

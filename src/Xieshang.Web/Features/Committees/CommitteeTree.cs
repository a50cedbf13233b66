using System.Globalization;
using System.Text;

namespace Xieshang.Web.Features.Committees;

/// <summary>One row of the committee tree as built from the division lists.</summary>
public sealed record CommitteeSeed(string Code, string Name, CommitteeLevel Level, string? ParentCode, string Path);

/// <summary>
/// Builds the committee tree (about 3,300 committees) from the statistics bureau's division lists in
/// <c>Data/Reference/</c>: the National Committee <c>CN</c>, one committee per province (<c>xx0000</c>),
/// city (<c>xxxx00</c>) and county-level division (6 digits). Placeholder city rows (<c>市辖区</c>, <c>县</c>,
/// <c>省直辖县级行政区划</c>, <c>自治区直辖县级行政区划</c>) are not committees: their counties hang under the
/// province, as do the districts of the four municipalities (11, 12, 31, 50). A county row that repeats its
/// city (cities without counties, e.g. 东莞市 441900) is the city committee itself and is skipped.
/// </summary>
public static class CommitteeTree
{
    private static readonly HashSet<string> PlaceholderCities = ["市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"];

    /// <summary>Committee display name for a division name: <c>六盘水市</c> → <c>六盘水市政协</c>.</summary>
    public static string CommitteeName(string divisionName) => divisionName + "政协";

    /// <summary>Reads the three CSV files under <paramref name="folder"/> and returns the tree, parents before children.</summary>
    /// <exception cref="InvalidDataException">A file is missing or a row is malformed.</exception>
    public static IReadOnlyList<CommitteeSeed> Load(string folder)
    {
        var result = new List<CommitteeSeed> { new("CN", "全国政协", CommitteeLevel.National, null, "/CN/") };
        var provincePath = new Dictionary<string, string>();
        foreach (var r in Rows(Path.Combine(folder, "provinces.csv"), 2))
        {
            var code = r[0] + "0000";
            var path = $"/CN/{code}/";
            provincePath[r[0]] = path;
            result.Add(new(code, CommitteeName(r[1]), CommitteeLevel.Province, "CN", path));
        }
        var cityPath = new Dictionary<string, string>();
        var cityName = new Dictionary<string, string>();
        foreach (var r in Rows(Path.Combine(folder, "cities.csv"), 3))
        {
            if (PlaceholderCities.Contains(r[1])) continue;
            var code = r[0] + "00";
            var path = $"{provincePath[r[2]]}{code}/";
            cityPath[r[0]] = path;
            cityName[r[0]] = r[1];
            result.Add(new(code, CommitteeName(r[1]), CommitteeLevel.City, r[2] + "0000", path));
        }
        foreach (var r in Rows(Path.Combine(folder, "areas.csv"), 4))
        {
            var (code, name, city, province) = (r[0], r[1], r[2], r[3]);
            if (cityName.TryGetValue(city, out var cn) && (cn == name || code == city + "00")) continue;
            var parentPath = cityPath.GetValueOrDefault(city) ?? provincePath[province];
            var parentCode = cityPath.ContainsKey(city) ? city + "00" : province + "0000";
            result.Add(new(code, CommitteeName(name), CommitteeLevel.County, parentCode, $"{parentPath}{code}/"));
        }
        return result;
    }

    private static IEnumerable<string[]> Rows(string file, int columns)
    {
        if (!File.Exists(file)) throw new InvalidDataException($"Reference file missing: {file}");
        var line = 0;
        foreach (var raw in File.ReadLines(file, Encoding.UTF8))
        {
            line++;
            if (line == 1 || raw.Length == 0) continue;
            var cells = raw.Split(',').Select(c => c.Trim().Trim('"')).ToArray();
            if (cells.Length != columns || cells.Any(c => c.Length == 0))
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(file)} line {line}: expected {columns} columns"));
            yield return cells;
        }
    }
}

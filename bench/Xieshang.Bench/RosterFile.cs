using System.Globalization;
using MiniExcelLibs;
using Xieshang.Web.Features.Committees;
using Xieshang.Web.Features.Demo;
using Xieshang.Web.Features.Members;

namespace Xieshang.Bench;

/// <summary>
/// Realistic roster workbooks (.xlsx, MiniExcel) as a committee office would upload them: the headers 序号, 姓名, 性别,
/// 民族, 出生年月, 党派, 界别, 职务, 届次, 工作单位及职务, 手机号码, 电子邮箱; names, ethnic groups, parties and positions from
/// <see cref="MemberGenerator"/> over the demo sector list; parties in their roster short form (中共, 民盟 …), birth
/// months as text (<c>1968.05</c>), terms as <c>第十届</c>, phones unique 11-digit mobiles. Every row is a different
/// person (name + birth month unique, phone unique), so a first import creates every row.
/// </summary>
public static class RosterFile
{
    public static readonly string[] Headers = ["序号", "姓名", "性别", "民族", "出生年月", "党派", "界别", "职务", "届次", "工作单位及职务", "手机号码", "电子邮箱"];

    private static readonly string[] OtherUnits =
    [
        "市发展和改革委员会主任", "县人民医院院长", "县第二中学副校长", "市农业科学研究所研究员", "某建筑集团有限公司总经理",
        "县民族宗教事务局局长", "市妇联副主席", "县科协主席", "某律师事务所合伙人", "县融媒体中心主任",
    ];

    /// <summary>One roster: the rows of a first import.</summary>
    /// <param name="rows">How many members.</param>
    /// <param name="seed">Generator seed (the same seed gives the same people).</param>
    /// <param name="term">The committee's term number (届次).</param>
    /// <param name="emailTag">Distinguishes e-mail addresses of different rosters.</param>
    /// <param name="avoidDemoOf">A demo committee's code: people and phones of the members the demo seeded there are left out,
    /// so no row matches an existing member.</param>
    public static List<Dictionary<string, object>> Rows(int rows, int seed, int term, string emailTag, string? avoidDemoOf = null)
    {
        var sectors = DemoSectors();
        var committee = new Committee { Id = 1, Code = "000000", Name = "bench", Path = "/bench/" };
        var ethnic = ReferenceData.EthnicGroups.ToDictionary(e => e.Code, e => e.Name);
        var party = ReferenceData.Parties.ToDictionary(p => p.Code, p => p.Short);
        var generator = new MemberGenerator(seed);
        var people = new HashSet<(string, DateOnly?)>();
        var phones = new HashSet<string>();
        var now = DateTimeOffset.UtcNow;
        if (avoidDemoOf is not null && DemoSeeder.Committees.FirstOrDefault(c => c.Code == avoidDemoOf) is { Code: not null } demo)
        {
            // DemoSeeder draws these with the same generator, seed (the code) and sector count: the same people.
            foreach (var m in new MemberGenerator(int.Parse(demo.Code, CultureInfo.InvariantCulture)).Members(committee, sectors, demo.Members, 10, now))
            {
                people.Add((m.Name, m.BirthMonth));
                phones.Add(m.Phone);
            }
        }
        var result = new List<Dictionary<string, object>>(rows);
        while (result.Count < rows)
        {
            foreach (var m in generator.Members(committee, sectors, rows, term, now))
            {
                if (result.Count == rows) break;
                if (!people.Add((m.Name, m.BirthMonth)) || !phones.Add(m.Phone)) continue;
                var i = result.Count + 1;
                result.Add(new Dictionary<string, object>
                {
                    ["序号"] = i,
                    ["姓名"] = m.Name,
                    ["性别"] = m.Gender == Gender.Male ? "男" : "女",
                    ["民族"] = ethnic[m.EthnicGroupCode],
                    ["出生年月"] = m.BirthMonth is { } b ? b.ToString("yyyy.MM", CultureInfo.InvariantCulture) : "",
                    ["党派"] = party[m.PartyCode],
                    ["界别"] = sectors.First(s => s.Id == m.SectorId).Name,
                    ["职务"] = MemberRules.PositionWord(m.Position),
                    ["届次"] = $"第{ChineseNumber(term)}届",
                    ["工作单位及职务"] = m.WorkUnit,
                    ["手机号码"] = m.Phone,
                    ["电子邮箱"] = m.Email.Length == 0 ? "" : $"{emailTag}{i:D5}@example.cn",
                });
            }
        }
        return result;
    }

    private static List<Sector> DemoSectors() =>
        ReferenceData.DemoSectors.Select((n, i) => new Sector { Id = i + 1, CommitteeId = 1, Name = n, SortOrder = i + 1 }).ToList();

    /// <summary>
    /// The same people with changed details, as a corrected roster re-uploaded later: every row gets another
    /// 工作单位及职务, so a re-import updates every member rather than finding nothing to change.
    /// </summary>
    public static List<Dictionary<string, object>> Changed(List<Dictionary<string, object>> rows) =>
        rows.Select((r, i) => new Dictionary<string, object>(r) { ["工作单位及职务"] = OtherUnits[i % OtherUnits.Length] }).ToList();

    /// <summary>The rows as an .xlsx workbook (one sheet, headers on the first row).</summary>
    public static byte[] ToXlsx(List<Dictionary<string, object>> rows)
    {
        using var ms = new MemoryStream();
        ms.SaveAs(rows, sheetName: "委员名单");
        return ms.ToArray();
    }

    private static string ChineseNumber(int n)
    {
        const string digits = "零一二三四五六七八九";
        return n switch
        {
            < 10 => digits[n].ToString(),
            10 => "十",
            < 20 => "十" + digits[n - 10],
            _ => digits[n / 10] + "十" + (n % 10 == 0 ? "" : digits[n % 10].ToString()),
        };
    }
}

using System.Globalization;
using MiniExcelLibs;
using Xieshang.Web.Features.Committees;
using Xieshang.Web.Features.Demo;
using Xieshang.Web.Features.Members;

namespace Xieshang.Tests.Deployment;

/// <summary>
/// A roster workbook (.xlsx) as a committee office uploads it, built like the bench's <c>RosterFile</c>: the standard
/// headers, people from <see cref="MemberGenerator"/> over the demo sector list, each row a different person (name and
/// birth month unique, phone unique) who is not among the demo members of <c>avoidDemoOf</c>, so that every row is created.
/// </summary>
public static class RosterWorkbook
{
    /// <summary>The workbook's bytes: <paramref name="rows"/> new members, term <paramref name="term"/>.</summary>
    public static byte[] Build(int rows, int seed, int term, string avoidDemoOf)
    {
        var sectors = ReferenceData.DemoSectors.Select((n, i) => new Sector { Id = i + 1, CommitteeId = 1, Name = n, SortOrder = i + 1 }).ToList();
        var committee = new Committee { Id = 1, Code = "000000", Name = "faults", Path = "/faults/" };
        var ethnic = ReferenceData.EthnicGroups.ToDictionary(e => e.Code, e => e.Name);
        var party = ReferenceData.Parties.ToDictionary(p => p.Code, p => p.Short);
        var people = new HashSet<(string, DateOnly?)>();
        var phones = new HashSet<string>();
        var now = DateTimeOffset.UtcNow;
        var demo = DemoSeeder.Committees.First(c => c.Code == avoidDemoOf);
        foreach (var m in new MemberGenerator(int.Parse(demo.Code, CultureInfo.InvariantCulture)).Members(committee, sectors, demo.Members, 10, now))
        {
            people.Add((m.Name, m.BirthMonth));
            phones.Add(m.Phone);
        }
        var generator = new MemberGenerator(seed);
        var result = new List<Dictionary<string, object>>(rows);
        while (result.Count < rows)
            foreach (var m in generator.Members(committee, sectors, rows, term, now))
            {
                if (result.Count == rows) break;
                if (!people.Add((m.Name, m.BirthMonth)) || !phones.Add(m.Phone)) continue;
                result.Add(new Dictionary<string, object>
                {
                    ["序号"] = result.Count + 1,
                    ["姓名"] = m.Name,
                    ["性别"] = m.Gender == Gender.Male ? "男" : "女",
                    ["民族"] = ethnic[m.EthnicGroupCode],
                    ["出生年月"] = m.BirthMonth is { } b ? b.ToString("yyyy.MM", CultureInfo.InvariantCulture) : "",
                    ["党派"] = party[m.PartyCode],
                    ["界别"] = sectors.First(s => s.Id == m.SectorId).Name,
                    ["职务"] = MemberRules.PositionWord(m.Position),
                    ["届次"] = "第十届",
                    ["工作单位及职务"] = m.WorkUnit,
                    ["手机号码"] = m.Phone,
                    ["电子邮箱"] = "",
                });
            }
        using var ms = new MemoryStream();
        ms.SaveAs(result, sheetName: "委员名单");
        return ms.ToArray();
    }
}

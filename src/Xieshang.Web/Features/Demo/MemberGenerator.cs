using Xieshang.Web.Features.Committees;
using Xieshang.Web.Features.Members;

namespace Xieshang.Web.Features.Demo;

/// <summary>
/// Generates fake but realistic members (names, sectors, parties, ethnic groups, positions, ages) for
/// the demo committees and for benchmarks. Deterministic for a given seed. Names are invented from
/// common surnames and given-name characters; a few carry <c>·</c> or a character beyond the BMP.
/// </summary>
public sealed class MemberGenerator(int seed)
{
    private readonly Random _rng = new(seed);

    private static readonly string[] Surnames =
    [
        "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗",
        "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "蒋", "蔡", "余",
        "杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "姚", "卢", "龙", "石", "韦", "罗", "杨", "安", "禄", "班", "欧阳",
    ];
    private static readonly string[] GivenChars =
    [
        "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀", "霞", "平",
        "刚", "桂", "英", "华", "建", "国", "文", "红", "玉", "兰", "志", "海", "燕", "林", "波", "宇", "鹏", "晓", "春", "云",
        "德", "永", "家", "荣", "兴", "贵", "黔", "山", "川", "梅", "婷", "欣", "怡", "琳", "然", "浩", "博", "睿", "彬", "𬌗",
    ];
    private static readonly string[] MinorityNames = ["阿依古丽·买买提", "帕尔哈提·艾力", "热依拉·吐尔逊", "古丽娜·阿不都"];
    private static readonly (string Code, int Weight)[] Ethnic =
        [("01", 58), ("06", 10), ("09", 10), ("07", 8), ("03", 3), ("37", 3), ("12", 2), ("14", 2), ("25", 2), ("15", 2)];
    private static readonly string[] Units =
    [
        "市人民医院副院长", "市第一中学校长", "六盘水师范学院教授", "盘州市农业农村局副局长", "贵州某能源集团董事长",
        "钟山区某律师事务所主任", "市科技局高级工程师", "水城区某合作社理事长", "市文联副主席", "市工商联副主席",
        "六枝特区人民医院主任医师", "市社科联研究员", "某村党支部书记", "某民营企业总经理", "市教育局教研员",
    ];

    /// <summary>Draws a name: mostly surname + one or two given characters.</summary>
    public string Name()
    {
        if (_rng.Next(200) == 0) return MinorityNames[_rng.Next(MinorityNames.Length)];
        var s = Surnames[_rng.Next(Surnames.Length)];
        var g = GivenChars[_rng.Next(GivenChars.Length - (_rng.Next(50) == 0 ? 0 : 1))];
        return _rng.Next(3) == 0 ? s + g : s + g + GivenChars[_rng.Next(GivenChars.Length - 1)];
    }

    /// <summary>
    /// Creates <paramref name="count"/> members of <paramref name="committee"/>, spread over <paramref name="sectors"/>.
    /// Positions follow a real committee's shape: one chairperson, a few vice-chairpersons, a secretary-general,
    /// about a fifth standing-committee members. Party follows the sector for party sectors.
    /// </summary>
    public List<Member> Members(Committee committee, IReadOnlyList<Sector> sectors, int count, int term, DateTimeOffset now)
    {
        var list = new List<Member>(count);
        var phones = new HashSet<string>();
        for (var i = 0; i < count; i++)
        {
            var sector = sectors[_rng.Next(sectors.Count)];
            var position = i switch
            {
                0 => Position.Chairperson,
                < 5 => Position.ViceChairperson,
                5 => Position.SecretaryGeneral,
                _ when _rng.Next(5) == 0 => Position.StandingMember,
                _ => Position.Member,
            };
            string phone;
            do phone = "1" + "3578"[_rng.Next(4)] + _rng.NextInt64(100_000_000, 999_999_999).ToString();
            while (!phones.Add(phone));
            var m = new Member
            {
                CommitteeId = committee.Id,
                CommitteePath = committee.Path,
                Gender = _rng.Next(100) < 62 ? Gender.Male : Gender.Female,
                EthnicGroupCode = Pick(Ethnic),
                BirthMonth = new DateOnly(1958 + _rng.Next(37), 1 + _rng.Next(12), 1),
                PartyCode = PartyFor(sector.Name),
                SectorId = sector.Id,
                Position = position,
                Term = term,
                WorkUnit = Units[_rng.Next(Units.Length)],
                Phone = phone,
                Email = _rng.Next(3) == 0 ? "" : $"m{committee.Code}{i:D4}@example.cn",
                IsActive = _rng.Next(40) != 0,
                CreatedAt = now,
                UpdatedAt = now,
            };
            m.SetName(Name());
            list.Add(m);
        }
        return list;
    }

    private string PartyFor(string sector) => sector switch
    {
        "中国共产党" => "CPC",
        "中国国民党革命委员会" => "RCCK",
        "中国民主同盟" => "CDL",
        "中国民主建国会" => "CNDCA",
        "中国民主促进会" => "CAPD",
        "中国农工民主党" => "CPWDP",
        "中国致公党" => "CZGP",
        "九三学社" => "JS",
        "台湾民主自治同盟" => "TDSGL",
        "无党派人士" => "NP",
        _ => _rng.Next(10) switch { < 5 => "CPC", < 7 => "MASSES", 7 => "NP", 8 => "CDL", _ => "JS" },
    };

    private string Pick((string Code, int Weight)[] items)
    {
        var n = _rng.Next(items.Sum(x => x.Weight));
        foreach (var (code, w) in items)
        {
            if (n < w) return code;
            n -= w;
        }
        return items[0].Code;
    }
}

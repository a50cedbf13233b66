namespace Xieshang.Web.Features.Committees;

/// <summary>
/// Reference lists the product ships (DOMAIN.md §2). Committee divisions come from
/// <c>Data/Reference/*.csv</c> (statistics bureau 2023 list, see its SOURCE.md); the rest is here.
/// </summary>
public static class ReferenceData
{
    /// <summary>The 34 sectors of the 14th National Committee (2023), in official order.</summary>
    public static readonly string[] NationalSectors =
    [
        "中国共产党", "中国国民党革命委员会", "中国民主同盟", "中国民主建国会", "中国民主促进会", "中国农工民主党",
        "中国致公党", "九三学社", "台湾民主自治同盟", "无党派人士", "中国共产主义青年团和中华全国青年联合会",
        "中华全国总工会", "中华全国妇女联合会", "中华全国工商业联合会", "中国科学技术协会", "中华全国台湾同胞联谊会",
        "中华全国归国华侨联合会", "文化艺术界", "科学技术界", "社会科学界", "经济界", "农业界", "环境资源界", "教育界",
        "体育界", "新闻出版界", "医药卫生界", "对外友好界", "社会福利和社会保障界", "少数民族界", "宗教界",
        "特邀香港人士", "特邀澳门人士", "特别邀请人士",
    ];

    /// <summary>Sectors seeded for a local committee: the national list without the Hong Kong and Macao invitees.</summary>
    public static readonly string[] LocalSectors = NationalSectors.Where(s => s is not ("特邀香港人士" or "特邀澳门人士")).ToArray();

    /// <summary>The sector list of the demo committees (Liupanshui and its county-level committees).</summary>
    public static readonly string[] DemoSectors =
    [
        "中国共产党", "中国国民党革命委员会", "中国民主同盟", "中国民主建国会", "中国民主促进会", "中国农工民主党",
        "九三学社", "无党派人士", "中国共产主义青年团和中华全国青年联合会", "中华全国总工会", "中华全国妇女联合会",
        "中华全国工商业联合会", "经济界", "教育界", "医药卫生界", "农业界", "科学技术界", "文化艺术界", "少数民族界",
        "社会科学界", "宗教界", "社会福利和社会保障界", "特别邀请人士",
    ];

    /// <summary>Special committees of the Liupanshui city committee (六盘水市政协).</summary>
    public static readonly string[] LiupanshuiSpecialCommittees =
    [
        "提案委员会", "经济委员会", "农业和农村委员会", "人口资源环境委员会", "文化文史和学习委员会",
        "社会和法制委员会", "民族宗教委员会", "界别和委员联络委员会",
    ];

    /// <summary>The 56 ethnic groups of GB/T 3304-1991: (numeric code, letter code, name).</summary>
    public static readonly (string Code, string Letters, string Name)[] EthnicGroups =
    [
        ("01", "HA", "汉族"), ("02", "MG", "蒙古族"), ("03", "HU", "回族"), ("04", "ZA", "藏族"), ("05", "UG", "维吾尔族"),
        ("06", "MH", "苗族"), ("07", "YI", "彝族"), ("08", "ZH", "壮族"), ("09", "BY", "布依族"), ("10", "CS", "朝鲜族"),
        ("11", "MA", "满族"), ("12", "DO", "侗族"), ("13", "YA", "瑶族"), ("14", "BA", "白族"), ("15", "TJ", "土家族"),
        ("16", "HN", "哈尼族"), ("17", "KZ", "哈萨克族"), ("18", "DA", "傣族"), ("19", "LI", "黎族"), ("20", "LS", "傈僳族"),
        ("21", "VA", "佤族"), ("22", "SH", "畲族"), ("23", "GS", "高山族"), ("24", "LH", "拉祜族"), ("25", "SU", "水族"),
        ("26", "DX", "东乡族"), ("27", "NX", "纳西族"), ("28", "JP", "景颇族"), ("29", "KG", "柯尔克孜族"), ("30", "TU", "土族"),
        ("31", "DU", "达斡尔族"), ("32", "ML", "仫佬族"), ("33", "QI", "羌族"), ("34", "BL", "布朗族"), ("35", "SL", "撒拉族"),
        ("36", "MN", "毛南族"), ("37", "GL", "仡佬族"), ("38", "XB", "锡伯族"), ("39", "AC", "阿昌族"), ("40", "PM", "普米族"),
        ("41", "TA", "塔吉克族"), ("42", "NU", "怒族"), ("43", "UZ", "乌孜别克族"), ("44", "RS", "俄罗斯族"), ("45", "EW", "鄂温克族"),
        ("46", "DE", "德昂族"), ("47", "BN", "保安族"), ("48", "YG", "裕固族"), ("49", "GI", "京族"), ("50", "TT", "塔塔尔族"),
        ("51", "DR", "独龙族"), ("52", "OR", "鄂伦春族"), ("53", "HZ", "赫哲族"), ("54", "MB", "门巴族"), ("55", "LB", "珞巴族"),
        ("56", "JN", "基诺族"),
    ];

    /// <summary>Political affiliations: (code, full name, roster short form, extra spellings accepted on import).</summary>
    public static readonly (string Code, string Name, string Short, string[] Aliases)[] Parties =
    [
        ("CPC", "中国共产党", "中共", ["中共党员", "共产党员", "中国共产党党员", "党员"]),
        ("RCCK", "中国国民党革命委员会", "民革", ["民革党员", "民革会员"]),
        ("CDL", "中国民主同盟", "民盟", ["民盟盟员"]),
        ("CNDCA", "中国民主建国会", "民建", ["民建会员"]),
        ("CAPD", "中国民主促进会", "民进", ["民进会员"]),
        ("CPWDP", "中国农工民主党", "农工党", ["农工", "农工党党员"]),
        ("CZGP", "中国致公党", "致公党", ["致公", "致公党党员"]),
        ("JS", "九三学社", "九三学社", ["九三", "九三学社社员"]),
        ("TDSGL", "台湾民主自治同盟", "台盟", ["台盟盟员"]),
        ("NP", "无党派人士", "无党派", ["无党派民主人士"]),
        ("MASSES", "群众", "群众", []),
    ];
}

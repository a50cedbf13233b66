using System.Text;
using Xieshang.Web.Features.Proposals;

namespace Xieshang.Bench;

/// <summary>
/// Realistic Chinese proposals, fast: a title from a place and a topic's title stems, a body of 4–7 sentences drawn from
/// the topic's pool and a generic pool. Every distinct piece (title stem, place, sentence) is segmented ONCE with the
/// app's <see cref="ProposalSearch.BuildSearchText"/>; a proposal's search text is the concatenation of its pieces' words
/// (punctuation separates the pieces, so jieba would cut the whole the same way).
/// </summary>
public sealed class SyntheticProposals
{
    private sealed record Piece(string Text, string Words);

    private static readonly string[] Places = ["六盘水市", "钟山区", "水城区", "盘州市", "六枝特区", "贵阳市", "遵义市", "安顺市", "毕节市", "铜仁市", "黔东南州", "黔南州", "黔西南州", "我市", "全省", "山区", "城区", "乡镇"];

    private static readonly (string[] Titles, string[] Sentences)[] Topics =
    [
        (["加快推进乡村振兴产业发展", "巩固拓展脱贫攻坚成果同乡村振兴有效衔接"], ["部分村集体经济薄弱，缺少稳定收入来源。", "特色农产品品牌影响力不足，销售渠道单一。", "建议培育刺梨、茶叶、猕猴桃等特色产业龙头企业。", "完善农产品冷链物流体系，发展农村电商。", "加大对返乡创业青年的金融支持力度。", "健全防止返贫动态监测和帮扶机制。"]),
        (["促进义务教育优质均衡发展", "加强乡村教师队伍建设"], ["城乡之间办学条件差距依然明显。", "乡村学校教师流失严重，结构性缺编突出。", "建议提高乡村教师生活补助标准，改善周转宿舍条件。", "推进县域内校长教师交流轮岗。", "加快智慧校园建设，共享优质数字教育资源。", "落实“双减”政策，规范校外培训机构。"]),
        (["提升基层医疗卫生服务能力", "推进紧密型县域医共体建设"], ["乡镇卫生院设备老化，专业技术人员不足。", "群众看病仍需往返县城，负担较重。", "建议推进远程医疗会诊覆盖所有乡镇卫生院。", "完善家庭医生签约服务考核激励机制。", "加强村医队伍建设，落实养老保障待遇。", "提高医保报销比例，减轻慢性病患者负担。"]),
        (["完善农村养老服务体系", "积极应对人口老龄化"], ["农村留守老人数量多，养老服务供给不足。", "敬老院床位空置与需求不匹配并存。", "建议发展互助养老和居家社区养老服务。", "推进医养结合，支持社会力量兴办养老机构。", "加强养老护理员培训，提高待遇水平。", "建设适老化改造示范项目。"]),
        (["保障农村饮水安全", "加强城乡供水一体化建设"], ["部分村组供水设施老化，枯水期供水不稳定。", "喀斯特地貌地区水源工程性缺水问题突出。", "建议加快供水管网改造，建设小型水窖和提灌站。", "建立农村供水工程运行维护经费保障机制。", "加强饮用水水源地保护和水质监测。", "推进城乡供水同网同质同价。"]),
        (["加强生态环境保护", "推进长江珠江上游生态屏障建设"], ["部分河段存在生活污水直排现象。", "石漠化治理任务依然艰巨。", "建议加快乡镇污水处理设施建设并保障运行。", "推进历史遗留矿山生态修复。", "完善生态补偿机制，调动群众保护积极性。", "加强秸秆综合利用和农村垃圾分类。"]),
        (["改善城市交通出行条件", "缓解中心城区停车难问题"], ["老城区道路狭窄，早晚高峰拥堵严重。", "公共停车位缺口大，占道停车现象普遍。", "建议规划建设立体停车场，推行错时共享停车。", "优化公交线网，增加学校医院周边公交班次。", "完善慢行交通系统建设。", "加强智慧交通信号控制。"]),
        (["推动文旅产业高质量发展", "打造“中国凉都”旅游品牌"], ["旅游景区同质化，游客停留时间短。", "旅游配套设施和服务水平有待提升。", "建议整合避暑、康养、冰雪等资源，开发精品线路。", "加强民族文化和非物质文化遗产保护传承。", "完善景区交通和住宿配套设施。", "培养懂经营会管理的旅游人才。"]),
        (["优化营商环境", "支持民营经济和中小微企业发展"], ["部分审批事项环节多、时限长。", "中小微企业融资难、融资贵问题依然存在。", "建议深化“一网通办”，推行承诺制审批。", "建立健全政府采购和招投标公平竞争机制。", "加大对中小微企业的减税降费和贷款贴息支持。", "依法保护民营企业产权和企业家权益。"]),
        (["促进高校毕业生和农民工就业", "加强职业技能培训"], ["结构性就业矛盾突出，技能型人才短缺。", "农民工欠薪问题时有发生。", "建议围绕主导产业开展订单式职业技能培训。", "搭建线上线下结合的就业服务平台。", "落实根治欠薪长效机制。", "支持灵活就业人员参加社会保险。"]),
        (["加强食品药品安全监管", "规范校园食品安全管理"], ["小作坊小摊贩监管难度大。", "部分学校食堂管理制度落实不到位。", "建议推行“明厨亮灶”和食品安全追溯体系。", "加强基层市场监管执法力量。", "开展食品安全宣传进社区、进校园活动。", "严厉打击制售假冒伪劣食品违法行为。"]),
        (["推进数字经济发展", "加快新型基础设施建设"], ["农村地区网络覆盖和信号质量有待提升。", "数据资源共享开放程度不高。", "建议加快5G基站和千兆光网建设。", "推动大数据与实体经济深度融合。", "加强数字技能培训，弥合数字鸿沟。", "完善政务数据共享交换机制。"]),
        (["加强煤矿安全生产", "推动煤炭产业转型升级"], ["部分煤矿机械化、智能化水平较低。", "安全生产主体责任落实不到位。", "建议加快煤矿智能化改造。", "推进煤炭清洁高效利用和煤电一体化。", "加强矿山安全监管队伍建设。", "做好资源枯竭地区接续产业培育。"]),
        (["保障性住房建设和老旧小区改造"], ["老旧小区基础设施陈旧，缺少电梯和停车位。", "保障性租赁住房供给不足。", "建议统筹推进老旧小区改造和完整社区建设。", "探索居民出资、政府补助、社会参与的改造模式。", "加强物业管理和小区治理。", "加大新市民、青年人住房保障力度。"]),
        (["加强未成年人保护", "关爱农村留守儿童"], ["农村留守儿童心理健康问题值得关注。", "校园欺凌事件时有发生。", "建议配齐中小学心理健康教师。", "发挥儿童之家和社工服务站作用。", "加强家庭教育指导服务。", "完善未成年人网络保护机制。"]),
        (["推进民族团结进步创建", "保护传承少数民族优秀传统文化"], ["部分民族传统技艺后继乏人。", "民族村寨保护与开发矛盾突出。", "建议建设民族文化传习所，培养传承人。", "推动民族手工艺品产业化发展。", "加强民族特色村寨保护。", "讲好各民族交往交流交融故事。"]),
    ];

    private static readonly string[] Generic =
    [
        "近年来，在各级党委政府的高度重视下，相关工作取得了明显成效。", "但从调研情况看，仍然存在一些短板和不足。",
        "为此提出以下建议。", "一是加强统筹协调，明确部门职责分工。", "二是加大资金投入，拓宽多元投入渠道。",
        "三是强化督促检查，确保各项措施落到实处。", "建议相关部门加强调查研究，出台具体实施办法。", "希望有关部门予以重视并推动解决。",
    ];

    private readonly Piece[] _places;
    private readonly (Piece[] Titles, Piece[] Sentences)[] _topics;
    private readonly Piece[] _generic;

    /// <summary>Segments every piece once (about a second with the dictionary load).</summary>
    public SyntheticProposals()
    {
        static Piece P(string s) => new(s, ProposalSearch.BuildSearchText(s, "", []));
        _places = Places.Select(P).ToArray();
        _topics = Topics.Select(t => (t.Titles.Select(P).ToArray(), t.Sentences.Select(P).ToArray())).ToArray();
        _generic = Generic.Select(P).ToArray();
    }

    /// <summary>Number of topics (proposals of one topic are the "same matter").</summary>
    public int TopicCount => _topics.Length;

    /// <summary>A proposal of a random topic (or of <paramref name="topic"/>): title, body HTML, search text.</summary>
    public (string Title, string Body, string SearchText, int Topic) Next(Random r, int? topic = null)
    {
        var t = topic ?? r.Next(_topics.Length);
        var (titles, sentences) = _topics[t];
        var place = _places[r.Next(_places.Length)];
        var stem = titles[r.Next(titles.Length)];
        var title = $"关于{place.Text}{stem.Text}的建议";
        var words = new StringBuilder(place.Words).Append(' ').Append(stem.Words);
        var body = new StringBuilder("<p>");
        void Add(Piece p)
        {
            body.Append(p.Text);
            if (p.Words.Length > 0) words.Append(' ').Append(p.Words);
        }
        Add(_generic[r.Next(2)]);
        Add(_generic[1]);
        var n = 3 + r.Next(4);
        foreach (var i in Enumerable.Range(0, sentences.Length).OrderBy(_ => r.Next()).Take(n)) Add(sentences[i]);
        body.Append("</p><p>");
        Add(_generic[2]);
        Add(_generic[3 + r.Next(5)]);
        body.Append("</p>");
        return (title, body.ToString(), words.ToString(), t);
    }

    /// <summary>Words for queries: one or two topic words, a place with a topic word, and a rare word.</summary>
    public static readonly string[] Queries =
    [
        "乡村振兴", "义务教育", "乡村教师", "医共体", "养老服务", "饮水安全", "供水管网", "生态修复", "停车难", "公交", "旅游品牌", "营商环境",
        "职业技能培训", "食品安全", "5G基站", "煤矿智能化", "老旧小区改造", "留守儿童", "民族文化", "刺梨 龙头企业", "乡村振兴 电商",
        "钟山区 停车场", "水窖 提灌站", "心理健康 教师", "非物质文化遗产", "冷链物流", "承诺制审批", "秸秆综合利用",
    ];
}

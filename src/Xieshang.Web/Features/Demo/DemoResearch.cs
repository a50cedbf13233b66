using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Features.Activities;
using Xieshang.Web.Features.Outcomes;
using Xieshang.Web.Features.Research;
using Xieshang.Web.Infrastructure;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Demo;

/// <summary>The demo's accounts as the rules see them (<see cref="CurrentUser"/>), read from the user table.</summary>
internal static class DemoAccounts
{
    /// <summary>
    /// The account <paramref name="userName"/> with <paramref name="role"/>; when it does not exist (a county leader the demo
    /// has no account for) an account-less user of committee <paramref name="code"/> shown as <paramref name="display"/>.
    /// </summary>
    public static async Task<CurrentUser> AsAsync(AppDbContext db, string userName, string role, string code, string display, CancellationToken ct)
    {
        var c = await db.Committees.AsNoTracking().Where(x => x.Code == code).Select(x => new { x.Id, x.Code, x.Path }).FirstAsync(ct);
        var u = await db.Users.AsNoTracking().Where(x => x.UserName == userName).Select(x => new { x.Id, x.DisplayName, x.MemberId }).FirstOrDefaultAsync(ct);
        return new CurrentUser(userName, new HashSet<string> { role }, c.Id, c.Code, c.Path, u?.MemberId)
        {
            UserId = u?.Id ?? "", DisplayName = u?.DisplayName is { Length: > 0 } name ? name : display,
        };
    }

    /// <summary>Member <paramref name="memberId"/> acting in person, as their account when they have one.</summary>
    public static async Task<CurrentUser> MemberAsync(AppDbContext db, int memberId, CancellationToken ct)
    {
        var m = await db.Members.AsNoTracking().Where(x => x.Id == memberId).Select(x => new { x.Name, x.CommitteeId, x.CommitteePath, x.Committee!.Code }).FirstAsync(ct);
        var u = await db.Users.AsNoTracking().Where(x => x.MemberId == memberId).Select(x => new { x.Id, x.UserName }).FirstOrDefaultAsync(ct);
        return new CurrentUser(u?.UserName ?? $"demo.member.{memberId}", new HashSet<string> { Roles.Member }, m.CommitteeId, m.Code, m.CommitteePath, memberId)
        {
            UserId = u?.Id ?? "", DisplayName = m.Name,
        };
    }

    /// <summary>The inbox notices and mails written after <paramref name="firstNotice"/> / <paramref name="firstMail"/> and dated
    /// more than 12 hours before <paramref name="now"/>: the simulated past's notices are not news to anyone.</summary>
    public static async Task ForgetPastNoticesAsync(AppDbContext db, long firstNotice, long firstMail, DateTimeOffset now, CancellationToken ct)
    {
        var cutoff = now.AddHours(-12);
        await db.Notifications.Where(n => n.Id > firstNotice && n.CreatedAt < cutoff).ExecuteDeleteAsync(ct);
        await db.OutboxMails.Where(m => m.Id > firstMail && m.CreatedAt < cutoff).ExecuteDeleteAsync(ct);
    }

    /// <summary>The highest notice and mail ids so far (0 when none).</summary>
    public static async Task<(long Notice, long Mail)> MarksAsync(AppDbContext db, CancellationToken ct) =>
        (await db.Notifications.MaxAsync(n => (long?)n.Id, ct) ?? 0, await db.OutboxMails.MaxAsync(m => (long?)m.Id, ct) ?? 0);
}

/// <summary>
/// The demo's research and inspection work (issue 6 §1–3) for 六盘水 (520200) and its districts, written through the
/// research slice's own rules (<see cref="ResearchRules"/>, <see cref="JointResearchRules"/>, <see cref="TopicRules"/>) and the
/// outcome rules (<see cref="OutcomeRules"/>) on a <see cref="SimulatedClock"/>, so every date is relative to the first start
/// and every timeline is in date order:
/// <list type="bullet">
/// <item>调研 「城市更新和老旧小区改造」 (city with 钟山区) in field work: a team with leader, author (<c>member.520200</c>) and
/// members, a visit three weeks ago with attendance confirmed and a meeting in six days (published, the team notified);</item>
/// <item>视察 「城乡客运一体化和“四好农村路”」: report approved and sent to 市人民政府; its outcome adopted, with a vice mayor's
/// instruction, three milestones and progress reported by 市交通运输局 at 55 %;</item>
/// <item>调研 「发展壮大村级集体经济」: report sent a week ago (outcome pending), with a proposal draft (in the author
/// <c>member.520200.2</c>'s drafts) and a public-opinion draft made from it (WorkLinks research → item);</item>
/// <item>three earlier reports whose outcomes are implemented (100 %), stalled (last progress about a hundred days ago) and
/// not adopted;</item>
/// <item>同题调研 「推进县域医疗卫生次中心建设」: 钟山区 and 水城区 joined with sub-projects (钟山区's report approved and shared,
/// 水城区's in draft), 六枝特区 and 盘州市 invited and not yet answered;</item>
/// <item>领题调研: three topics from the Party committee's and government's key tasks, one claimed by the 农业界 sector, one by the
/// member <c>member.520200.3</c>, one open.</item>
/// </list>
/// Notices of the simulated past are removed (those of the coming meeting stay). Does nothing when the city already has a
/// research project.
/// </summary>
public static class DemoResearch
{
    private sealed record Report(string Title, string Body, string Findings, string Suggestions);

    /// <summary>Seeds the research work described on the class (a few hundred queries; no transaction of its own, since the
    /// research rules open theirs).</summary>
    public static async Task SeedAsync(AppDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var city = await db.Committees.AsNoTracking().FirstAsync(c => c.Code == "520200", ct);
        if (await db.ResearchProjects.AnyAsync(p => p.CommitteePath.StartsWith(city.Path), ct)) return;
        var real = clock.GetUtcNow();
        var today = ChinaTime.DayOf(real);
        var time = new SimulatedClock(real);
        var (firstNotice, firstMail) = await DemoAccounts.MarksAsync(db, ct);
        void Day(int days, int hour = 10) => time.Now = days == 0 ? real : ChinaTime.StartOf(today.AddDays(days)).AddHours(hour);
        DateTimeOffset At(int days, int hour) => ChinaTime.StartOf(today.AddDays(days)).AddHours(hour);

        var staff = await DemoAccounts.AsAsync(db, "staff.520200", Roles.Staff, "520200", "六盘水市政协办公室", ct);
        var leader = await DemoAccounts.AsAsync(db, "leader.520200", Roles.Leader, "520200", "六盘水市政协秘书长", ct);
        var zsStaff = await DemoAccounts.AsAsync(db, "staff.520201", Roles.Staff, "520201", "钟山区政协办公室", ct);
        var zsLeader = await DemoAccounts.AsAsync(db, "leader.520201", Roles.Leader, "520201", "钟山区政协秘书长", ct);
        var scStaff = await DemoAccounts.AsAsync(db, "staff.520204", Roles.Staff, "520204", "水城区政协办公室", ct);
        var scLeader = await DemoAccounts.AsAsync(db, "leader.520204", Roles.Leader, "520204", "水城区政协秘书长", ct);
        var transport = await db.HandlingUnits.AsNoTracking().FirstOrDefaultAsync(u => u.Code == "520200.transport", ct);
        var agri = await db.HandlingUnits.AsNoTracking().FirstOrDefaultAsync(u => u.Code == "520200.agri", ct);

        // Members: the city's own (the consultation demo uses the first sixteen), and each district's.
        var pool = await db.Members.AsNoTracking().Where(m => m.IsActive && m.Position == Members.Position.Member && m.CommitteePath.StartsWith(city.Path))
            .OrderBy(m => m.Id).Select(m => new { m.Id, m.CommitteeId, m.SectorId }).ToListAsync(ct);
        var committeeIds = await db.Committees.AsNoTracking().Where(c => DemoSeeder.Committees.Select(x => x.Code).Contains(c.Code)).ToDictionaryAsync(c => c.Code, c => c.Id, ct);
        int[] Of(string code, int skip, int take) => pool.Where(m => m.CommitteeId == committeeIds[code]).Skip(skip).Take(take).Select(m => m.Id).ToArray();
        async Task<int> AccountMember(string userName, int fallback) =>
            await db.Users.Where(u => u.UserName == userName).Select(u => u.MemberId).FirstOrDefaultAsync(ct) ?? fallback;
        var cityMembers = Of("520200", 20, 40);
        var own = await AccountMember("member.520200", cityMembers[0]);
        var second = await AccountMember("member.520200.2", cityMembers[1]);
        var third = await AccountMember("member.520200.3", cityMembers[2]);
        var free = cityMembers.Where(id => id != own && id != second && id != third).ToArray();

        // ── helpers: each step through the rules, at its simulated day ──
        async Task<ResearchProject> Load(int id) => (await ResearchRules.LoadAsync(db, id, ct))!;
        async Task<int> Create(int day, string title, string kind, string[] organizers, int leaderId, int authorId, int[] memberIds, string[] staffNames,
            string background, int startsIn, int endsIn)
        {
            Day(day, 9);
            var (p, error, errors) = await ResearchRules.CreateAsync(db, new ResearchInput(title, kind, organizers, leaderId, memberIds, authorId, background, staffNames,
                today.AddDays(startsIn), today.AddDays(endsIn)), staff, time, ct);
            Check(error?.Message, errors);
            return p!.Id;
        }
        async Task Plan(int id, string plan, int submitted, int approved, CurrentUser office, CurrentUser approver)
        {
            Day(submitted, 10);
            Check((await ResearchRules.PlanActAsync(db, await Load(id), "submit", plan, null, office, time, ct))?.Message);
            Day(approved, 16);
            Check((await ResearchRules.PlanActAsync(db, await Load(id), "approve", null, "同意按方案开展。", approver, time, ct))?.Message);
        }
        async Task<int> Trip(int id, int published, string kind, string title, DateTimeOffset starts, int hours, string place, string note, CurrentUser office)
        {
            Day(published, 11);
            var (fw, error, errors) = await ResearchRules.AddFieldWorkAsync(db, await Load(id),
                new ResearchRules.FieldWorkInput(kind, title, starts, starts.AddHours(hours), place, note), office, time, ct);
            Check(error?.Message, errors);
            return fw!.ActivityId;
        }
        async Task Attend(int activityId, int confirmed, Func<int, int, string> role)
        {
            Day(confirmed, 17);
            var a = await db.Activities.FirstAsync(x => x.Id == activityId, ct);
            var invited = await db.Invitations.Where(i => i.ActivityId == activityId).OrderBy(i => i.MemberId).Select(i => i.MemberId).ToListAsync(ct);
            Check((await ActivityRules.ConfirmAttendanceAsync(db, a, invited.Select((m, n) => (m, (string?)role(n, invited.Count))).ToList(), time, ct))?.Message);
        }
        async Task Write(int id, int day, Report r, CurrentUser by)
        {
            Day(day, 15);
            var (error, errors) = await ResearchRules.SaveReportAsync(db, await Load(id), new ResearchRules.ReportInput(r.Title, r.Body, r.Findings, r.Suggestions), by, time, ct);
            Check(error?.Message, errors);
        }
        async Task Step(int id, int day, string action, CurrentUser by, string? note = null, string? sentTo = null)
        {
            Day(day, action == "approve" ? 16 : 10);
            Check((await ResearchRules.ReportActAsync(db, await Load(id), action, note, sentTo, by, time, ct))?.Message);
        }
        async Task Finish(int id, int written, Report r, string sentTo)
        {
            // Written, submitted the next day, approved two days later, sent the day after: the report workflow as the office runs it.
            await Write(id, written, r, staff);
            await Step(id, written + 1, "submit", staff);
            await Step(id, written + 3, "approve", leader);
            await Step(id, written + 4, "send", staff, sentTo: sentTo);
        }
        async Task<Outcome> OutcomeOf(int id) =>
            await db.Outcomes.FirstAsync(o => o.SourceType == WorkItemType.Research && o.SourceId == id && o.Kind == OutcomeKind.ResearchReport, ct);
        async Task Adopt(int id, int day, string status, string body, string note)
        {
            Day(day, 11);
            Check((await OutcomeRules.SetAdoptionAsync(db, await OutcomeOf(id), new OutcomeAdoptionInput(status, body, today.AddDays(day), note), staff, time, ct))?.Message);
        }
        async Task Progress(int id, int day, int percent, string note, CurrentUser by, string? evidence = null)
        {
            Day(day, 15);
            var (_, error) = await OutcomeRules.ReportProgressAsync(db, await OutcomeOf(id), new OutcomeProgressInput(percent, note, today.AddDays(day), evidence), [], by, time, ct);
            Check(error?.Message);
        }
        async Task Milestone(int id, int day, string title, int due, int? done, string note = "")
        {
            Day(day, 11);
            Check((await OutcomeRules.SaveMilestoneAsync(db, await OutcomeOf(id), null,
                new OutcomeMilestoneInput(title, today.AddDays(due), done is { } d ? today.AddDays(d) : null, note), staff, time, ct))?.Message);
        }
        async Task Responsible(int id, Proposals.HandlingUnit? unit)
        {
            // No outcome rule assigns the responsible department of a report yet: set as the adoption would record it.
            if (unit is null) return;
            var o = await OutcomeOf(id);
            o.ResponsibleUnitId = unit.Id;
            await db.SaveChangesAsync(ct);
        }
        CurrentUser UnitUser(Proposals.HandlingUnit u) => new("unit." + u.Code, new HashSet<string> { Roles.HandlingUnit }, null, null, null, null)
            { HandlingUnitId = u.Id, DisplayName = u.Name };
        string Present(int n, int count) => n == 0 ? "speaker" : n == count - 1 && count > 4 ? "excused" : "present";

        // ── 1. 调研 in field work: a visit three weeks ago (attendance confirmed), a meeting in six days ──
        var renewal = await Create(-36, "关于推进中心城区城市更新和老旧小区改造的调研", "research", ["520200", "520201"], free[0], own,
            [free[1], free[2], free[3], .. Of("520201", 5, 1)], ["市政协城建委 张磊", "钟山区政协办 杨帆"],
            "中心城区 2000 年以前建成的老旧小区有 300 余个，普遍存在管网老化、停车难、无障碍设施缺失等问题。市委将城市更新列为今年重点工作，市政协联合钟山区政协开展专题调研，为改造资金筹措、居民参与和长效管理建言。",
            -30, 25);
        await Plan(renewal,
            "一、调研内容：老旧小区改造进展、资金筹措、群众参与和改造后管理。\n二、调研方式：实地走访荷城、黄土坡、凤凰街道的 6 个小区；召开部门座谈会；向居民发放问卷 500 份。\n三、时间安排：第一阶段实地走访，第二阶段部门座谈，月底前形成调研报告。",
            -34, -33, staff, leader);
        var visit = await Trip(renewal, -28, "visit", "调研走访：荷城街道、黄土坡街道老旧小区", At(-21, 9), 4, "钟山区荷城街道水钢片区",
            "走访水钢片区、黄土坡二中片区等 6 个老旧小区，查看管网改造、加装电梯和停车设施，听取社区和居民意见。", staff);
        await Attend(visit, -21, Present);
        await Trip(renewal, 0, "meeting", "调研座谈：城市更新资金筹措和长效管理", At(6, 14), 3, "市政协三楼会议室",
            "邀请市住房城乡建设局、市财政局、钟山区住建局和 3 家物业企业座谈。", staff);

        // ── 2. 视察 sent to 市人民政府: adopted, instruction, milestones, progress by 市交通运输局 ──
        var roads = await Create(-80, "视察全市城乡客运一体化和“四好农村路”建设工作", "inspection", ["520200"], free[4], free[5], [free[6], free[7], free[8]],
            ["市政协经济委 刘洋"],
            "按照年度协商计划，市政协组织部分委员视察全市城乡客运一体化和“四好农村路”建设，重点了解农村客运班线通达、道路养护和安全设施情况。",
            -70, -50);
        await Plan(roads,
            "视察水城区、盘州市 2 个县（区）的 4 个乡镇，查看农村客运招呼站、通组路养护和临水临崖路段安全防护设施，听取市交通运输局情况通报。",
            -77, -75, staff, leader);
        var roadsTrip = await Trip(roads, -70, "visit", "视察：水城区、盘州市农村公路和客运站点", At(-62, 8), 9, "水城区玉舍镇、盘州市保田镇",
            "查看玉舍镇客运招呼站、保田镇通组路养护和临崖路段防护栏建设。", staff);
        await Attend(roadsTrip, -62, Present);
        await Finish(roads, -55, new Report("关于全市城乡客运一体化和“四好农村路”建设工作的视察报告",
            "<p>按照年度协商计划，市政协组织部分委员对全市城乡客运一体化和“四好农村路”建设工作进行了视察。现将有关情况报告如下。</p>"
            + "<h3>一、基本情况</h3><p>全市农村公路总里程超过 1.5 万公里，建制村通客车率保持 100%，“组组通”硬化路实现全覆盖。</p>"
            + "<h3>二、存在的问题</h3><p>部分农村客运班线客流少、亏损大，停运后群众出行不便；通组路养护资金不足，雨季塌方多；临水临崖路段防护设施仍有缺口。</p>"
            + "<h3>三、意见建议</h3><p>推行“客运+物流+邮政”融合发展，稳定农村客运班线；建立县乡村三级养护责任制，落实养护资金；三年内完成临水临崖路段安全防护设施建设。</p>",
            "部分农村客运班线客流少、亏损大，停运后群众出行不便；通组路养护资金不足，雨季塌方多；临水临崖路段防护设施仍有缺口。",
            "推行“客运+物流+邮政”融合发展，稳定农村客运班线；建立县乡村三级养护责任制，落实养护资金；三年内完成临水临崖路段安全防护设施建设。"), "六盘水市人民政府");
        await Adopt(roads, -45, "adopted", "六盘水市人民政府", "视察报告所提建议纳入全市交通运输年度重点工作。");
        await Responsible(roads, transport);
        Day(-43, 10);
        Check((await OutcomeRules.AddInstructionAsync(db, await OutcomeOf(roads), new OutcomeInstructionInput("分管副市长", "city",
            "视察报告反映的问题很实在，请市交通运输局牵头，会同市财政局逐条研究，明确责任和时限，落实情况报市政府并反馈市政协。", today.AddDays(-43)), staff, time, ct))?.Message);
        await Milestone(roads, -42, "完成 120 公里临水临崖路段防护栏建设", 60, null, "已完成 68 公里。");
        await Milestone(roads, -42, "建立县乡村三级农村公路养护责任制", 90, null);
        await Milestone(roads, -24, "出台农村客运“客货邮”融合发展实施方案", -20, -24, "市交通运输局已印发。");
        var roadsUnit = transport is null ? staff : UnitUser(transport);
        await Progress(roads, -30, 25, "“客货邮”融合实施方案已印发，首批 6 条线路开通。", roadsUnit, "首批 6 条“客货邮”融合线路开通。");
        await Progress(roads, -6, 55, "临水临崖路段防护栏已完成 68 公里，养护责任制方案已征求各县（区）意见。", roadsUnit,
            "首批 6 条“客货邮”融合线路开通；临水临崖路段防护栏完成 68 公里。");

        // ── 3. 调研 sent a week ago (pending), with a proposal draft and a public-opinion draft made from it ──
        var villages = await Create(-60, "关于发展壮大村级集体经济的调研", "research", ["520200"], free[9], second, [free[10], free[11]], ["市政协农业农村委 陈静"],
            "全市仍有部分村集体经济收入低于 10 万元，增收渠道单一。市政协农业和农村委员会组织委员调研，为发展壮大村级集体经济建言。",
            -55, -15);
        await Plan(villages, "走访六枝特区、水城区 8 个村，座谈村“两委”和合作社负责人，分析集体经济收入结构。", -58, -57, staff, leader);
        await Finish(villages, -14, new Report("关于发展壮大村级集体经济的调研报告",
            "<p>调研组走访了 8 个村，召开座谈会 3 场。</p><h3>一、主要问题</h3><p>集体经济收入来源单一，过度依赖资产租赁；经营管理人才缺乏；部分村资金闲置。</p>"
            + "<h3>二、意见建议</h3><p>推广“村社合一”模式，盘活闲置资产；选派懂经营的干部驻村；建立收益分配和风险防控机制。</p>",
            "集体经济收入来源单一，过度依赖资产租赁；经营管理人才缺乏；部分村集体资金闲置。",
            "推广“村社合一”模式，盘活闲置资产；选派懂经营的干部驻村；建立收益分配和风险防控机制。"), "中共六盘水市委、六盘水市人民政府");
        foreach (var (kind, title) in new[] { ("proposal", "关于发展壮大村级集体经济的提案"), ("opinion", "关于村级集体经济增收渠道单一的情况反映") })
        {
            Day(-6, kind == "proposal" ? 10 : 11);
            var (_, _, error, errors) = await ResearchRules.AddOutputAsync(db, await Load(villages), new ResearchRules.OutputInput(kind, title, null, null), staff, time, ct);
            Check(error?.Message, errors);
        }

        // ── 4.–6. Earlier reports: implemented, stalled, not adopted ──
        var kiwi = await Create(-215, "关于推动六盘水猕猴桃产业提质增效的调研", "research", ["520200"], free[12], free[13], [free[14], free[15]], ["市政协经济委 刘洋"],
            "六盘水是全国重要的红心猕猴桃产区，但产地冷链和品牌建设滞后，市政协组织委员调研产业链短板。", -210, -195);
        await Plan(kiwi, "走访水城区米箩镇、六枝特区郎岱镇猕猴桃基地和加工企业，座谈种植大户。", -213, -212, staff, leader);
        await Finish(kiwi, -193, new Report("关于推动六盘水猕猴桃产业提质增效的调研报告",
            "<p>调研组走访了 5 个猕猴桃基地和 2 家加工企业。</p><h3>一、主要问题</h3><p>产地冷库不足，集中上市期价格被压低；品牌杂、标准不一。</p><h3>二、意见建议</h3><p>在主产乡镇建设产地冷库；统一“凉都弥你红”区域公用品牌标准。</p>",
            "产地冷库不足，集中上市期价格被压低；品牌杂、标准不一。", "在主产乡镇建设产地冷库；统一“凉都弥你红”区域公用品牌标准。"), "六盘水市人民政府");
        await Adopt(kiwi, -180, "adopted", "六盘水市人民政府", "建设产地冷库列入市级农业产业化项目。");
        await Responsible(kiwi, agri);
        var kiwiUnit = agri is null ? staff : UnitUser(agri);
        await Progress(kiwi, -150, 40, "米箩镇、郎岱镇 2 座产地冷库开工建设。", kiwiUnit);
        await Progress(kiwi, -95, 80, "2 座冷库建成，区域公用品牌标准已发布。", kiwiUnit);
        await Progress(kiwi, -40, 100, "冷库投入使用，当季猕猴桃错峰销售，收购价较上年提高约一成。", kiwiUnit,
            "米箩镇、郎岱镇 2 座产地冷库投入使用，总库容 1.2 万吨；“凉都弥你红”品牌标准发布。");

        var parking = await Create(-160, "关于破解中心城区停车难问题的调研", "research", ["520200"], free[16], free[17], [free[18]], ["市政协社会和法制委 吴敏"],
            "中心城区机动车保有量快速增长，停车泊位缺口大，医院、学校周边停车难问题突出。", -155, -140);
        await Plan(parking, "走访市人民医院、明湖片区等停车矛盾突出区域，座谈公安交管、住建和城管部门。", -158, -157, staff, leader);
        await Finish(parking, -138, new Report("关于破解中心城区停车难问题的调研报告",
            "<p>调研组实地查看 9 处停车矛盾突出区域。</p><h3>一、主要问题</h3><p>公共停车泊位缺口约 2 万个；机关事业单位停车场未错时开放。</p><h3>二、意见建议</h3><p>利用边角地建设立体停车场；推动机关事业单位停车场夜间和节假日向社会开放。</p>",
            "公共停车泊位缺口约 2 万个；机关事业单位停车场未错时开放。", "利用边角地建设立体停车场；推动机关事业单位停车场夜间和节假日向社会开放。"), "六盘水市人民政府");
        await Adopt(parking, -125, "partly", "六盘水市人民政府", "错时开放停车场已采纳；立体停车场建设待资金落实。");
        await Progress(parking, -100, 20, "首批 12 家机关事业单位停车场错时开放；立体停车场选址尚未确定。", staff);

        var rail = await Create(-120, "关于筹建中心城区轨道交通的调研", "research", ["520200"], free[19], free[20], [free[21]], [],
            "部分委员建议规划建设中心城区轻轨，缓解钟山区与水城区之间的通勤压力。", -115, -100);
        await Plan(rail, "收集人口、客流和财力数据，赴外地学习中小城市轨道交通建设经验。", -118, -117, staff, leader);
        await Finish(rail, -98, new Report("关于筹建中心城区轨道交通的调研报告",
            "<p>调研组分析了中心城区人口和客流数据。</p><h3>一、主要问题</h3><p>钟山区与水城区之间通勤客流高峰集中，公交线路单一。</p><h3>二、意见建议</h3><p>启动中心城区轻轨线网规划研究。</p>",
            "钟山区与水城区之间通勤客流高峰集中，公交线路单一。", "启动中心城区轻轨线网规划研究。"), "六盘水市人民政府");
        await Adopt(rail, -70, "not-adopted", "六盘水市人民政府", "中心城区人口规模和财政承受能力暂不具备建设条件，建议纳入远期综合交通规划研究，近期优先开通城区快速公交。");

        // ── 7. 同题调研: 钟山区 and 水城区 joined, 六枝特区 and 盘州市 invited ──
        var health = await Create(-50, "推进县域医疗卫生次中心建设", "research", ["520200"], free[22], free[23], [free[24], free[25]], ["市政协教科卫体委 赵丽"],
            "省委、省政府部署建设县域医疗卫生次中心，推动优质医疗资源下沉。市政协开展同题调研，邀请各县（市、特区、区）政协同步调研本地次中心建设情况，市政协汇总形成综合报告。",
            -45, 30);
        await Plan(health, "市政协牵头制定调研提纲，各县级政协围绕次中心选址、人才、设备和医保支付开展调研，月底前报送子课题报告，市政协汇总形成综合报告。",
            -48, -47, staff, leader);
        Day(-46, 10);
        var (invited, invitationError) = await JointResearchRules.InviteAsync(db, await Load(health), new JointInviteInput(["520201", "520204", "520203", "520281"]), staff, time, ct);
        Check(invitationError?.Message);
        if (invited != 4) throw new InvalidOperationException($"Demo research: {invited} committees invited instead of 4.");
        async Task<int> Join(int day, CurrentUser by, string code, int leaderId, int authorId, int[] members)
        {
            Day(day, 10);
            var (sub, error, errors) = await JointResearchRules.AddSubProjectAsync(db, await Load(health), new SubProjectInput(code, leaderId, authorId, members), by, time, ct);
            Check(error?.Message, errors);
            return sub!.Id;
        }
        var zs = Of("520201", 10, 4);
        var zsSub = await Join(-44, zsStaff, "520201", zs[0], zs[1], [zs[2], zs[3]]);
        var sc = Of("520204", 10, 4);
        var scSub = await Join(-41, scStaff, "520204", sc[0], sc[1], [sc[2], sc[3]]);
        await Plan(zsSub, "走访大河镇、汪家寨镇卫生院，座谈区卫生健康局和医共体牵头医院，调查次中心人才和设备配置。", -42, -40, zsStaff, zsLeader);
        var zsTrip = await Trip(zsSub, -39, "visit", "同题调研走访：大河镇、汪家寨镇卫生院", At(-33, 9), 5, "钟山区大河镇卫生院",
            "查看次中心门诊、住院部和检验科，了解远程会诊和医共体帮扶情况。", zsStaff);
        await Attend(zsTrip, -33, Present);
        await Write(zsSub, -20, new Report("钟山区县域医疗卫生次中心建设情况调研报告",
            "<p>区政协调研组走访 2 个次中心建设单位，召开座谈会 1 场。</p><h3>一、主要问题</h3><p>次中心执业医师缺口较大，影像和检验设备使用率低；医共体牵头医院下沉专家多为短期轮换。</p>"
            + "<h3>二、意见建议</h3><p>实行“县管乡用”编制周转；专家下沉不少于半年；次中心检查结果在医共体内互认。</p>",
            "次中心执业医师缺口较大，影像和检验设备使用率低；医共体牵头医院下沉专家多为短期轮换。",
            "实行“县管乡用”编制周转；专家下沉不少于半年；次中心检查结果在医共体内互认。"), zsStaff);
        await Step(zsSub, -18, "submit", zsStaff);
        await Step(zsSub, -15, "approve", zsLeader);
        Day(-14, 10);
        Check((await JointResearchRules.ShareAsync(db, await Load(zsSub), zsStaff, time, ct))?.Message);
        await Plan(scSub, "调研发耳镇、玉舍镇次中心建设进度，走访村卫生室，听取群众就医意见。", -38, -36, scStaff, scLeader);
        await Write(scSub, -3, new Report("水城区县域医疗卫生次中心建设情况调研报告（初稿）",
            "<p>区政协调研组已走访发耳镇次中心，玉舍镇走访安排在下周。</p><h3>一、初步发现</h3><p>发耳镇次中心住院楼已封顶，设备招标尚未启动。</p>",
            "发耳镇次中心住院楼已封顶，设备招标尚未启动。", ""), scStaff);

        // ── 8. 领题调研: three topics; the 农业界 sector and a member claimed one each, the third is open ──
        Day(-45, 9);
        async Task<int> Topic(string title, string background, string source, int maxClaims, int deadline)
        {
            var (t, error, errors) = await TopicRules.PublishAsync(db, new ResearchTopicInput(title, background, today.AddDays(deadline), maxClaims, "520200", source), staff, time, ct);
            Check(error?.Message, errors);
            return t!.Id;
        }
        var rural = await Topic("巩固拓展脱贫攻坚成果同乡村振兴有效衔接",
            "守住不发生规模性返贫底线，重点关注易地扶贫搬迁后续扶持、防返贫动态监测和帮扶产业可持续发展。", "市委农村工作会议部署", 3, 30);
        var coal = await Topic("推动煤电产业转型升级、建设新型综合能源基地",
            "围绕煤矿智能化改造、煤电联营和新能源项目建设，研究传统产业转型中的用地、资金和职工安置问题。", "市委经济工作会议部署", 2, 30);
        await Topic("做强“中国凉都”山地旅游品牌",
            "围绕避暑康养、山地户外运动和乌蒙大草原、梅花山等景区提质，研究旅游淡季客源不足和配套设施短板。", "市政府工作报告", 2, 45);
        var agriSector = await db.Sectors.AsNoTracking().Where(s => s.CommitteeId == city.Id && s.Name == "农业界").Select(s => s.Id).FirstAsync(ct);
        var agriMembers = pool.Where(m => m.CommitteeId == city.Id && m.SectorId == agriSector && m.Id != own && m.Id != second && m.Id != third)
            .Select(m => m.Id).Take(2).ToList();
        if (agriMembers.Count < 2) agriMembers = [free[26], free[27]];
        Day(-38, 15);
        var (sectorProject, claimError, claimErrors) = await TopicRules.ClaimAsync(db, rural, new TopicClaimInput(SectorId: agriSector, LeaderId: agriMembers[0], AuthorId: agriMembers[1]), staff, time, ct);
        Check(claimError?.Message, claimErrors);
        await Plan(sectorProject!.Id, "农业界委员分三组走访易地扶贫搬迁安置点和帮扶产业基地，结合防返贫监测数据形成报告。", -35, -33, staff, leader);
        Day(-30, 20);
        var (memberProject, memberError, memberErrors) = await TopicRules.ClaimAsync(db, coal, new TopicClaimInput(), await DemoAccounts.MemberAsync(db, third, ct), time, ct);
        Check(memberError?.Message, memberErrors);
        _ = memberProject;

        await DemoAccounts.ForgetPastNoticesAsync(db, firstNotice, firstMail, real, ct);
        db.ChangeTracker.Clear();
    }

    private static void Check(string? error, Dictionary<string, string[]>? errors = null)
    {
        if (error is not null) throw new InvalidOperationException($"Demo research: {error}");
        if (errors is { Count: > 0 }) throw new InvalidOperationException($"Demo research: {string.Join("; ", errors.SelectMany(e => e.Value.Select(v => $"{e.Key}: {v}")))}");
    }
}

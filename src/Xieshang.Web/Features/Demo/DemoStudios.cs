using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Features.Activities;
using Xieshang.Web.Features.Studios;
using Xieshang.Web.Infrastructure;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Demo;

/// <summary>
/// The demo's members' studios (issue 6 §4): five published studios in real townships of the demo's counties
/// (<c>Data/Reference/streets-guizhou.csv</c>) — 荷城街道委员工作室 (钟山区), 农业界委员工作室 (水城区米箩镇), 医药卫生界委员工作室
/// (盘州市亦资街道), 郎岱镇委员工作室 (六枝特区) and 钟山经济开发区委员工作室 (钟山区德坞街道, a park studio) — each with members on
/// duty (the demo's member account of that county among them), a reception schedule and the studio's own phone, created
/// through <see cref="StudioRules.SaveAsync"/>; a reception day next week (published, members notified) and a free clinic
/// held twelve days ago (attendance confirmed) through <see cref="StudioRules.AddActivityAsync"/>; and citizens' messages:
/// new ones, answered ones with response times from a few hours to six days (<see cref="StudioRules.AnswerAsync"/> on a
/// <see cref="SimulatedClock"/>), one closed advertisement, one turned into a proposal draft by <c>member.520204</c> and one
/// into a public-opinion draft by 钟山区's staff (<see cref="StudioRules.ConvertAsync"/>, with their WorkLinks). The
/// messages themselves are written as the record the public form leaves (the form's challenge cannot be answered here):
/// tracking code, a keyed hash of a documentation address (198.51.100.0/24), a one-use nonce. Does nothing when the
/// demo's counties already have a studio.
/// </summary>
public static class DemoStudios
{
    private sealed record Message(string Name, string Phone, string Content, double DaysAgo, double? AnsweredAfterHours = null, string Answer = "",
        string? ConvertTo = null, bool Close = false);

    /// <summary>Seeds the studios described on the class; <paramref name="townships"/> is the Guizhou township list.</summary>
    public static async Task SeedAsync(AppDbContext db, Townships townships, TimeProvider clock, CancellationToken ct)
    {
        var city = await db.Committees.AsNoTracking().FirstAsync(c => c.Code == "520200", ct);
        if (await db.Studios.AnyAsync(s => s.CommitteePath.StartsWith(city.Path), ct)) return;
        var real = clock.GetUtcNow();
        var today = ChinaTime.DayOf(real);
        var time = new SimulatedClock(real);
        var (firstNotice, firstMail) = await DemoAccounts.MarksAsync(db, ct);

        var staff = await DemoAccounts.AsAsync(db, "staff.520200", Roles.Staff, "520200", "六盘水市政协办公室", ct);
        var zsStaff = await DemoAccounts.AsAsync(db, "staff.520201", Roles.Staff, "520201", "钟山区政协办公室", ct);
        var scStaff = await DemoAccounts.AsAsync(db, "staff.520204", Roles.Staff, "520204", "水城区政协办公室", ct);
        var committees = await db.Committees.AsNoTracking().Where(c => c.Path.StartsWith(city.Path) && c.Level == Committees.CommitteeLevel.County)
            .Select(c => new { c.Id, c.Code }).ToDictionaryAsync(c => c.Code, c => c.Id, ct);
        var pool = await db.Members.AsNoTracking().Where(m => m.IsActive && m.Position == Members.Position.Member && m.CommitteePath.StartsWith(city.Path))
            .OrderBy(m => m.Id).Select(m => new { m.Id, m.CommitteeId, m.SectorId, Sector = m.Sector!.Name }).ToListAsync(ct);
        var accounts = await db.Users.AsNoTracking().Where(u => u.UserName!.StartsWith("member.52020") || u.UserName!.StartsWith("member.52028"))
            .Where(u => u.MemberId != null).ToDictionaryAsync(u => u.UserName!, u => u.MemberId!.Value, ct);

        // On duty: the county's demo member account first, then members of the studio's sector (or of the county), from the 30th on
        // (the research demo takes the first ones); one more member not on duty.
        StudioMemberInput[] Team(string code, string? sector, string note)
        {
            var mine = pool.Where(m => m.CommitteeId == committees[code]).Skip(30).ToList();
            var picked = (sector is null ? mine : mine.Where(m => m.Sector == sector).Concat(mine)).Select(m => m.Id).Distinct().Take(4).ToList();
            if (accounts.TryGetValue($"member.{code}", out var own)) picked = [own, .. picked.Where(id => id != own).Take(3)];
            return picked.Select((id, i) => new StudioMemberInput(id, i < 3, i < 3 ? note : "联系委员，不参加值班")).ToArray();
        }
        async Task<Studio> Create(CurrentUser by, string name, string code, string? sector, string kind, string township, string address, string directions,
            string schedule, string contact, string note)
        {
            time.Now = real.AddDays(-120);
            var sectorId = sector is null ? (int?)null
                : await db.Sectors.AsNoTracking().Where(s => s.CommitteeId == committees[code] && s.Name == sector).Select(s => s.Id).FirstAsync(ct);
            var s = new Studio();
            var errors = await StudioRules.SaveAsync(db, townships, s, new StudioInput(name, code, sectorId, township, address, null, kind, directions, schedule,
                contact, true, Team(code, sector, note)), by, time, ct);
            if (errors.Count > 0) throw new InvalidOperationException($"Demo studio {name}: {string.Join("; ", errors.SelectMany(e => e.Value))}");
            return s;
        }

        var hecheng = await Create(zsStaff, "荷城街道委员工作室", "520201", null, "township", "520201014", "钟山区荷城街道钟山中路社区服务中心二楼",
            "乘 1 路、6 路公交车到钟山中路站下车，向北步行约 200 米，社区服务中心大门进入后上二楼，左手第一间。",
            "每周三上午 9:00—12:00", "0858-8221234", "每月第一、三个周三");
        var farming = await Create(scStaff, "农业界委员工作室", "520204", "农业界", "sector", "520204110", "水城区米箩镇俄戛村猕猴桃产业园管理用房一楼",
            "从水城城区沿 S212 省道往米箩方向约 40 分钟，见“俄戛猕猴桃产业园”牌子右转，管理用房在停车场旁。",
            "每月第一、三个周五全天（采摘季每周五）", "0858-8931066", "每月第一个周五");
        var clinic = await Create(staff, "医药卫生界委员工作室", "520281", "医药卫生界", "sector", "520281001", "盘州市亦资街道盘州市人民医院门诊楼一楼志愿服务站旁",
            "盘州市人民医院门诊楼正门进入，右手边志愿服务站旁的“委员工作室”。医院门口有 3 路、5 路公交站。",
            "每月 10 日、25 日上午（同时开展义诊）", "0858-3651120", "每月 10 日");
        var langdai = await Create(staff, "郎岱镇委员工作室", "520203", null, "township", "520203110", "六枝特区郎岱镇郎岱古镇便民服务中心三楼",
            "郎岱古镇东门进入，沿主街步行约 300 米到镇便民服务中心，乘电梯到三楼。",
            "每月逢 5 日、15 日赶场天上午", "0858-5621015", "赶场天上午");
        var park = await Create(zsStaff, "钟山经济开发区委员工作室", "520201", null, "park", "520201017", "钟山区德坞街道钟山经济开发区管委会一楼企业服务大厅",
            "开发区管委会一楼企业服务大厅，入口右侧第二个窗口旁。",
            "每周二下午 14:30—17:30", "0858-8360218", "每周二下午");

        // ── studio activities: a reception day next week (published), a free clinic twelve days ago (attendance confirmed) ──
        time.Now = real;
        var ahead = ((int)DayOfWeek.Wednesday - (int)today.DayOfWeek + 7) % 7;
        var wednesday = today.AddDays(ahead < 2 ? ahead + 7 : ahead); // the studio's reception day, at least two days ahead
        var reception = ChinaTime.StartOf(wednesday).AddHours(9);
        var (_, receptionErrors) = await StudioRules.AddActivityAsync(db, hecheng, new StudioActivityInput("reception", "荷城街道委员工作室接待日：老旧小区改造和加装电梯",
            reception, reception.AddHours(3), true), zsStaff, time, ct);
        Check(receptionErrors);
        time.Now = real.AddDays(-20);
        var clinicAt = ChinaTime.StartOf(today.AddDays(-12)).AddHours(9);
        var (clinicId, clinicErrors) = await StudioRules.AddActivityAsync(db, clinic, new StudioActivityInput("service", "医药卫生界委员义诊进社区",
            clinicAt, clinicAt.AddHours(3), true), staff, time, ct);
        Check(clinicErrors);
        time.Now = clinicAt.AddHours(5);
        var held = await db.Activities.FirstAsync(a => a.Id == clinicId, ct);
        var invited = await db.Invitations.Where(i => i.ActivityId == clinicId).OrderBy(i => i.MemberId).Select(i => i.MemberId).ToListAsync(ct);
        if (await ActivityRules.ConfirmAttendanceAsync(db, held, invited.Select((m, n) => (m, (string?)(n < invited.Count - 1 ? "present" : "excused"))).ToList(), time, ct) is { } ae)
            throw new InvalidOperationException($"Demo studios: {ae.Message}");

        // ── citizens' messages ──
        var messages = new (Studio Studio, Message Message)[]
        {
            (hecheng, new("张女士", "13908581234", "我家住在荷城街道凤池园小区，小区里的路灯坏了快一个月了，晚上老人孩子出门很不方便。物业说没有维修资金，社区让找物业，希望委员帮忙协调一下。", 0.4)),
            (hecheng, new("", "", "钟山中路菜市场门口每天早上 6 点到 9 点占道经营很严重，电动车、行人和摊位挤在一起，上学的孩子很危险，能不能规划一下临时摊位？", 9,
                3.5, "您好！您反映的情况我们已转给荷城街道办事处和区城市管理局。街道已在菜市场东侧空地划设早市临时摊位 40 个，下周一起引导摊贩入场，城管队员早高峰定点值守。感谢您的监督！")),
            (hecheng, new("李先生", "18985801166", "孩子明年上小学，我们是随迁子女，想问一下入学需要准备哪些材料，什么时候报名？", 15,
                46, "您好！随迁子女入学一般需准备户口簿、居住证（或居住登记证明）、父母一方的务工或经营证明。钟山区每年 6 月上旬在“钟山教育”公众号公布招生方案和报名时间，届时可网上报名。如有疑问可拨打区教育局招生咨询电话。")),
            (hecheng, new("王大爷", "", "我们是水钢片区的老住户，楼里住的多是老人，想加装电梯，但一楼住户不同意，协调了两年都没有结果。像我们这种情况，政府能不能出个办法？", 26,
                ConvertTo: "opinion")),
            (hecheng, new("", "15000000000", "专业办理各类贷款，低息快速放款，详情加微信。", 5, Close: true)),
            (farming, new("杨大哥", "13595871288", "我们村种猕猴桃的农户有 200 多户，但镇上没有冷库，每年 9 月集中上市时收购商把价格压得很低，好果子也只能贱卖。希望政府能在米箩建个产地冷库，再帮我们联系外面的销路。", 11,
                ConvertTo: "proposal")),
            (farming, new("", "", "今年刺梨收购价比去年低了不少，合作社说是加工企业压价，我们种植户不知道找谁反映。", 20,
                98, "您好！我们已向区农业农村局和刺梨产业专班反映。今年刺梨鲜果收购执行保护价，合作社收购价低于保护价的可拨打区农业农村局电话投诉。我们也将在下月的界别协商会上提出完善收购价格机制的建议。")),
            (farming, new("罗女士", "18286850233", "俄戛村到河边组的通组路有一段去年雨季塌方，现在只能走摩托车，运猕猴桃很困难，希望尽快修复。", 1.2)),
            (clinic, new("", "", "母亲患高血压和糖尿病，每个月都要到市里医院开药，来回一天。乡镇卫生院能不能开长期处方？", 18,
                20, "您好！按照慢性病长期处方管理规定，病情稳定的高血压、糖尿病患者可在乡镇卫生院开具最长 12 周的长期处方。请带上病历和医保卡到户籍所在地卫生院签约家庭医生后办理。")),
            (clinic, new("刘先生", "13765866501", "在外省打工，在当地住院能直接用医保报销吗？异地就医备案怎么办？", 30,
                140, "您好！参保人员可通过“国家医保服务平台”APP 或“贵州医保”小程序办理异地就医备案，备案后在当地定点医院住院可直接结算。我们已请市医保局工作人员在下次接待日现场讲解，欢迎您的家人来咨询。")),
            (clinic, new("", "", "医院门口早上挂号排队的人很多，老年人不会用手机预约，能不能保留人工窗口？", 2)),
            (langdai, new("", "13984501022", "郎岱古镇周末游客多，停车位太少，车都停在老街两边，消防车都进不去，建议在镇外修个停车场，用摆渡车接游客。", 7,
                22, "您好！镇政府已在古镇东门外规划临时停车场 1 处（约 200 个车位），节假日开通摆渡车。您的建议我们将在特区政协专题协商中进一步提出。")),
            (langdai, new("陈女士", "", "易地扶贫搬迁安置点的孩子放学后没人管，能不能在社区开个四点半课堂？", 0.8)),
            (park, new("", "", "园区企业招工难，尤其是焊工、电工等技术工人，希望开发区和职业院校合作开展订单培训。", 24,
                70, "您好！开发区已与六盘水职业技术学院对接，下月开设焊工、电工订单班，企业可到管委会企业服务大厅登记用工需求。")),
        };
        var converter = await DemoAccounts.MemberAsync(db, accounts.GetValueOrDefault("member.520204", farming.Members[0].MemberId), ct);
        var ip = 10;
        foreach (var (studio, m) in messages.OrderByDescending(x => x.Message.DaysAgo))
        {
            var created = real.AddDays(-m.DaysAgo);
            var message = new StudioMessage
            {
                StudioId = studio.Id, CommitteePath = studio.CommitteePath, TrackingCode = StudioGuard.NewTrackingCode(), Name = m.Name, Phone = m.Phone,
                Content = m.Content, Status = StudioMessageStatus.New, CreatedAt = created,
                ClientKey = StudioGuard.ClientKey("demo", $"198.51.100.{ip++}"), ChallengeNonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant(),
            };
            db.StudioMessages.Add(message);
            await db.SaveChangesAsync(ct);
            var onDuty = await db.StudioMembers.Where(x => x.StudioId == studio.Id && x.OnDuty).OrderBy(x => x.Id).Select(x => x.MemberId).FirstAsync(ct);
            if (m.AnsweredAfterHours is { } hours)
            {
                time.Now = created.AddHours(hours);
                if (await StudioRules.AnswerAsync(db, message.Id, m.Answer, await DemoAccounts.MemberAsync(db, onDuty, ct), time, ct) is { } e)
                    throw new InvalidOperationException($"Demo studio message: {e.Message}");
            }
            else if (m.ConvertTo is { } to)
            {
                time.Now = created.AddDays(2).AddHours(3);
                var (_, _, e) = await StudioRules.ConvertAsync(db, message.Id, to, null, to == "proposal" ? converter : zsStaff, time, ct);
                if (e is not null) throw new InvalidOperationException($"Demo studio message: {e.Message}");
            }
            else if (m.Close)
            {
                time.Now = created.AddHours(2);
                if (await StudioRules.CloseAsync(db, message.Id, zsStaff, time, ct) is { } e) throw new InvalidOperationException($"Demo studio message: {e.Message}");
            }
        }

        await DemoAccounts.ForgetPastNoticesAsync(db, firstNotice, firstMail, real, ct);
        db.ChangeTracker.Clear();
    }

    private static void Check(Dictionary<string, string[]> errors)
    {
        if (errors.Count > 0) throw new InvalidOperationException($"Demo studios: {string.Join("; ", errors.SelectMany(e => e.Value))}");
    }
}

using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Features.Consultations;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Deliberations;

/// <summary>
/// The demo's online deliberation: on the demo's 网络议政 consultation of 六盘水 (Features/Demo/DemoConsultations.cs,
/// 优化营商环境、促进民营经济发展), an open deliberation with 40 statements and synthetic votes of 150 participants who
/// form three groups (entrepreneurs for fewer approvals, those for firmer oversight, those worried about credit), plus
/// statements everyone shares — so the map page shows something on first start. Seeded by <see cref="DeliberationMapJob"/>
/// when it starts with <c>Bootstrap:Demo</c> and <c>Bootstrap:DemoProposals</c> on; skipped when the consultation is
/// missing or already has a deliberation. Deterministic (fixed random seed).
/// </summary>
public static class DemoDeliberation
{
    /// <summary>Statements and each group's chance to agree (entrepreneurs, oversight, credit).</summary>
    private static readonly (string Text, double A, double B, double C)[] Statements =
    [
        ("涉企审批事项应一律实行“一网通办”", .95, .85, .9),
        ("政府拖欠民营企业的账款应限期清偿", .95, .9, .95),
        ("涉企政策出台前应公开征求企业意见", .9, .85, .9),
        ("应设立全市统一的企业诉求响应热线并限时办结", .85, .85, .85),
        ("招投标中对民营企业的隐性门槛应彻底清理", .9, .8, .85),
        ("涉企检查应“双随机、一公开”，杜绝重复检查", .95, .6, .8),
        ("应把营商环境评价结果纳入部门年度考核", .8, .85, .8),
        ("为了招商可以放宽环保审批标准", .1, .05, .1),
        ("民营企业的问题主要靠企业自己解决，政府不必介入", .1, .1, .05),
        ("工程建设项目审批时限应压缩到 50 个工作日以内", .95, .35, .6),
        ("应推行企业投资项目“承诺制”，先建设后验收", .9, .2, .55),
        ("小微企业的行政事业性收费应全部免除", .9, .35, .7),
        ("应减少对企业的日常检查，把精力放在事后监管", .9, .2, .5),
        ("新办企业头三年应免于一般性行政检查", .85, .15, .5),
        ("应允许企业以告知承诺代替多数证明材料", .9, .3, .6),
        ("放宽市场准入的同时必须同步加强安全生产监管", .35, .95, .6),
        ("对恶意拖欠工资的企业应列入失信名单并公开曝光", .4, .95, .7),
        ("环保和安全标准不能因为稳增长而降低", .3, .95, .55),
        ("政府补贴应公开到每家企业、每笔资金", .45, .9, .6),
        ("应建立惠企政策绩效评估，无效补贴及时退出", .4, .9, .5),
        ("对违法违规企业的处罚力度应加大而不是减轻", .25, .9, .45),
        ("国有企业和民营企业应接受同样标准的监管", .6, .9, .6),
        ("应设立政府性融资担保基金，担保费率降到 1% 以下", .6, .45, .95),
        ("银行对民营企业的贷款审批应限时答复", .65, .5, .95),
        ("应扩大“贵州银行”等地方法人银行的首贷户规模", .55, .4, .9),
        ("应建立应急转贷资金池，解决企业续贷“过桥”难", .6, .45, .95),
        ("应推广知识产权、应收账款质押融资", .6, .5, .9),
        ("政府应对银行发放的小微企业贷款给予风险补偿", .55, .3, .9),
        ("融资难的根源在于企业自身信用不足", .3, .7, .15),
        ("应把企业纳税信用等级直接用于银行授信", .6, .5, .85),
        ("应对民营企业家依法保护人身和财产安全，慎用强制措施", .9, .6, .75),
        ("执法部门应公布行政裁量基准，防止“一刀切”", .85, .7, .75),
        ("应鼓励企业参与政府采购，预留份额给中小企业", .85, .55, .8),
        ("城区应划出专门的“夜间经济”经营区", .7, .4, .55),
        ("应在产业园区配建人才公寓，解决企业招工难", .8, .6, .75),
        ("对本地民营企业应在招标中给予价格优惠", .75, .2, .6),
        ("政务服务大厅应提供周末和延时服务", .8, .75, .8),
        ("应定期召开政企座谈会，由市领导当场协调问题", .85, .6, .85),
        ("营商环境问题主要是干部作风问题", .6, .7, .55),
        ("应把民营企业家参与涉企政策制定写入规章", .8, .5, .7),
    ];

    private const int ParticipantCount = 150;

    /// <summary>Seeds the demo deliberation once (see the class remarks). Returns its id, or null when nothing was done.</summary>
    public static async Task<int?> SeedAsync(AppDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var consultation = await db.Consultations.AsNoTracking()
            .Where(c => c.Type == ConsultationType.Online && c.Committee!.Code == "520200" && !db.Deliberations.Any(d => d.ConsultationId == c.Id))
            .OrderBy(c => c.Id).FirstOrDefaultAsync(ct);
        if (consultation is null) return null;
        var now = clock.GetUtcNow();
        var start = now.AddDays(-3);
        var d = new Deliberation
        {
            ConsultationId = consultation.Id, CommitteeId = consultation.CommitteeId, CommitteePath = consultation.CommitteePath,
            Question = "如何进一步优化六盘水的营商环境、促进民营经济发展？", Status = DeliberationStatus.Open, Visibility = DeliberationVisibility.PublicLink,
            AllowAnonymous = true, InviteToken = DeliberationRules.NewToken(), CreatedBy = "staff.520200", CreatedAt = start, UpdatedAt = start, OpenedAt = start,
        };
        db.Deliberations.Add(d);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            db.ChangeTracker.Clear();
            return null; // another instance seeded it
        }
        var statements = Statements.Select((s, i) => new DeliberationStatement
        {
            DeliberationId = d.Id, Text = s.Text, CreatedBy = "staff.520200", IsSeed = i < 12, Status = StatementStatus.Accepted,
            ModeratedBy = "staff.520200", ModeratedAt = start.AddMinutes(i), CreatedAt = start.AddMinutes(i),
        }).ToList();
        db.DeliberationStatements.AddRange(statements);
        db.DeliberationStatements.Add(new DeliberationStatement
        {
            DeliberationId = d.Id, Text = "加微信领取低息贷款名额", CreatedBy = "", Status = StatementStatus.Rejected, RejectReason = "广告信息",
            ModeratedBy = "staff.520200", ModeratedAt = start.AddHours(1), CreatedAt = start.AddHours(1),
        });
        var participants = Enumerable.Range(0, ParticipantCount).Select(i => new DeliberationParticipant
        {
            DeliberationId = d.Id, AnonymousKey = $"demo-{i:000}", DisplayName = null, CreatedAt = start.AddMinutes(10 + i),
        }).ToList();
        db.DeliberationParticipants.AddRange(participants);
        await db.SaveChangesAsync(ct);

        var random = new Random(520200);
        var votes = new List<DeliberationVote>();
        for (var i = 0; i < participants.Count; i++)
        {
            var group = i % 10 < 5 ? 0 : i % 10 < 8 ? 1 : 2; // 50 % entrepreneurs, 30 % oversight, 20 % credit
            for (var s = 0; s < statements.Count; s++)
            {
                if (random.NextDouble() > 0.75) continue; // not everyone sees every statement
                var (_, a, b, c) = Statements[s];
                var p = group switch { 0 => a, 1 => b, _ => c };
                var x = random.NextDouble();
                short v = x < p ? (short)1 : x < p + (1 - p) * 0.8 ? (short)-1 : (short)0;
                votes.Add(new DeliberationVote { DeliberationId = d.Id, ParticipantId = participants[i].Id, StatementId = statements[s].Id, Value = v, UpdatedAt = start.AddMinutes(10 + i).AddSeconds(s) });
            }
        }
        db.DeliberationVotes.AddRange(votes);
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        return d.Id;
    }
}

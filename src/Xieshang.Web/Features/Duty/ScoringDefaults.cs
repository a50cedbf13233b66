using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Duty;

/// <summary>One rule of the platform's default rule set.</summary>
public sealed record DefaultRule(string Code, DutyCategory Category, string Name, decimal Points, string Rationale);

/// <summary>
/// The default scoring rule set, seeded once with an empty committee path (it applies everywhere until a
/// committee sets its own value for a code). Values follow the published local rules quoted in DOMAIN.md §4.2
/// (100-point yearly scale; unexcused plenary absence −10 to −30; filed proposal +5 to +20; key proposal +5;
/// excellent proposal +10; opinion item adopted +5 / +20 upward; leader instruction +10 / +30), chosen so that
/// quality signals outweigh counts: being present earns little, being adopted, instructed or rated excellent
/// earns much, because real systems that reward counts get padded proposals and asleep-but-present members.
/// </summary>
public static class ScoringDefaults
{
    /// <summary>First day of the default rules.</summary>
    public static readonly DateOnly EffectiveFrom = new(2000, 1, 1);

    /// <summary>Every default rule, by code.</summary>
    public static readonly IReadOnlyList<DefaultRule> All =
    [
        // Attendance: counts, so modest.
        new("attend.plenary", DutyCategory.Attendance, "出席全体会议", 8, "全会是最重要的履职场合，但出席本身只是本分，分值有限。"),
        new("attend.standing", DutyCategory.Attendance, "出席常委会议", 4, "常委会议按次计分。"),
        new("attend.meeting", DutyCategory.Attendance, "出席主席会议等会议", 3, "按次计分。"),
        new("attend.activity", DutyCategory.Attendance, "参加协商、调研、视察活动", 3, "按次计分。"),
        new("attend.study", DutyCategory.Study, "参加学习培训、讲堂、读书活动", 2, "按次计分。"),
        new("attend.other", DutyCategory.Attendance, "参加文体、宣传、服务、志愿活动", 1, "按次计分，分值最低，防止以数量凑分。"),
        new("attend.nonvoting", DutyCategory.Attendance, "列席会议", 2, "列席低于出席。"),
        new("excused", DutyCategory.Attendance, "请假缺席", 0, "经批准请假不扣分，但记入档案。"),
        // Contributions: quality, so higher.
        new("speaker", DutyCategory.Speech, "大会发言、主讲", 8, "发言、主讲体现履职质量，高于出席。"),
        new("author", DutyCategory.Speech, "执笔调研报告、发言材料", 10, "执笔是实质性贡献。"),
        // Discipline.
        new("absent.plenary", DutyCategory.Discipline, "无故缺席全体会议", -20, "地方规则 −10 至 −30，取中间值；多次无故缺席全会列入劝辞名单。"),
        new("absent.standing", DutyCategory.Discipline, "无故缺席常委会议", -10, "低于全会。"),
        new("absent.other", DutyCategory.Discipline, "无故缺席必须参加的活动", -5, "只对必须参加的活动扣分。"),
        // Proposals (issue: proposals workflow).
        new("proposal.filed", DutyCategory.Proposal, "提案立案（第一提案人）", 8, "地方规则 +5 至 +20；立案数量不宜高分，质量信号另计。"),
        new("proposal.cosigned", DutyCategory.Proposal, "提案立案（联名提案人）", 2, "联名低于第一提案人。"),
        new("proposal.key", DutyCategory.Proposal, "重点提案", 5, "地方规则 +5。"),
        new("proposal.excellent", DutyCategory.Proposal, "优秀提案", 10, "地方规则 +10。"),
        new("proposal.satisfied", DutyCategory.Proposal, "提案办理获采纳落实", 10, "采纳落实是质量信号。"),
        // Public-opinion items and instructions.
        new("opinion.adopted", DutyCategory.OpinionItem, "社情民意被本级采用", 5, "地方规则 +5。"),
        new("opinion.adopted.upper", DutyCategory.OpinionItem, "社情民意被上级采用", 20, "地方规则 +20。"),
        new("instruction", DutyCategory.OpinionItem, "获本级党政领导批示", 10, "地方规则 +10。"),
        new("instruction.upper", DutyCategory.OpinionItem, "获省部级以上领导批示", 30, "地方规则 +30，分值最高。"),
        // Research, study, self-reported duties.
        new("research.report", DutyCategory.Research, "调研成果被采纳", 10, "成果采纳高于参加调研。"),
        new("research.author", DutyCategory.Research, "执笔调研视察报告（报告审定）", 10, "执笔是实质性贡献，与执笔发言材料同分；报告经领导审定后记入。"),
        new("research.member", DutyCategory.Research, "参加调研视察课题组（报告审定）", 3, "课题组成员按项目计分，低于执笔人；实地调研的出席另按活动计分。"),
        new("study.completed", DutyCategory.Study, "完成学习培训课程", 2, "按课程计分：达到课程的出勤比例并通过测验后记入；各次课的出席另按活动计分。"),
        new("reading.monthly", DutyCategory.Study, "达到每月读书要求（书香政协）", 1, "按月计分：当月读书打卡次数和时长达到本会规则后记入，防止以打卡数量凑分。"),
        new("reading.featured", DutyCategory.Study, "读书笔记被领读人精选", 2, "笔记质量高于打卡数量。"),
        new("claim.volunteer", DutyCategory.Volunteer, "志愿服务（每次）", 2, "委员自报、机关审核。"),
        new("claim.honour", DutyCategory.Honour, "获得表彰", 5, "委员自报、机关审核。"),
        new("claim.speech", DutyCategory.Speech, "其他场合履职发言", 3, "委员自报、机关审核。"),
    ];

    /// <summary>Adds the default rules that are missing (by code), so new codes of later releases arrive on upgrade.</summary>
    public static async Task SeedAsync(AppDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var have = await db.ScoringRules.Where(r => r.CommitteeId == null).Select(r => r.Code).ToListAsync(ct);
        var now = clock.GetUtcNow();
        foreach (var d in All.Where(d => !have.Contains(d.Code)))
            db.ScoringRules.Add(new ScoringRule
            {
                Code = d.Code, Category = d.Category, Name = d.Name, Points = d.Points, Rationale = d.Rationale,
                EffectiveFrom = EffectiveFrom, UpdatedBy = "system", UpdatedAt = now,
            });
        await db.SaveChangesAsync(ct);
    }
}

using Xieshang.Web.Features.Outcomes;
using System.Security.Cryptography;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Features.Activities;
using Xieshang.Web.Features.Consultations;
using Xieshang.Web.Features.Opinions;
using Xieshang.Web.Infrastructure;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;
using Xieshang.Web.Infrastructure.Text;

namespace Xieshang.Web.Features.Demo;

/// <summary>
/// The demo's consultation work (issue 5) for 六盘水 (520200): this year's consultation plan, published, with four
/// suggested topics (a party, a special committee, a sector, a lower committee; three approved and scheduled, one not
/// listed with its reason), and three consultations: a 专题协商 held some weeks ago with minutes and three recommendations
/// (one adopted with a leader instruction and milestones at 60 %, one partly adopted, one pending); a 院坝协商 in the coming
/// days with four non-member participants and an open invitation link; a 网络议政 in three weeks whose notice is still due
/// (10 working days ahead instead of 15). Each consultation's history is in date order and has an event for every step
/// it went through (topic, research, notice, …), as the workflow would have left it.
/// The plan goes through <see cref="ConsultationRules"/> (a few queries); the consultations are written as the record the
/// workflow leaves (replaying the meeting steps would need transactions of their own). Runs in one transaction and
/// does nothing when the plan of the year already exists.
/// </summary>
public static class DemoConsultations
{
    public static async Task SeedAsync(AppDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var city = await db.Committees.FirstAsync(c => c.Code == "520200", ct);
        var now = clock.GetUtcNow();
        var today = ChinaTime.DayOf(now);
        var year = today.Year;
        if (await db.ConsultationPlans.AnyAsync(p => p.CommitteeId == city.Id && p.Year == year, ct)) return;
        DateTimeOffset At(int days, int hour) => ChinaTime.StartOf(today.AddDays(days)).AddHours(hour);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var staffId = await db.Users.Where(u => u.UserName == "staff.520200").Select(u => u.Id).FirstAsync(ct);
        var staff = new CurrentUser("staff.520200", new HashSet<string> { Roles.Staff }, city.Id, city.Code, city.Path, null)
            { UserId = staffId, DisplayName = "六盘水市政协办公室" };

        // ── the plan, through the rules ──
        var (plan, error) = await ConsultationRules.EnsurePlanAsync(db, city.Code, year, staff, clock, ct);
        Check(error);
        var party = await db.Parties.Where(p => p.Code != "CPC").OrderBy(p => p.SortOrder).Select(p => p.Code).FirstAsync(ct);
        var specials = await db.SpecialCommittees.Where(s => s.CommitteeId == city.Id).OrderBy(s => s.SortOrder).Select(s => s.Id).Take(2).ToListAsync(ct);
        var sector = await db.Sectors.Where(s => s.CommitteeId == city.Id).OrderBy(s => s.SortOrder).Select(s => s.Id).FirstAsync(ct);
        var lower = await db.Committees.Where(c => c.Code == "520201").Select(c => c.Id).FirstAsync(ct);
        var thematicAt = At(-40, 9);
        var courtyardAt = At(9, 15);
        var onlineAt = At(21, 9);
        int Month(DateTimeOffset at, int fallback) => ChinaTime.YearOf(at) == year ? ChinaTime.DayOf(at).Month : fallback;
        (string Title, string Reason, string Kind, string Who, string? Type, int Month, string? Reject)[] topics =
        [
            ("推动六盘水市康养产业高质量发展", "“中国凉都”气候资源独特，康养产业链条短、业态单一，需协商破解用地、人才和品牌问题。",
                "party", party, "thematic", Month(thematicAt, 1), null),
            ("乡村振兴中的农村人居环境整治", "部分村寨生活污水和垃圾收运仍有短板，需听取村民和基层干部的意见。",
                "special", specials[0].ToString(System.Globalization.CultureInfo.InvariantCulture), "courtyard", Month(courtyardAt, 12), null),
            ("优化营商环境、促进民营经济发展", "企业反映融资难、审批慢，拟通过网络议政广泛听取委员和企业家意见。",
                "sector", sector.ToString(System.Globalization.CultureInfo.InvariantCulture), "online", Month(onlineAt, 12), null),
            ("在钟山区建设大型室内滑雪场", "建议借鉴梅花山经验，在城区再建一座室内滑雪场。",
                "lower", lower.ToString(System.Globalization.CultureInfo.InvariantCulture), null, 0,
                "投资规模大、与已有冰雪项目重复，本年度不列入协商计划，建议作为提案提出。"),
        ];
        var topicIds = new List<int>();
        foreach (var t in topics)
        {
            var (topic, e) = await ConsultationRules.AddTopicAsync(db, plan!, new TopicInput(t.Title, t.Reason, t.Kind, t.Who), staff, clock, ct);
            Check(e);
            topicIds.Add(topic!.Id);
            if (t.Reject is not null)
            {
                Check(await ConsultationRules.TopicActAsync(db, topic, plan!, "reject", new TopicActionInput(t.Reject, null, null, null, null), staff, clock, ct));
                continue;
            }
            Check(await ConsultationRules.TopicActAsync(db, topic, plan!, "approve", new TopicActionInput(null, null, null, null, null), staff, clock, ct));
            Check(await ConsultationRules.TopicActAsync(db, topic, plan!, "schedule", new TopicActionInput(null, t.Month, null, t.Type, specials[topicIds.Count % specials.Count]), staff, clock, ct));
        }
        Check(await ConsultationRules.PlanActAsync(db, plan!, "publish", staff, clock, ct));

        var members = await db.Members.AsNoTracking().Where(m => m.CommitteeId == city.Id && m.IsActive && m.Position == Members.Position.Member)
            .OrderBy(m => m.Id).Select(m => new { m.Id, m.CommitteeId, m.CommitteePath, m.SectorId }).Take(16).ToListAsync(ct);

        Consultation New(string title, ConsultationType type, ConsultationStatus status, string summary, int topicId, DateTimeOffset at, int hours, string place) => new()
        {
            CommitteeId = city.Id, CommitteePath = city.Path, Title = title, Type = type, Status = status, Summary = summary, PlanTopicId = topicId,
            MeetingAt = at, MeetingEndsAt = at.AddHours(hours), Place = place, CreatedBy = staff.UserName, CreatedAt = at.AddDays(-30), UpdatedAt = now,
        };
        Activity Meeting(Consultation c, ActivityStatus status, IEnumerable<ActivityInviteeRule> rules) => new()
        {
            Title = c.Title, Type = ActivityType.Consultation, Status = status, StartsAt = c.MeetingAt!.Value, EndsAt = c.MeetingEndsAt!.Value, Place = c.Place,
            CommitteeId = city.Id, CommitteePath = city.Path, CheckInKey = RandomNumberGenerator.GetBytes(32), CreatedBy = staff.UserName,
            CreatedAt = c.CreatedAt, UpdatedAt = now, PublishedAt = status == ActivityStatus.Published ? c.NoticeSentAt : null,
            Agenda = RichText.Sanitize(System.Net.WebUtility.HtmlEncode(c.Summary)),
            Organizers = [new ActivityOrganizer { CommitteeId = city.Id, CommitteePath = city.Path, SortOrder = 0 }],
            InviteeRules = rules.ToList(),
        };
        List<Invitation> Invite(Activity a, int skip, int take, DateTimeOffset at) => members.Skip(skip).Take(take).Select(m => new Invitation
        {
            ActivityId = a.Id, MemberId = m.Id, CommitteeId = m.CommitteeId, CommitteePath = m.CommitteePath, SectorId = m.SectorId,
            Response = InvitationResponse.Attend, RespondedAt = at,
        }).ToList();
        ConsultationEvent Step(Consultation c, string action, ConsultationStatus from, ConsultationStatus to, DateTimeOffset at, string note = "") =>
            new() { ConsultationId = c.Id, Action = action, From = from, To = to, Note = note, By = staff.UserName, At = at };

        // ── 1. 专题协商, held 40 days ago: minutes, three recommendations, in implementation ──
        var thematic = New(topics[0].Title, ConsultationType.Thematic, ConsultationStatus.Implementation,
            "围绕康养产业用地保障、专业人才引进和“凉都康养”品牌建设开展专题协商，形成协商建议报市委、市政府参考。", topicIds[0], thematicAt, 3, "市政协三楼会议室");
        thematic.NoticeSentAt = thematicAt.AddDays(-24);
        thematic.MaterialsSentAt = thematicAt.AddDays(-15);
        thematic.MinutesAt = thematicAt.AddDays(5);
        thematic.Minutes = RichText.Sanitize(
            "<p>会议由市政协主席主持，市发展改革委、市卫生健康局、市文体广电旅游局负责同志通报有关情况，8 位委员作协商发言。</p>"
            + "<p>与会同志认为，发展康养产业是我市发挥气候优势、推动产业转型的重要抓手；同时指出，康养项目用地保障不足、医养结合机构少、专业护理人才缺口大。</p>"
            + "<p>会议形成三条协商建议，报送市人民政府研究采纳。</p>");
        thematic.Consensus = "康养产业应作为全市重点产业培育；用地、人才、品牌三方面须同步发力。";
        thematic.Divergences = "对是否由财政设立康养产业引导基金，委员意见尚不一致。";
        thematic.Feedback = "";
        db.Consultations.Add(thematic);
        await db.SaveChangesAsync(ct);
        // Only the dozen members who took part are invited (the whole committee would only fill the attendance page).
        var held = Meeting(thematic, ActivityStatus.Published, members.Take(12).Select(m => new ActivityInviteeRule { Kind = InviteeKind.Member, TargetId = m.Id }));
        db.Activities.Add(held);
        await db.SaveChangesAsync(ct);
        var heldInvitations = Invite(held, 0, 12, thematicAt.AddDays(-20));
        db.Invitations.AddRange(heldInvitations);
        thematic.ActivityId = held.Id;
        await db.SaveChangesAsync(ct);
        Check(await ActivityRules.ConfirmAttendanceAsync(db, held,
            heldInvitations.Select((i, n) => (i.MemberId, (string?)(n < 8 ? "speaker" : n == 11 ? "excused" : "present"))).ToList(), clock, ct));
        db.ConsultationEvents.AddRange(
            Step(thematic, "create", ConsultationStatus.Topic, ConsultationStatus.Topic, thematic.CreatedAt),
            Step(thematic, "research", ConsultationStatus.Topic, ConsultationStatus.Research, thematicAt.AddDays(-28), "赴水城区、盘州市康养基地调研。"),
            Step(thematic, "notify", ConsultationStatus.Research, ConsultationStatus.Notice, thematicAt.AddDays(-24)),
            Step(thematic, "materials", ConsultationStatus.Notice, ConsultationStatus.Notice, thematicAt.AddDays(-15)),
            Step(thematic, "meet", ConsultationStatus.Notice, ConsultationStatus.Meeting, thematicAt.AddHours(3)),
            Step(thematic, "minutes", ConsultationStatus.Meeting, ConsultationStatus.Minutes, thematicAt.AddDays(5)),
            Step(thematic, "submit", ConsultationStatus.Minutes, ConsultationStatus.Adoption, thematicAt.AddDays(7), "报送市人民政府。"),
            Step(thematic, "implement", ConsultationStatus.Adoption, ConsultationStatus.Implementation, thematicAt.AddDays(20)));
        var adoptedOn = ChinaTime.DayOf(thematicAt.AddDays(18));
        var submittedOn = ChinaTime.DayOf(thematicAt.AddDays(7));
        Outcome Rec(int order, string title, string text, List<int> memberIds) => new()
        {
            Kind = OutcomeKind.Recommendation, SourceType = WorkItemType.Consultation, SourceId = thematic.Id, CommitteeId = thematic.CommitteeId,
            CommitteePath = thematic.CommitteePath, SortOrder = order, Title = title, Text = text, MemberIds = memberIds, SubmittedOn = submittedOn,
            CreatedAt = thematicAt.AddDays(5), UpdatedAt = now,
        };
        var recs = new[]
        {
            Rec(1, "建立康养项目用地保障机制", "在国土空间规划中单列康养用地指标，盘活闲置厂房、学校用于康养服务，对重点项目实行“一事一议”。", [members[0].Id, members[1].Id]),
            Rec(2, "加强医养结合专业人才培养", "依托六盘水职业技术学院开设康养护理专业，对在康养机构从业满三年的护理人员给予补贴。", [members[2].Id]),
            Rec(3, "打造“凉都康养”区域公共品牌", "统一品牌标识和服务标准，在成渝、粤港澳大湾区开展避暑康养专题推介。", [members[3].Id, members[4].Id]),
        };
        (recs[0].Adoption, recs[0].AdoptingBody, recs[0].AdoptedOn, recs[0].AdoptionNote) = (AdoptionStatus.Adopted, "六盘水市人民政府", adoptedOn, "纳入市政府年度重点工作。");
        (recs[0].Percent, recs[0].Evidence, recs[0].LastProgressAt) = (60, "已盘活闲置校舍 3 处，康养用地指标已列入国土空间规划修编。", now.AddDays(-12));
        (recs[1].Adoption, recs[1].AdoptingBody, recs[1].AdoptedOn, recs[1].AdoptionNote) = (AdoptionStatus.PartlyAdopted, "六盘水市卫生健康局", adoptedOn, "开设专业已采纳；从业补贴待财政评估。");
        (recs[1].Percent, recs[1].LastProgressAt) = (20, ChinaTime.StartOf(adoptedOn));
        db.Outcomes.AddRange(recs);
        await db.SaveChangesAsync(ct);
        db.OutcomeProgress.Add(new OutcomeProgress
        {
            OutcomeId = recs[0].Id, Percent = 60, On = ChinaTime.DayOf(now.AddDays(-12)), At = now.AddDays(-12), ByUserId = staffId, ByName = "市政协办公室",
            Note = "已盘活闲置校舍 3 处，康养用地指标已列入国土空间规划修编。",
        });
        db.OutcomeInstructions.Add(new OutcomeInstruction
        {
            OutcomeId = recs[0].Id, LeaderName = "市长", Level = OpinionLevel.City, On = adoptedOn.AddDays(-3), RecordedBy = staff.UserName,
            Text = "建议很有针对性，请市自然资源局牵头、市卫生健康局配合，抓紧研究落实用地保障措施。",
        });
        db.OutcomeMilestones.AddRange(
            new OutcomeMilestone { OutcomeId = recs[0].Id, Title = "摸清全市闲置厂房、校舍底数", DueOn = adoptedOn.AddDays(10), DoneOn = adoptedOn.AddDays(9) },
            new OutcomeMilestone { OutcomeId = recs[0].Id, Title = "康养用地指标列入国土空间规划修编", DueOn = adoptedOn.AddDays(20), DoneOn = adoptedOn.AddDays(19) },
            new OutcomeMilestone { OutcomeId = recs[0].Id, Title = "出台康养项目“一事一议”办法", DueOn = today.AddDays(45), Note = "市自然资源局起草中。" });
        await ConsultationRules.SyncResultAsync(db, thematic, clock, ct);
        await db.SaveChangesAsync(ct);
        await OutcomeRules.WriteDutyAsync(db, recs[0], clock, ct);
        await db.SaveChangesAsync(ct);

        // ── 2. 院坝协商 in nine days: notice out, four non-members, an open invitation link ──
        var courtyard = New(topics[1].Title, ConsultationType.Courtyard, ConsultationStatus.Notice,
            "在水城区米箩镇俄戛村村委会院坝，与村民、镇干部和金融机构面对面协商村寨污水收集和垃圾清运。", topicIds[1], courtyardAt, 2, "水城区米箩镇俄戛村村委会院坝");
        courtyard.NoticeSentAt = now.AddDays(-3);
        db.Consultations.Add(courtyard);
        await db.SaveChangesAsync(ct);
        var coming = Meeting(courtyard, ActivityStatus.Published, members.Skip(12).Take(4).Select(m => new ActivityInviteeRule { Kind = InviteeKind.Member, TargetId = m.Id }));
        db.Activities.Add(coming);
        await db.SaveChangesAsync(ct);
        db.Invitations.AddRange(Invite(coming, 12, 4, now.AddDays(-2)));
        courtyard.ActivityId = coming.Id;
        var link = new ConsultationInviteLink
        {
            ConsultationId = courtyard.Id, Token = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32)), Label = "米箩镇俄戛村", MaxRegistrations = 50,
            CreatedBy = staff.UserName, CreatedAt = now.AddDays(-3),
        };
        db.ConsultationInviteLinks.Add(link);
        await db.SaveChangesAsync(ct);
        (string Name, string Org, string Role, ParticipantCategory Cat, string Phone, bool ByLink)[] people =
        [
            ("沙马·阿牛", "米箩镇俄戛村", "村民代表", ParticipantCategory.Villager, "13908580101", true),
            ("陈𬱖", "米箩镇俄戛村", "村民", ParticipantCategory.Villager, "", true),
            ("王建国", "水城区米箩镇人民政府", "副镇长", ParticipantCategory.Official, "0858-8221001", false),
            ("李晓燕", "贵州银行六盘水分行", "客户经理", ParticipantCategory.Banker, "13985860202", false),
        ];
        foreach (var p in people)
        {
            var (participant, e) = ConsultationRules.ReadParticipant(new ParticipantInput(p.Name, p.Org, p.Role, ConsultationWorkflow.CategoryCode(p.Cat), p.Phone));
            Check(e);
            participant!.ConsultationId = courtyard.Id;
            participant.InviteLinkId = p.ByLink ? link.Id : null;
            participant.CreatedBy = p.ByLink ? "link" : staff.UserName;
            participant.CreatedAt = now.AddDays(-2);
            db.ConsultationParticipants.Add(participant);
        }
        db.ConsultationEvents.AddRange(
            Step(courtyard, "create", ConsultationStatus.Topic, ConsultationStatus.Topic, courtyard.CreatedAt),
            Step(courtyard, "research", ConsultationStatus.Topic, ConsultationStatus.Research, now.AddDays(-14), "到俄戛村走访农户，查看污水沟渠和垃圾收集点，听取村“两委”意见。"),
            Step(courtyard, "meeting", ConsultationStatus.Research, ConsultationStatus.Research, now.AddDays(-4), $"{ActivityRules.When(coming)}，{coming.Place}"),
            Step(courtyard, "notify", ConsultationStatus.Research, ConsultationStatus.Notice, now.AddDays(-3)));

        // ── 3. 网络议政 in three weeks: meeting drafted, the notice still due ──
        var online = New(topics[2].Title, ConsultationType.Online, ConsultationStatus.Research,
            "通过网络议政平台广泛征集委员和企业家对融资、审批等营商环境问题的意见，线上集中协商。", topicIds[2], onlineAt, 2, "网络议政平台（线上）");
        // The notice goes out 10 working days ahead here (the default is 15), as early as the materials: the page shows both day counts.
        online.NoticeDays = 10;
        db.Consultations.Add(online);
        await db.SaveChangesAsync(ct);
        var draft = Meeting(online, ActivityStatus.Draft, [new ActivityInviteeRule { Kind = InviteeKind.Committee, TargetId = city.Id }]);
        db.Activities.Add(draft);
        await db.SaveChangesAsync(ct);
        online.ActivityId = draft.Id;
        db.ConsultationEvents.AddRange(
            Step(online, "create", ConsultationStatus.Topic, ConsultationStatus.Topic, online.CreatedAt),
            Step(online, "research", ConsultationStatus.Topic, ConsultationStatus.Research, now.AddDays(-7), "向市工商联和 20 家民营企业书面征求意见。"),
            Step(online, "meeting", ConsultationStatus.Research, ConsultationStatus.Research, now.AddDays(-2), $"{ActivityRules.When(draft)}，{draft.Place}"));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
    }

    private static void Check(ConsultationError? e)
    {
        if (e is not null) throw new InvalidOperationException($"Demo consultations: {e.Message}");
    }

    private static void Check(ActivityError? e)
    {
        if (e is not null) throw new InvalidOperationException($"Demo consultations: {e.Message}");
    }
}

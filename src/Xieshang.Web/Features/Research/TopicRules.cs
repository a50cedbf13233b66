using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Features.Outcomes;
using Xieshang.Web.Features.Proposals;
using Xieshang.Web.Infrastructure;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;
using Xieshang.Web.Infrastructure.Notifications;

namespace Xieshang.Web.Features.Research;

/// <summary>
/// Body of <c>POST /api/topics</c>: topic, background, source (default 党委政府中心工作), last day to claim (China date),
/// how many claims are allowed (1–50), the publishing committee's code.
/// </summary>
public sealed record ResearchTopicInput(string? Title, string? Background, DateOnly? Deadline, int? MaxClaims, string? CommitteeCode, string? Source = null);

/// <summary>
/// Body of <c>POST /api/topics/{id}/claim</c>: exactly one claimant — a sector or a special committee of the topic's
/// committee (staff claim for them), or a member (a member claims for themself; an empty body from a member means
/// themself). Staff may name the team's leader and author (member ids) for a sector or special committee's project, or leave
/// them for later: <c>{"sectorId"}</c> alone is enough, the team is set on the project before its plan is submitted.
/// </summary>
public sealed record TopicClaimInput(int? SectorId = null, int? SpecialCommitteeId = null, int? MemberId = null, int? LeaderId = null, int? AuthorId = null);

/// <summary>
/// The rules of claimed topics (领题调研, DOMAIN.md §4.6): staff publish topics drawn from the Party committee's and
/// government's key tasks; sectors, special committees and members of the topic's committee claim them until the deadline,
/// at most <see cref="ResearchTopic.MaxClaims"/> times and once per claimant; each claim becomes a research project
/// (through <c>ResearchRules.CreateAsync</c> with <see cref="ResearchOrigin.TopicClaim"/>, as the claiming account itself —
/// the claim's own checks are the permission; <see cref="ResearchProject.TopicClaimId"/> set) linked from the topic
/// (<see cref="WorkLink"/> Topic → Research). The limit holds under concurrent claims: each claim takes a numbered slot and
/// the database's unique index on (topic, slot) lets only one claim have it. A refusal changes nothing.
/// </summary>
public static class TopicRules
{
    /// <summary>Most claims a topic may allow.</summary>
    public const int MaxClaimsLimit = 50;
    /// <summary>The source when none is given.</summary>
    public const string DefaultSource = "党委政府中心工作";

    /// <summary>The topics <paramref name="user"/> may see: staff and leaders their committee and below, members their own committee's, the administrator all.</summary>
    public static IQueryable<ResearchTopic> VisibleTo(this IQueryable<ResearchTopic> q, CurrentUser user)
    {
        if (user.IsAdmin) return q;
        if ((user.IsStaff || user.IsLeader) && user.CommitteePath is { } p) return q.Where(t => t.CommitteePath.StartsWith(p));
        if (user.IsMember && user.CommitteePath is { } own) return q.Where(t => t.CommitteePath == own);
        return q.Where(t => false);
    }

    /// <summary>Publishes a topic (staff who manage the committee). Field errors are Chinese, keyed by the body's fields.</summary>
    public static async Task<(ResearchTopic? Topic, ResearchError? Error, Dictionary<string, string[]> Errors)> PublishAsync(
        AppDbContext db, ResearchTopicInput input, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (!(user.IsStaff || user.IsAdmin)) return (null, new(403, "只有政协机关工作人员可以发布调研课题。"), errors);
        void Fail(string field, string message) => errors.TryAdd(field, [message]);
        var code = (input.CommitteeCode ?? "").Trim();
        var committee = code.Length == 0 ? null : await db.Committees.AsNoTracking().FirstOrDefaultAsync(c => c.Code == code, ct);
        if (code.Length == 0) Fail("committeeCode", "请选择发布课题的政协组织（committeeCode）。");
        else if (committee is null) Fail("committeeCode", $"未找到代码为“{code}”的政协组织。");
        else if (!Scope.CanManage(user, committee.Path)) return (null, new(403, $"您无权以“{committee.Name}”的名义发布调研课题。", "committeeCode"), errors);
        var title = ResearchRules.Clean(input.Title);
        if (title.Length == 0) Fail("title", "请填写课题名称。");
        else if (title.Length > 200) Fail("title", "课题名称不能超过 200 个字。");
        var background = (input.Background ?? "").Trim();
        if (background.Length > 4000) Fail("background", "课题背景不能超过 4000 个字。");
        var source = ResearchRules.Clean(input.Source);
        if (source.Length == 0) source = DefaultSource;
        else if (source.Length > 200) Fail("source", "课题来源不能超过 200 个字。");
        var today = ChinaTime.DayOf(clock.GetUtcNow());
        if (input.Deadline is not { } deadline) Fail("deadline", "请填写认领截止日期（deadline，如 2026-06-30）。");
        else if (deadline < today) Fail("deadline", "认领截止日期不能早于今天。");
        else if (deadline > today.AddYears(2)) Fail("deadline", "认领截止日期不能晚于两年以后。");
        if (input.MaxClaims is not { } max) Fail("maxClaims", "请填写可认领的数量（maxClaims）。");
        else if (max is < 1 or > MaxClaimsLimit) Fail("maxClaims", $"可认领的数量应在 1 到 {MaxClaimsLimit} 之间。");
        if (errors.Count > 0) return (null, null, errors);

        var topic = new ResearchTopic
        {
            CommitteeId = committee!.Id, CommitteePath = committee.Path, Title = title, Background = background, Source = source,
            Deadline = input.Deadline!.Value, MaxClaims = input.MaxClaims!.Value, Status = TopicStatus.Published,
            CreatedBy = user.UserName, CreatedAt = clock.GetUtcNow(),
        };
        db.ResearchTopics.Add(topic);
        await db.SaveChangesAsync(ct);
        return (topic, null, errors);
    }

    /// <summary>Closes a topic to further claims (staff who manage its committee); the claims made stay.</summary>
    public static async Task<ResearchError?> CloseAsync(AppDbContext db, ResearchTopic topic, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        if (!(user.IsStaff || user.IsAdmin) || !Scope.CanManage(user, topic.CommitteePath)) return new(403, "您无权关闭这个调研课题。");
        if (topic.Status == TopicStatus.Closed) return new(409, "这个课题已经关闭。");
        topic.Status = TopicStatus.Closed;
        topic.ClosedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>
    /// Claims topic <paramref name="topicId"/> for the claimant in <paramref name="input"/> and creates its research project.
    /// Refusals: 404 unknown topic; 403 out of scope, a member claiming for someone else, anyone but staff claiming for a
    /// sector or special committee (or a leader, a handling unit); 400 not exactly one claimant, or a claimant not of the
    /// topic's committee; 409 closed, past the deadline, no slot left, or the claimant already holds a claim. Field errors of
    /// the project's rules (e.g. no team leader) come back in the dictionary. Two claims racing for the last slot: the
    /// database's unique index on (topic, slot) keeps one, the other is refused as full.
    /// </summary>
    public static async Task<(ResearchProject? Project, ResearchError? Error, Dictionary<string, string[]> Errors)> ClaimAsync(
        AppDbContext db, int topicId, TopicClaimInput input, CurrentUser user, TimeProvider clock, CancellationToken ct)
    {
        var none = new Dictionary<string, string[]>();
        var topic = await db.ResearchTopics.AsNoTracking().Include(t => t.Committee).FirstOrDefaultAsync(t => t.Id == topicId, ct);
        if (topic is null) return (null, new(404, "没有这个调研课题。"), none);
        if (!Scope.CanRead(user, topic.CommitteePath) || !(user.IsStaff || user.IsMember || user.IsAdmin))
            return (null, new(403, "您无权认领这个调研课题。"), none);
        if (user.IsMember && !user.IsStaff && input is { SectorId: null, SpecialCommitteeId: null, MemberId: null }) input = input with { MemberId = user.MemberId };
        var given = new[] { input.SectorId, input.SpecialCommitteeId, input.MemberId }.Count(x => x is not null);
        if (given != 1) return (null, new(400, "请指定一个认领方：界别（sectorId）、专门委员会（specialCommitteeId）或委员（memberId），只能选一个。", "memberId"), none);

        string claimantName;
        int? leaderId = input.LeaderId, authorId = input.AuthorId;
        if (input.MemberId is { } memberId)
        {
            if (user.MemberId != memberId) return (null, new(403, "委员只能以本人名义认领课题；界别、专门委员会的认领由政协机关工作人员办理。", "memberId"), none);
            var m = await db.Members.AsNoTracking().Where(x => x.Id == memberId).Select(x => new { x.Name, x.CommitteeId, x.IsActive }).FirstOrDefaultAsync(ct);
            if (m is null || !m.IsActive || m.CommitteeId != topic.CommitteeId) return (null, new(403, $"只有{topic.Committee!.Name}的在任委员可以认领这个课题。", "memberId"), none);
            claimantName = m.Name;
            leaderId ??= memberId;
            authorId ??= memberId;
        }
        else
        {
            if (!(user.IsStaff || user.IsAdmin) || !Scope.CanManage(user, topic.CommitteePath))
                return (null, new(403, "只有政协机关工作人员可以代界别或专门委员会认领课题。"), none);
            string? name = input.SectorId is { } sid
                ? await db.Sectors.Where(s => s.Id == sid && s.CommitteeId == topic.CommitteeId).Select(s => s.Name).FirstOrDefaultAsync(ct)
                : await db.SpecialCommittees.Where(s => s.Id == input.SpecialCommitteeId && s.CommitteeId == topic.CommitteeId).Select(s => s.Name).FirstOrDefaultAsync(ct);
            if (name is null)
                return (null, new(400, input.SectorId is not null ? $"该界别不属于{topic.Committee!.Name}。" : $"该专门委员会不属于{topic.Committee!.Name}。",
                    input.SectorId is not null ? "sectorId" : "specialCommitteeId"), none);
            claimantName = name;
        }

        if (topic.Status == TopicStatus.Closed) return (null, new(409, "这个课题已关闭，不能再认领。"), none);
        var today = ChinaTime.DayOf(clock.GetUtcNow());
        if (today > topic.Deadline) return (null, new(409, $"这个课题的认领已于 {ResearchDay(topic.Deadline)} 截止。"), none);

        // Slots 1..MaxClaims; the unique index on (TopicId, ClaimNumber) arbitrates between concurrent claims.
        for (var attempt = 0; attempt <= topic.MaxClaims; attempt++)
        {
            if (await HeldByAsync(db, topic.Id, input, ct)) return (null, new(409, $"{claimantName}已认领过这个课题。"), none);
            var taken = await db.TopicClaims.Where(c => c.TopicId == topic.Id).Select(c => c.ClaimNumber).ToListAsync(ct);
            var slot = Enumerable.Range(1, topic.MaxClaims).FirstOrDefault(n => !taken.Contains(n));
            if (slot == 0) return (null, new(409, $"这个课题的认领名额（{topic.MaxClaims} 个）已满。"), none);

            var now = clock.GetUtcNow();
            var claim = new TopicClaim
            {
                TopicId = topic.Id, ClaimNumber = slot, SectorId = input.SectorId, SpecialCommitteeId = input.SpecialCommitteeId, MemberId = input.MemberId,
                ClaimedAt = now, ClaimedBy = user.UserName,
            };
            var research = new ResearchInput(topic.Title, ResearchWorkflow.KindCode(ResearchKind.Research), [topic.Committee!.Code], leaderId, null, authorId,
                Background: topic.Background);
            var (project, error, errors) = await JointResearchRules.CreateLinkedProjectAsync(db, research, user, ResearchOrigin.TopicClaim, clock,
                _ => db.TopicClaims.Add(claim),
                async p =>
                {
                    await db.SaveChangesAsync(ct); // the claim takes its slot here (or the unique index refuses it)
                    claim.ResearchProjectId = p.Id;
                    p.TopicClaimId = claim.Id;
                    db.WorkLinks.Add(new WorkLink
                    {
                        FromType = WorkItemType.Topic, FromId = topic.Id, ToType = WorkItemType.Research, ToId = p.Id,
                        CommitteePath = topic.CommitteePath, CreatedBy = user.UserName, CreatedAt = now,
                    });
                    var staff = (await ProposalRules.OfficeUserIdsAsync(db, topic.CommitteeId, ct)).Where(id => id != user.UserId).ToList();
                    await Notifier.ToUsersAsync(db, staff, new("research.topic.claimed", $"{claimantName}认领了调研课题",
                        $"{claimantName}认领了调研课题“{topic.Title}”（第 {slot} 个名额，共 {topic.MaxClaims} 个），已设立调研项目。", $"/research/{p.Id}"), clock, ct);
                }, ct);
            if (project is not null) return (project, null, errors);
            if (error is { Status: 409 }) continue; // lost a race for the slot or the claimant: look again
            return (null, error, errors);
        }
        return (null, new(409, $"这个课题的认领名额（{topic.MaxClaims} 个）已满。"), none);
    }

    /// <summary>True when the claimant of <paramref name="input"/> already holds a claim of the topic.</summary>
    private static Task<bool> HeldByAsync(AppDbContext db, int topicId, TopicClaimInput input, CancellationToken ct) =>
        db.TopicClaims.AnyAsync(c => c.TopicId == topicId
            && ((input.SectorId != null && c.SectorId == input.SectorId)
                || (input.SpecialCommitteeId != null && c.SpecialCommitteeId == input.SpecialCommitteeId)
                || (input.MemberId != null && c.MemberId == input.MemberId)), ct);

    /// <summary>A China day as yyyy-MM-dd.</summary>
    public static string ResearchDay(DateOnly d) => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}

using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Features.Committees;
using Xieshang.Web.Features.Opinions;
using Xieshang.Web.Features.Proposals;
using Xieshang.Web.Infrastructure;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Outcomes;

/// <summary>
/// Where other slices' results become outcomes (DOMAIN.md §4.8), called from their rules at the moment the result is
/// recorded: a proposal's reply (<see cref="SyncProposalReplyAsync"/>, from <c>ProposalRules</c> after the reply is saved) and
/// a public-opinion item's adoption (<see cref="AddOpinionAdoption"/>, from <see cref="OpinionRules.AddAdoptionAsync"/>). A
/// consultation's result is created by <c>ConsultationRules.SyncResultAsync</c>; research reports and studio conversions by
/// their own slices.
/// </summary>
public static class OutcomeHooks
{
    /// <summary>
    /// Keeps the one <see cref="OutcomeKind.ProposalReply"/> outcome of a proposal in step with its latest replies (the
    /// latest reply of each replying assignment; the best class wins). The reply classes follow the national rule for
    /// handling proposals (政协提案办理, 答复分类): <b>A</b> 所提问题已经解决或采纳 — solved or adopted; <b>B</b> 所提问题正在解决或已列入
    /// 计划逐步解决 — being solved or planned; <b>C</b> 因条件限制或其他原因留作参考 — kept for reference. Hence A → adopted
    /// (note 「A类：已解决或采纳」) and B → adopted with implementation to follow (note 「B类：正在解决或列入计划，待落实」); both are
    /// tracked to implementation (percent, milestones, progress by the responsible department). C creates nothing; a later C
    /// (a re-reply after a dissatisfied rating, or every unit answering C) turns an existing outcome to not adopted. The
    /// outcome's scope is the proposal's committee, <see cref="Outcome.ResponsibleUnitId"/> the lead (主办) unit, or the unit of
    /// the best reply when there is no lead; <see cref="Outcome.MemberIds"/> the proposer and the co-signers who signed;
    /// <see cref="Outcome.SubmittedOn"/> the day the proposal was submitted, <see cref="Outcome.AdoptedOn"/> the reply's day.
    /// Saves.
    /// </summary>
    public static async Task SyncProposalReplyAsync(AppDbContext db, int proposalId, TimeProvider clock, CancellationToken ct)
    {
        var latest = await ProposalRules.LatestRepliesAsync(db, proposalId, ct);
        if (latest.Count == 0) return;
        var best = latest.OrderBy(r => r.Reply.Class).ThenByDescending(r => r.Reply.RepliedAt).First();
        var o = await db.Outcomes.FirstOrDefaultAsync(x => x.SourceType == WorkItemType.Proposal && x.SourceId == proposalId && x.Kind == OutcomeKind.ProposalReply, ct);
        if (o is null && best.Reply.Class == ReplyClass.C) return;
        var p = await db.Proposals.AsNoTracking().Where(x => x.Id == proposalId)
            .Select(x => new { x.Title, x.CommitteeId, x.CommitteePath, x.ProposerMemberId, x.SubmittedAt, x.FiledAt, x.CreatedAt }).FirstAsync(ct);
        var lead = await db.Assignments.Where(a => a.ProposalId == proposalId && a.Role == AssignmentRole.Lead && a.Status != AssignmentStatus.Returned)
            .Select(a => (int?)a.HandlingUnitId).FirstOrDefaultAsync(ct);
        var signed = await db.ProposalCoSigners.Where(s => s.ProposalId == proposalId && s.Status == CoSignStatus.Signed).OrderBy(s => s.Id).Select(s => s.MemberId).ToListAsync(ct);
        var now = clock.GetUtcNow();
        if (o is null)
        {
            o = new Outcome { Kind = OutcomeKind.ProposalReply, SourceType = WorkItemType.Proposal, SourceId = proposalId, SortOrder = 1, CreatedAt = now };
            db.Outcomes.Add(o);
        }
        o.CommitteeId = p.CommitteeId;
        o.CommitteePath = p.CommitteePath;
        o.Title = p.Title;
        o.Text = $"{best.UnitName}答复：{ProposalRules.ClassName(best.Reply.Class)}。";
        o.SubmittedOn = ChinaTime.DayOf(p.SubmittedAt ?? p.FiledAt ?? p.CreatedAt);
        o.Adoption = best.Reply.Class == ReplyClass.C ? AdoptionStatus.NotAdopted : AdoptionStatus.Adopted;
        o.AdoptingBody = best.UnitName.Length > 100 ? best.UnitName[..100] : best.UnitName;
        o.AdoptedOn = ChinaTime.DayOf(best.Reply.RepliedAt);
        o.AdoptionNote = best.Reply.Class switch { ReplyClass.A => "A类：已解决或采纳。", ReplyClass.B => "B类：正在解决或列入计划，待落实。", _ => "C类：因条件限制留作参考。" };
        if (o.Adoption == AdoptionStatus.NotAdopted) o.ImplementedOn = null;
        o.ResponsibleUnitId = lead ?? best.Reply.HandlingUnitId;
        o.MemberIds = [.. (p.ProposerMemberId is { } pm ? new[] { pm } : []).Concat(signed).Distinct()];
        o.LastProgressAt = now;
        o.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// The one <see cref="OutcomeKind.OpinionItem"/> outcome of an adopted public-opinion item: created at its first adoption
    /// (adopting body the committee, day the adoption's), later adoptions keep it (the adopting body becomes the highest
    /// committee that adopted it). Its adoptions and leader instructions stay on the item (<see cref="OpinionOutcome"/>, with
    /// their duty records) and are shown on the outcome, never recorded twice. Credited: the author member and co-authors.
    /// The caller saves (with the adoption).
    /// </summary>
    public static async Task AddOpinionAdoption(AppDbContext db, OpinionItem item, Committee adopter, DateOnly on, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var o = await db.Outcomes.FirstOrDefaultAsync(x => x.SourceType == WorkItemType.OpinionItem && x.SourceId == item.Id && x.Kind == OutcomeKind.OpinionItem, ct);
        if (o is null)
        {
            var coAuthors = await db.OpinionCoAuthors.Where(c => c.OpinionItemId == item.Id).OrderBy(c => c.SortOrder).Select(c => c.MemberId).ToListAsync(ct);
            o = new Outcome
            {
                Kind = OutcomeKind.OpinionItem, SourceType = WorkItemType.OpinionItem, SourceId = item.Id, SortOrder = 1, CreatedAt = now,
                CommitteeId = item.CommitteeId, CommitteePath = item.CommitteePath, Title = item.Title.Length > 200 ? item.Title[..200] : item.Title,
                SubmittedOn = ChinaTime.DayOf(item.SubmittedAt ?? item.CreatedAt), Adoption = AdoptionStatus.Adopted, AdoptedOn = on, AdoptingBody = adopter.Name,
                MemberIds = [.. (item.AuthorMemberId is { } a ? new[] { a } : []).Concat(coAuthors).Distinct()],
            };
            db.Outcomes.Add(o);
        }
        else
        {
            var current = await db.Committees.AsNoTracking().Where(c => c.Name == o.AdoptingBody && item.CommitteePath.StartsWith(c.Path)).Select(c => c.Path).FirstOrDefaultAsync(ct);
            if (current is null || adopter.Path.Length < current.Length) o.AdoptingBody = adopter.Name;
            o.Adoption = AdoptionStatus.Adopted;
            if (o.AdoptedOn is null || on < o.AdoptedOn) o.AdoptedOn = on;
        }
        o.LastProgressAt = now;
        o.UpdatedAt = now;
    }
}

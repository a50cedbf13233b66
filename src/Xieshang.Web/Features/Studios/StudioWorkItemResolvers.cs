using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Features.Opinions;
using Xieshang.Web.Features.Outcomes;
using Xieshang.Web.Infrastructure;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Studios;

/// <summary>
/// Citizens' messages in an outcome chain (type <c>studio-message</c>). Readable by the studio slice's own rule for handling
/// messages (<see cref="StudioRules.CanHandleAsync"/>): staff who manage the studio's committee, the administrator, and the
/// studio's members on duty. The node's title is an excerpt of the matter only — at most <see cref="TitleLength"/> characters
/// of the matter as <see cref="StudioRules.CitizenMatter"/> leaves it (no name, phone or long digit runs) — never the name, the phone,
/// the photo or the tracking code. Status is the message's state (<c>new</c>, <c>answered</c>, <c>converted</c>,
/// <c>closed</c>), date the China day it arrived, link the studio's inbox at the message (<c>/studios/{studio}/messages#msg-{id}</c>).
/// </summary>
public sealed class StudioMessageResolver : IWorkItemResolver
{
    /// <summary>Most characters (code points) of a node title.</summary>
    public const int TitleLength = 30;

    /// <inheritdoc />
    public WorkItemType Type => WorkItemType.StudioMessage;

    /// <inheritdoc />
    public async Task<IReadOnlyList<ChainNode>> ResolveAsync(AppDbContext db, CurrentUser user, IReadOnlyCollection<int> ids, CancellationToken ct)
    {
        var rows = await db.StudioMessages.AsNoTracking().Where(m => ids.Contains(m.Id))
            .Select(m => new { m.Id, m.StudioId, m.CommitteePath, m.Content, m.Name, m.Phone, m.Status, m.CreatedAt }).ToListAsync(ct);
        var studioIds = rows.Select(r => r.StudioId).Distinct().ToList();
        var onDuty = user.IsMember && user.MemberId is { } mid
            ? await db.StudioMembers.Where(m => studioIds.Contains(m.StudioId) && m.MemberId == mid && m.OnDuty).Select(m => m.StudioId).ToListAsync(ct)
            : [];
        return rows.Select(m => new ChainNode("studio-message", m.Id, OutcomeCodes.TypeName(WorkItemType.StudioMessage), Excerpt(m.Content, m.Name, m.Phone),
            StudioRules.StatusCode(m.Status), StudioRules.StatusName(m.Status), ChinaTime.DayOf(m.CreatedAt), $"/studios/{m.StudioId}/messages#msg-{m.Id}",
            StudioRules.CanManage(user, m.CommitteePath) || onDuty.Contains(m.StudioId))).ToList();
    }

    /// <summary>
    /// The title of a message's node: the matter as <see cref="StudioRules.CitizenMatter"/> leaves it (no name or phone, digit
    /// runs of 7 or more masked as 「***」, no leading self-introduction) on one line, at most <see cref="TitleLength"/>
    /// characters (ending in 「…」 when cut).
    /// </summary>
    public static string Excerpt(string content, string name, string phone)
    {
        var text = StudioRules.CitizenMatter(content, name, phone).Replace('\n', ' ');
        var cut = OpinionText.Cut(text, TitleLength);
        return cut.Length < text.Length ? OpinionText.Cut(text, TitleLength - 1) + "…" : cut;
    }
}

/// <summary>
/// Members' studios in an outcome chain (type <c>studio</c>): name, published or not, township; readable by the studio
/// slice's list rule (<see cref="StudioRules.VisibleTo"/>: staff and leaders in scope, members of the committee and the
/// studio's own members). Link: the office's studio list (<c>/studios/manage</c>) for those who manage it, else the public page.
/// </summary>
public sealed class StudioResolver : IWorkItemResolver
{
    /// <inheritdoc />
    public WorkItemType Type => WorkItemType.Studio;

    /// <inheritdoc />
    public async Task<IReadOnlyList<ChainNode>> ResolveAsync(AppDbContext db, CurrentUser user, IReadOnlyCollection<int> ids, CancellationToken ct)
    {
        var rows = await db.Studios.AsNoTracking().Where(s => ids.Contains(s.Id))
            .Select(s => new { s.Id, s.Name, s.TownshipName, s.IsPublished, s.CommitteePath, s.CreatedAt }).ToListAsync(ct);
        var visible = await db.Studios.Where(s => ids.Contains(s.Id)).VisibleTo(db, user).Select(s => s.Id).ToListAsync(ct);
        return rows.Select(s => new ChainNode("studio", s.Id, OutcomeCodes.TypeName(WorkItemType.Studio), $"{s.Name}（{s.TownshipName}）",
            s.IsPublished ? "published" : "draft", s.IsPublished ? "已公开" : "未公开", ChinaTime.DayOf(s.CreatedAt),
            StudioRules.CanManage(user, s.CommitteePath) || !s.IsPublished ? "/studios/manage" : $"/studios/{s.Id}", visible.Contains(s.Id))).ToList();
    }
}

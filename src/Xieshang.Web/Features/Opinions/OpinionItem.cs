using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Xieshang.Web.Features.Committees;
using Xieshang.Web.Features.Members;
using Xieshang.Web.Features.Proposals;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Opinions;

/// <summary>
/// State of a public-opinion item (社情民意信息, DOMAIN.md §4.4). API codes are given by
/// <see cref="OpinionWorkflow.StateCode"/>; the edges are the data of <see cref="OpinionWorkflow.Graph"/>.
/// </summary>
public enum OpinionStatus
{
    /// <summary>草稿: being written; seen only by its author.</summary>
    Draft = 0,
    /// <summary>已报送: waiting for the office.</summary>
    Submitted = 1,
    /// <summary>审核中.</summary>
    UnderReview = 2,
    /// <summary>录用: may be edited into a bulletin issue; outcomes (adoption, instructions) are recorded on it.</summary>
    Accepted = 3,
    /// <summary>留存: kept for reference (may still be accepted later).</summary>
    Kept = 4,
    /// <summary>不采用, with a reason.</summary>
    NotUsed = 5,
    /// <summary>退回: the author may edit and submit again.</summary>
    Returned = 6,
    /// <summary>已撤回 by the author.</summary>
    Withdrawn = 7,
}

/// <summary>Level of an adopting committee or of an instructing leader.</summary>
public enum OpinionLevel
{
    /// <summary>县级, code <c>county</c>.</summary>
    County = 3,
    /// <summary>市级, code <c>city</c>.</summary>
    City = 2,
    /// <summary>省级, code <c>province</c>.</summary>
    Province = 1,
    /// <summary>全国, code <c>national</c>.</summary>
    National = 0,
}

/// <summary>Kind of a recorded outcome of an item.</summary>
public enum OpinionOutcomeKind
{
    /// <summary>采用 by a committee (the item's own or one above it).</summary>
    Adoption = 1,
    /// <summary>领导批示.</summary>
    Instruction = 2,
}

/// <summary>
/// A public-opinion item (社情民意信息): one matter, a title and a plain-text body of at most
/// <see cref="OpinionText.MaxBodyLength"/> characters (code points: a character beyond the BMP counts once).
/// Scope copies (<see cref="CommitteeId"/>, <see cref="CommitteePath"/>) are taken from the committee at creation.
/// The author is a member (<see cref="AuthorMemberId"/>); staff may enter an item for a member, and a proposal not
/// filed may be converted into one (<see cref="SourceProposalId"/>; a collective proposer has no member id and
/// keeps its name in <see cref="AuthorName"/>). <see cref="Version"/> is the optimistic-concurrency token.
/// </summary>
public sealed class OpinionItem
{
    public int Id { get; set; }
    public int CommitteeId { get; set; }
    public Committee? Committee { get; set; }
    /// <summary>Scope path of the committee the item is addressed to, e.g. <c>/CN/520000/520200/</c>.</summary>
    public string CommitteePath { get; set; } = "";
    public OpinionStatus Status { get; set; }
    /// <summary>Author (a member); null only for an item converted from a collective proposal.</summary>
    public int? AuthorMemberId { get; set; }
    public Member? AuthorMember { get; set; }
    /// <summary>Author's name at creation (shown in lists and bulletins).</summary>
    public string AuthorName { get; set; } = "";
    /// <summary>Account that created the item (the member, or staff entering it for a member).</summary>
    public string CreatedByUserId { get; set; } = "";
    /// <summary>Title, at most 100 characters.</summary>
    public string Title { get; set; } = "";
    /// <summary>Plain text (never HTML; pages escape it), at most 1,500 code points.</summary>
    public string Body { get; set; } = "";
    /// <summary>The office's note of the last decision (reason of not used, returned, kept).</summary>
    public string ReviewNote { get; set; } = "";
    /// <summary>The proposal this item was converted from (不予立案 → 社情民意), if any.</summary>
    public int? SourceProposalId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? SubmittedAt { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    /// <summary>Optimistic-concurrency token, incremented by every change.</summary>
    public int Version { get; set; }

    public List<OpinionCoAuthor> CoAuthors { get; set; } = [];
    public List<OpinionEvent> Events { get; set; } = [];

    /// <summary>
    /// Converts a proposal the office did not file into a submitted item (called by the proposal workflow's
    /// <c>reject</c> with <c>convertTo</c>). Adds, does not save: the item (in the proposal's committee, with its
    /// proposer as author, its title and its body as plain text cut to <see cref="OpinionText.MaxBodyLength"/>
    /// characters, <see cref="SourceProposalId"/> set) and its first timeline event. After the caller's
    /// <c>SaveChangesAsync</c> the item's <see cref="Id"/> is known (for <see cref="Proposal.ConvertedOpinionId"/>).
    /// </summary>
    public static OpinionItem CreateFromProposal(AppDbContext db, Proposal p, CurrentUser user, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        var item = new OpinionItem
        {
            CommitteeId = p.CommitteeId,
            CommitteePath = p.CommitteePath,
            Status = OpinionStatus.Submitted,
            AuthorMemberId = p.ProposerMemberId,
            AuthorName = OpinionText.Cut(p.ProposerName, 100),
            CreatedByUserId = p.CreatedByUserId,
            Title = OpinionText.Cut(OpinionText.Clean(p.Title), OpinionText.MaxTitleLength),
            Body = OpinionText.Cut(OpinionText.FromHtml(p.Body), OpinionText.MaxBodyLength),
            SourceProposalId = p.Id,
            CreatedAt = now,
            UpdatedAt = now,
            SubmittedAt = now,
        };
        item.Events.Add(new OpinionEvent
        {
            Action = OpinionWorkflow.Convert, FromStatus = OpinionStatus.Draft, ToStatus = OpinionStatus.Submitted,
            UserId = user.UserId, ActorName = OpinionText.Cut(user.DisplayName, 100), Actor = OpinionActors.Office,
            Comment = OpinionText.Cut($"由提案《{p.Title}》不予立案后转为社情民意信息。", 2000), At = now,
        });
        db.OpinionItems.Add(item);
        return item;
    }

    internal sealed class Configuration : IEntityTypeConfiguration<OpinionItem>
    {
        public void Configure(EntityTypeBuilder<OpinionItem> b)
        {
            b.Property(x => x.CommitteePath).HasMaxLength(64).UseOrdinalCollation();
            b.Property(x => x.AuthorName).HasMaxLength(100);
            b.Property(x => x.CreatedByUserId).HasMaxLength(64);
            b.Property(x => x.Title).HasMaxLength(OpinionText.MaxTitleLength * 2);
            // 1,500 code points are at most 3,000 UTF-16 units.
            b.Property(x => x.Body).HasMaxLength(OpinionText.MaxBodyLength * 2);
            b.Property(x => x.ReviewNote).HasMaxLength(2000);
            b.Property(x => x.Version).IsConcurrencyToken();
            b.HasOne(x => x.Committee).WithMany().HasForeignKey(x => x.CommitteeId).OnDelete(DeleteBehavior.Restrict);
            b.HasOne(x => x.AuthorMember).WithMany().HasForeignKey(x => x.AuthorMemberId).OnDelete(DeleteBehavior.Restrict);
            b.HasOne<Proposal>().WithMany().HasForeignKey(x => x.SourceProposalId).OnDelete(DeleteBehavior.Restrict);
            b.HasMany(x => x.CoAuthors).WithOne().HasForeignKey(x => x.OpinionItemId).OnDelete(DeleteBehavior.Cascade);
            b.HasMany(x => x.Events).WithOne().HasForeignKey(x => x.OpinionItemId).OnDelete(DeleteBehavior.Cascade);
            b.HasIndex(x => new { x.CommitteePath, x.Status, x.Id });
            b.HasIndex(x => new { x.AuthorMemberId, x.Id });
            b.HasIndex(x => x.CreatedByUserId);
            // One item per converted proposal.
            b.HasIndex(x => x.SourceProposalId).IsUnique();
        }
    }
}

/// <summary>A co-author (联合撰稿人) of an item: a member of the item's committee or below.</summary>
public sealed class OpinionCoAuthor
{
    public int Id { get; set; }
    public int OpinionItemId { get; set; }
    public int MemberId { get; set; }
    public Member? Member { get; set; }
    public int SortOrder { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<OpinionCoAuthor>
    {
        public void Configure(EntityTypeBuilder<OpinionCoAuthor> b)
        {
            b.HasIndex(x => new { x.OpinionItemId, x.MemberId }).IsUnique();
            b.HasIndex(x => x.MemberId);
            b.HasOne(x => x.Member).WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Restrict);
        }
    }
}

/// <summary>One recorded step of an item (the timeline): who, when, which action, from and to which state, the comment.</summary>
public sealed class OpinionEvent
{
    public long Id { get; set; }
    public int OpinionItemId { get; set; }
    /// <summary>Action code (<see cref="OpinionWorkflow"/>), or <c>create</c>, <c>edit</c>, <c>convert</c>, <c>bulletin</c>, <c>adoption</c>, <c>instruction</c>.</summary>
    public string Action { get; set; } = "";
    public OpinionStatus FromStatus { get; set; }
    public OpinionStatus ToStatus { get; set; }
    /// <summary>Account id, empty for the system.</summary>
    public string UserId { get; set; } = "";
    public string ActorName { get; set; } = "";
    /// <summary>Actor role used (<see cref="OpinionActors"/>).</summary>
    public string Actor { get; set; } = "";
    public string Comment { get; set; } = "";
    public DateTimeOffset At { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<OpinionEvent>
    {
        public void Configure(EntityTypeBuilder<OpinionEvent> b)
        {
            b.Property(x => x.Action).HasMaxLength(32);
            b.Property(x => x.UserId).HasMaxLength(64);
            b.Property(x => x.ActorName).HasMaxLength(100);
            b.Property(x => x.Actor).HasMaxLength(16);
            b.Property(x => x.Comment).HasMaxLength(2000);
            b.HasIndex(x => new { x.OpinionItemId, x.Id });
        }
    }
}

/// <summary>
/// A recorded outcome of an item: adoption (采用) by a committee — the item's own or one above it — or a leader's
/// instruction (批示) at a level. Each adds duty points to the author and co-authors through
/// <see cref="Duty.DutyLedger"/> (source <c>opinion</c>, the item's id).
/// </summary>
public sealed class OpinionOutcome
{
    public int Id { get; set; }
    public int OpinionItemId { get; set; }
    public OpinionOutcomeKind Kind { get; set; }
    public OpinionLevel Level { get; set; }
    /// <summary>The adopting committee (adoptions only).</summary>
    public int? CommitteeId { get; set; }
    public Committee? Committee { get; set; }
    /// <summary>The instructing leader's name (instructions only), e.g. <c>张三副省长</c>.</summary>
    public string LeaderName { get; set; } = "";
    /// <summary>The instruction's text, or a note on the adoption.</summary>
    public string Text { get; set; } = "";
    /// <summary>China date of the adoption or instruction.</summary>
    public DateOnly On { get; set; }
    public string RecordedByUserId { get; set; } = "";
    public DateTimeOffset RecordedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<OpinionOutcome>
    {
        public void Configure(EntityTypeBuilder<OpinionOutcome> b)
        {
            b.Property(x => x.LeaderName).HasMaxLength(64);
            b.Property(x => x.Text).HasMaxLength(2000);
            b.Property(x => x.RecordedByUserId).HasMaxLength(64);
            b.HasOne<OpinionItem>().WithMany().HasForeignKey(x => x.OpinionItemId).OnDelete(DeleteBehavior.Cascade);
            b.HasOne(x => x.Committee).WithMany().HasForeignKey(x => x.CommitteeId).OnDelete(DeleteBehavior.Restrict);
            b.HasIndex(x => x.OpinionItemId);
        }
    }
}

/// <summary>State of a bulletin issue.</summary>
public enum BulletinStatus
{
    /// <summary>编辑中.</summary>
    Draft = 0,
    /// <summary>已印发: numbered, its items fixed.</summary>
    Issued = 1,
}

/// <summary>
/// An issue of the bulletin 《社情民意》 of a committee, composed from accepted items (of the committee or below).
/// Issuing gives it the next number of the committee and China year (<see cref="Sequence"/>, unique per
/// committee and year, without gaps), shown as <see cref="Number"/> (<c>2026年第12期</c>). Recipients: a free list
/// (departments, leaders) and, when <see cref="SendToParent"/>, the parent committee (报送上级), whose lists then show it.
/// </summary>
public sealed class OpinionBulletin
{
    public int Id { get; set; }
    public int CommitteeId { get; set; }
    public Committee? Committee { get; set; }
    public string CommitteePath { get; set; } = "";
    public BulletinStatus Status { get; set; }
    /// <summary>Optional title of the issue (e.g. a theme); empty for a plain issue.</summary>
    public string Title { get; set; } = "";
    /// <summary>China year of the number (set on issue).</summary>
    public int? Year { get; set; }
    /// <summary>Number within committee and year (1-based), null until issued.</summary>
    public int? Sequence { get; set; }
    /// <summary><c>2026年第12期</c>, empty until issued.</summary>
    public string Number { get; set; } = "";
    /// <summary>Recipients (报送/抄送单位), one per line.</summary>
    public string Recipients { get; set; } = "";
    /// <summary>Sent upward to the parent committee.</summary>
    public bool SendToParent { get; set; }
    /// <summary>The parent committee it is sent to (set on issue when <see cref="SendToParent"/>).</summary>
    public int? ParentCommitteeId { get; set; }
    /// <summary>Scope path of <see cref="ParentCommitteeId"/> (its staff see the issue).</summary>
    public string ParentCommitteePath { get; set; } = "";
    public string CreatedByUserId { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? IssuedAt { get; set; }
    public int Version { get; set; }

    public List<OpinionBulletinItem> Items { get; set; } = [];

    /// <summary>The recipients as a list (blank lines dropped).</summary>
    public IReadOnlyList<string> RecipientList() =>
        Recipients.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    internal sealed class Configuration : IEntityTypeConfiguration<OpinionBulletin>
    {
        public void Configure(EntityTypeBuilder<OpinionBulletin> b)
        {
            b.Property(x => x.CommitteePath).HasMaxLength(64).UseOrdinalCollation();
            b.Property(x => x.ParentCommitteePath).HasMaxLength(64).UseOrdinalCollation();
            b.Property(x => x.Title).HasMaxLength(100);
            b.Property(x => x.Number).HasMaxLength(32);
            b.Property(x => x.Recipients).HasMaxLength(2000);
            b.Property(x => x.CreatedByUserId).HasMaxLength(64);
            b.Property(x => x.Version).IsConcurrencyToken();
            b.HasOne(x => x.Committee).WithMany().HasForeignKey(x => x.CommitteeId).OnDelete(DeleteBehavior.Restrict);
            b.HasOne<Committee>().WithMany().HasForeignKey(x => x.ParentCommitteeId).OnDelete(DeleteBehavior.Restrict);
            b.HasMany(x => x.Items).WithOne().HasForeignKey(x => x.BulletinId).OnDelete(DeleteBehavior.Cascade);
            // Numbers: unique per committee and year (null while a draft); issuing retries on a clash.
            b.HasIndex(x => new { x.CommitteeId, x.Year, x.Sequence }).IsUnique();
            b.HasIndex(x => new { x.CommitteePath, x.Id });
            b.HasIndex(x => new { x.ParentCommitteeId, x.Status });
        }
    }
}

/// <summary>An item in a bulletin issue, in the issue's order.</summary>
public sealed class OpinionBulletinItem
{
    public int Id { get; set; }
    public int BulletinId { get; set; }
    public int OpinionItemId { get; set; }
    public OpinionItem? OpinionItem { get; set; }
    public int SortOrder { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<OpinionBulletinItem>
    {
        public void Configure(EntityTypeBuilder<OpinionBulletinItem> b)
        {
            b.HasIndex(x => new { x.BulletinId, x.OpinionItemId }).IsUnique();
            b.HasIndex(x => x.OpinionItemId);
            b.HasOne(x => x.OpinionItem).WithMany().HasForeignKey(x => x.OpinionItemId).OnDelete(DeleteBehavior.Restrict);
        }
    }
}

/// <summary>Plain-text rules of items: lengths in code points, cleaning, HTML to text, cutting without splitting a character.</summary>
public static partial class OpinionText
{
    /// <summary>Most characters of a body (DOMAIN.md §4.4).</summary>
    public const int MaxBodyLength = 1500;
    /// <summary>Most characters of a title.</summary>
    public const int MaxTitleLength = 100;

    /// <summary>
    /// Characters as the limit counts them: Unicode code points (a character beyond the BMP such as 𠮷 counts once),
    /// after <see cref="Clean"/>. The page's counter counts the same way (<c>[...text].length</c>).
    /// </summary>
    public static int Length(string? s) => s is null ? 0 : s.EnumerateRunes().Count();

    /// <summary>Trims, turns CRLF and CR into LF, drops other control characters (except tabs and line feeds).</summary>
    public static string Clean(string? s)
    {
        if (string.IsNullOrEmpty(s)) return "";
        var t = s.Replace("\r\n", "\n").Replace('\r', '\n');
        var sb = new StringBuilder(t.Length);
        foreach (var ch in t)
            if (ch is '\n' or '\t' || !char.IsControl(ch)) sb.Append(ch);
        return sb.ToString().Trim();
    }

    /// <summary>Cuts to at most <paramref name="max"/> code points (never splits a surrogate pair).</summary>
    public static string Cut(string? s, int max)
    {
        if (string.IsNullOrEmpty(s)) return "";
        var sb = new StringBuilder();
        var n = 0;
        foreach (var r in s.EnumerateRunes())
        {
            if (n++ == max) break;
            sb.Append(r.ToString());
        }
        return sb.ToString();
    }

    [GeneratedRegex(@"<\s*(br|/p|/div|/li|/h[1-6]|/tr|/blockquote)\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex BreakTag();

    [GeneratedRegex(@"<[^>]*>")]
    private static partial Regex AnyTag();

    [GeneratedRegex(@"\n{3,}")]
    private static partial Regex ManyBreaks();

    /// <summary>Plain text of sanitised HTML (a proposal body): block ends become line breaks, tags go, entities are decoded.</summary>
    public static string FromHtml(string? html)
    {
        if (string.IsNullOrWhiteSpace(html)) return "";
        var t = BreakTag().Replace(html, "\n");
        t = AnyTag().Replace(t, "");
        t = WebUtility.HtmlDecode(t);
        t = string.Join('\n', Clean(t).Split('\n').Select(l => l.Trim()));
        return ManyBreaks().Replace(t, "\n\n").Trim();
    }
}

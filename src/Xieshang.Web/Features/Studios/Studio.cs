using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Xieshang.Web.Features.Activities;
using Xieshang.Web.Features.Committees;
using Xieshang.Web.Features.Members;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Studios;

/// <summary>Kind of a members' studio (API codes <c>sector</c>, <c>township</c>, <c>community</c>, <c>park</c>, <c>enterprise</c>).</summary>
public enum StudioKind
{
    /// <summary>界别委员工作室: a sector's studio (has a <see cref="Studio.SectorId"/>).</summary>
    Sector = 0,
    /// <summary>乡镇（街道）委员工作室.</summary>
    Township = 1,
    /// <summary>社区委员工作室.</summary>
    Community = 2,
    /// <summary>园区委员工作室.</summary>
    Park = 3,
    /// <summary>企业委员工作室.</summary>
    Enterprise = 4,
}

/// <summary>
/// A members' studio (委员工作室, DOMAIN.md §4.7): a place in a township-level unit (<see cref="TownshipCode"/>, from the
/// reference list <see cref="Townships"/>) where the committee's members on duty receive citizens. Belongs to one committee
/// (<see cref="CommitteePath"/> is the scope); optionally to one of its sectors. The public sees it only when
/// <see cref="IsPublished"/>; its <see cref="ContactPhone"/> is the studio's own public number, never a member's.
/// </summary>
public sealed class Studio
{
    public int Id { get; set; }
    public int CommitteeId { get; set; }
    public Committee? Committee { get; set; }
    /// <summary>Copy of the committee's path, e.g. <c>/CN/520000/520200/520201/</c>.</summary>
    public string CommitteePath { get; set; } = "";
    /// <summary>At most 100 characters, e.g. 民盟钟山区委员工作室.</summary>
    public string Name { get; set; } = "";
    public StudioKind Kind { get; set; }
    /// <summary>A sector of the studio's own committee (required for <see cref="StudioKind.Sector"/>, optional otherwise).</summary>
    public int? SectorId { get; set; }
    public Sector? Sector { get; set; }
    /// <summary>9-digit code of the township-level unit (statistics bureau 2023), e.g. <c>520201011</c>.</summary>
    public string TownshipCode { get; set; } = "";
    /// <summary>Copy of the township's name, e.g. 黄土坡街道.</summary>
    public string TownshipName { get; set; } = "";
    /// <summary>6-digit code of the township's county (for the public list by county).</summary>
    public string CountyCode { get; set; } = "";
    /// <summary>Street address, at most 200 characters.</summary>
    public string Address { get; set; } = "";
    /// <summary>How to get there in words (no map), at most 1,000 characters.</summary>
    public string Directions { get; set; } = "";
    /// <summary>Reception schedule as text, e.g. 每月第一个周三上午, at most 200 characters.</summary>
    public string Schedule { get; set; } = "";
    /// <summary>The studio's public contact phone (not a member's), at most 20 characters.</summary>
    public string ContactPhone { get; set; } = "";
    public bool IsPublished { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public List<StudioMember> Members { get; set; } = [];

    internal sealed class Configuration : IEntityTypeConfiguration<Studio>
    {
        public void Configure(EntityTypeBuilder<Studio> b)
        {
            b.Property(x => x.CommitteePath).HasMaxLength(64).UseOrdinalCollation();
            b.Property(x => x.Name).HasMaxLength(100);
            b.Property(x => x.TownshipCode).HasMaxLength(12);
            b.Property(x => x.TownshipName).HasMaxLength(64);
            b.Property(x => x.CountyCode).HasMaxLength(12);
            b.Property(x => x.Address).HasMaxLength(200);
            b.Property(x => x.Directions).HasMaxLength(1000);
            b.Property(x => x.Schedule).HasMaxLength(200);
            b.Property(x => x.ContactPhone).HasMaxLength(20);
            b.Property(x => x.CreatedBy).HasMaxLength(64);
            b.HasOne(x => x.Committee).WithMany().HasForeignKey(x => x.CommitteeId).OnDelete(DeleteBehavior.Restrict);
            b.HasOne(x => x.Sector).WithMany().HasForeignKey(x => x.SectorId).OnDelete(DeleteBehavior.Restrict);
            b.HasMany(x => x.Members).WithOne().HasForeignKey(x => x.StudioId).OnDelete(DeleteBehavior.Cascade);
            b.HasIndex(x => x.CommitteePath);
            b.HasIndex(x => x.TownshipCode);
        }
    }
}

/// <summary>A member of a studio: on duty (值班, answers messages and receives citizens) or not, with a note (e.g. 每月第一周).</summary>
public sealed class StudioMember
{
    public int Id { get; set; }
    public int StudioId { get; set; }
    public int MemberId { get; set; }
    public Member? Member { get; set; }
    public bool OnDuty { get; set; }
    /// <summary>At most 200 characters.</summary>
    public string DutyNote { get; set; } = "";

    internal sealed class Configuration : IEntityTypeConfiguration<StudioMember>
    {
        public void Configure(EntityTypeBuilder<StudioMember> b)
        {
            b.Property(x => x.DutyNote).HasMaxLength(200);
            b.HasOne(x => x.Member).WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Restrict);
            b.HasIndex(x => new { x.StudioId, x.MemberId }).IsUnique();
            b.HasIndex(x => x.MemberId);
        }
    }
}

/// <summary>Kind of a studio's activity (API codes <c>reception</c>, <c>courtyard</c>, <c>service</c>).</summary>
public enum StudioActivityKind
{
    /// <summary>接待日: members receive citizens at the studio.</summary>
    Reception = 0,
    /// <summary>院坝协商: a courtyard consultation.</summary>
    Courtyard = 1,
    /// <summary>服务活动: a service to the community (义诊, 法律咨询 …).</summary>
    Service = 2,
}

/// <summary>
/// A studio's activity: an <see cref="Activity"/> created through <see cref="ActivityRules"/> (invitees: the studio's
/// members), so invitations, check-in, attendance and duty records are the activities' own.
/// </summary>
public sealed class StudioActivity
{
    public int Id { get; set; }
    public int StudioId { get; set; }
    public int ActivityId { get; set; }
    public Activity? Activity { get; set; }
    public StudioActivityKind Kind { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<StudioActivity>
    {
        public void Configure(EntityTypeBuilder<StudioActivity> b)
        {
            b.HasOne<Studio>().WithMany().HasForeignKey(x => x.StudioId).OnDelete(DeleteBehavior.Cascade);
            b.HasOne(x => x.Activity).WithMany().HasForeignKey(x => x.ActivityId).OnDelete(DeleteBehavior.Cascade);
            b.HasIndex(x => x.ActivityId).IsUnique();
            b.HasIndex(x => x.StudioId);
        }
    }
}

/// <summary>State of a citizen's message (API codes <c>new</c>, <c>answered</c>, <c>converted</c>, <c>closed</c>).</summary>
public enum StudioMessageStatus
{
    /// <summary>待回复.</summary>
    New = 0,
    /// <summary>已答复: a member on duty (or staff) answered it.</summary>
    Answered = 1,
    /// <summary>已转办: turned into a proposal or a public-opinion item draft.</summary>
    Converted = 2,
    /// <summary>已关闭: closed without an answer (e.g. advertising, a duplicate).</summary>
    Closed = 3,
}

/// <summary>
/// A citizen's message to a studio, left without an account (name and phone optional). The citizen follows it with the
/// random <see cref="TrackingCode"/>. <see cref="Phone"/> is seen only by the studio's members on duty and staff in scope.
/// <see cref="ClientKey"/> is a keyed hash of the client's address for the abuse limits (the address itself is never stored);
/// <see cref="ChallengeNonce"/> makes each challenge token good for one message (unique index).
/// </summary>
public sealed class StudioMessage
{
    public int Id { get; set; }
    public int StudioId { get; set; }
    public Studio? Studio { get; set; }
    /// <summary>Copy of the studio's committee path (scope).</summary>
    public string CommitteePath { get; set; } = "";
    /// <summary>10 characters of <see cref="StudioGuard.TrackingAlphabet"/>, unique.</summary>
    public string TrackingCode { get; set; } = "";
    /// <summary>Optional, at most 50 characters.</summary>
    public string Name { get; set; } = "";
    /// <summary>Optional, at most 20 characters; private (members on duty and staff in scope only).</summary>
    public string Phone { get; set; } = "";
    /// <summary>Plain text, at most 1,000 characters (code points).</summary>
    public string Content { get; set; } = "";
    /// <summary>Optional photo, re-encoded without metadata (≤ 5 MB as received).</summary>
    public byte[]? Photo { get; set; }
    /// <summary><c>image/jpeg</c>, <c>image/png</c> or <c>image/webp</c> when there is a photo.</summary>
    public string PhotoContentType { get; set; } = "";
    public StudioMessageStatus Status { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? AnsweredAt { get; set; }
    /// <summary>Plain text, at most 2,000 characters; shown to the citizen.</summary>
    public string Answer { get; set; } = "";
    public int? AnsweredByMemberId { get; set; }
    /// <summary>Who answered (a member's or staff account's display name); internal.</summary>
    public string AnsweredByName { get; set; } = "";
    public int? ConvertedProposalId { get; set; }
    public int? ConvertedOpinionId { get; set; }
    public DateTimeOffset? ConvertedAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    /// <summary>Keyed SHA-256 of the client address (hex, 64 characters).</summary>
    public string ClientKey { get; set; } = "";
    /// <summary>The challenge token's nonce (hex); unique.</summary>
    public string ChallengeNonce { get; set; } = "";

    /// <summary>When the message was first answered or converted (the response), or null.</summary>
    public DateTimeOffset? RespondedAt => (AnsweredAt, ConvertedAt) switch
    {
        ({ } a, { } c) => a < c ? a : c,
        ({ } a, null) => a,
        (null, { } c) => c,
        _ => null,
    };

    internal sealed class Configuration : IEntityTypeConfiguration<StudioMessage>
    {
        public void Configure(EntityTypeBuilder<StudioMessage> b)
        {
            b.Property(x => x.CommitteePath).HasMaxLength(64).UseOrdinalCollation();
            b.Property(x => x.TrackingCode).HasMaxLength(16);
            b.Property(x => x.Name).HasMaxLength(50);
            b.Property(x => x.Phone).HasMaxLength(20);
            b.Property(x => x.Content).HasMaxLength(2000);
            b.Property(x => x.PhotoContentType).HasMaxLength(32);
            b.Property(x => x.Answer).HasMaxLength(4000);
            b.Property(x => x.AnsweredByName).HasMaxLength(64);
            b.Property(x => x.ClientKey).HasMaxLength(64);
            b.Property(x => x.ChallengeNonce).HasMaxLength(32);
            b.Ignore(x => x.RespondedAt);
            b.HasOne(x => x.Studio).WithMany().HasForeignKey(x => x.StudioId).OnDelete(DeleteBehavior.Cascade);
            b.HasIndex(x => x.TrackingCode).IsUnique();
            b.HasIndex(x => x.ChallengeNonce).IsUnique();
            b.HasIndex(x => new { x.StudioId, x.Status });
            b.HasIndex(x => new { x.ClientKey, x.CreatedAt });
        }
    }
}

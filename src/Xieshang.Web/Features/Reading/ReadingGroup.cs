using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Xieshang.Web.Features.Committees;
using Xieshang.Web.Features.Members;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Reading;

/// <summary>
/// A reading group of the reading programme (书香政协, DOMAIN.md §4.9): a committee's, or a sector's within a
/// committee (<see cref="SectorId"/>), with a group leader (领读人, a member of the group), members, a reading plan
/// and a shared book list (<see cref="ReadingBook"/>), check-ins with notes, comments and featured notes.
/// </summary>
public sealed class ReadingGroup
{
    public int Id { get; set; }
    /// <summary>At most 100 characters.</summary>
    public string Name { get; set; } = "";
    public int CommitteeId { get; set; }
    public Committee? Committee { get; set; }
    /// <summary>Copy of the committee's scope path.</summary>
    public string CommitteePath { get; set; } = "";
    /// <summary>The sector the group belongs to (界别读书小组), or null for a committee-wide group.</summary>
    public int? SectorId { get; set; }
    /// <summary>领读人: a member of the group.</summary>
    public int LeaderId { get; set; }
    public Member? Leader { get; set; }
    /// <summary>Plain text, at most 2,000 characters.</summary>
    public string Description { get; set; } = "";
    /// <summary>A closed group keeps its history but takes no check-ins.</summary>
    public bool IsClosed { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }

    public List<ReadingGroupMember> Members { get; set; } = [];

    internal sealed class Configuration : IEntityTypeConfiguration<ReadingGroup>
    {
        public void Configure(EntityTypeBuilder<ReadingGroup> b)
        {
            b.Property(x => x.Name).HasMaxLength(100);
            b.Property(x => x.Description).HasMaxLength(2000);
            b.Property(x => x.CommitteePath).HasMaxLength(64).UseOrdinalCollation();
            b.Property(x => x.CreatedBy).HasMaxLength(64);
            b.HasOne(x => x.Committee).WithMany().HasForeignKey(x => x.CommitteeId).OnDelete(DeleteBehavior.Restrict);
            b.HasOne<Sector>().WithMany().HasForeignKey(x => x.SectorId).OnDelete(DeleteBehavior.Restrict);
            b.HasOne(x => x.Leader).WithMany().HasForeignKey(x => x.LeaderId).OnDelete(DeleteBehavior.Restrict);
            b.HasMany(x => x.Members).WithOne().HasForeignKey(x => x.GroupId).OnDelete(DeleteBehavior.Cascade);
            b.HasIndex(x => x.CommitteePath);
        }
    }
}

/// <summary>A member of a reading group.</summary>
public sealed class ReadingGroupMember
{
    public int GroupId { get; set; }
    public int MemberId { get; set; }
    public Member? Member { get; set; }
    public DateTimeOffset JoinedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<ReadingGroupMember>
    {
        public void Configure(EntityTypeBuilder<ReadingGroupMember> b)
        {
            b.HasKey(x => new { x.GroupId, x.MemberId });
            b.HasOne(x => x.Member).WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Cascade);
            b.HasIndex(x => x.MemberId);
        }
    }
}

/// <summary>
/// A book of a group: in the reading plan (<see cref="InPlan"/>, with its period <see cref="PlanFrom"/>–<see cref="PlanTo"/>,
/// China calendar days, set by the leader or staff) or on the shared book list (suggested by any group member).
/// </summary>
public sealed class ReadingBook
{
    public int Id { get; set; }
    public int GroupId { get; set; }
    /// <summary>Title without 《》, at most 200 characters.</summary>
    public string Title { get; set; } = "";
    /// <summary>Author(s), at most 100 characters.</summary>
    public string Author { get; set; } = "";
    public bool InPlan { get; set; }
    public DateOnly? PlanFrom { get; set; }
    public DateOnly? PlanTo { get; set; }
    /// <summary>Why it is recommended, plain text, at most 500 characters.</summary>
    public string Recommendation { get; set; } = "";
    /// <summary>The member who suggested it (null when staff added it).</summary>
    public int? AddedByMemberId { get; set; }
    public string AddedBy { get; set; } = "";
    public DateTimeOffset AddedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<ReadingBook>
    {
        public void Configure(EntityTypeBuilder<ReadingBook> b)
        {
            b.Property(x => x.Title).HasMaxLength(200);
            b.Property(x => x.Author).HasMaxLength(100);
            b.Property(x => x.Recommendation).HasMaxLength(500);
            b.Property(x => x.AddedBy).HasMaxLength(64);
            b.HasOne<ReadingGroup>().WithMany().HasForeignKey(x => x.GroupId).OnDelete(DeleteBehavior.Cascade);
            b.HasOne<Member>().WithMany().HasForeignKey(x => x.AddedByMemberId).OnDelete(DeleteBehavior.SetNull);
            b.HasIndex(x => x.GroupId);
        }
    }
}

/// <summary>
/// A reading check-in (读书打卡) of a member in a group: the book (free title, matched to a <see cref="ReadingBook"/> of
/// the group when the titles agree), progress (pages or chapter, free text), minutes read, whether the book is now
/// finished, and an optional note (读书笔记, sanitised HTML). The group leader may feature the note (精选).
/// </summary>
public sealed class ReadingCheckIn
{
    public int Id { get; set; }
    public int GroupId { get; set; }
    public int MemberId { get; set; }
    public Member? Member { get; set; }
    /// <summary>Copy of the group's committee path (scope).</summary>
    public string CommitteePath { get; set; } = "";
    public int? BookId { get; set; }
    /// <summary>Book title as entered (without 《》), at most 200 characters.</summary>
    public string Book { get; set; } = "";
    /// <summary>Pages or chapter, e.g. 第3章 or 45–80页; at most 100 characters.</summary>
    public string Progress { get; set; } = "";
    /// <summary>Minutes read, 1–600.</summary>
    public int Minutes { get; set; }
    public bool Finished { get; set; }
    /// <summary>Reading note as sanitised HTML (empty when none), at most 20,000 characters.</summary>
    public string Note { get; set; } = "";
    /// <summary>China calendar day of the reading.</summary>
    public DateOnly Day { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>When the group leader featured the note (null = not featured).</summary>
    public DateTimeOffset? FeaturedAt { get; set; }
    public string FeaturedBy { get; set; } = "";

    internal sealed class Configuration : IEntityTypeConfiguration<ReadingCheckIn>
    {
        public void Configure(EntityTypeBuilder<ReadingCheckIn> b)
        {
            b.Property(x => x.CommitteePath).HasMaxLength(64).UseOrdinalCollation();
            b.Property(x => x.Book).HasMaxLength(200);
            b.Property(x => x.Progress).HasMaxLength(100);
            b.Property(x => x.Note).HasMaxLength(20000);
            b.Property(x => x.FeaturedBy).HasMaxLength(64);
            b.HasOne<ReadingGroup>().WithMany().HasForeignKey(x => x.GroupId).OnDelete(DeleteBehavior.Cascade);
            b.HasOne(x => x.Member).WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Cascade);
            b.HasOne<ReadingBook>().WithMany().HasForeignKey(x => x.BookId).OnDelete(DeleteBehavior.SetNull);
            b.HasIndex(x => new { x.GroupId, x.Day });
            b.HasIndex(x => new { x.MemberId, x.Day });
        }
    }
}

/// <summary>A comment on a check-in's note by a group member (or staff in scope); plain text, at most 500 characters.</summary>
public sealed class ReadingComment
{
    public int Id { get; set; }
    public int CheckInId { get; set; }
    /// <summary>The commenting member, or null for staff.</summary>
    public int? MemberId { get; set; }
    public string AuthorName { get; set; } = "";
    public string AuthorUserId { get; set; } = "";
    public string Text { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<ReadingComment>
    {
        public void Configure(EntityTypeBuilder<ReadingComment> b)
        {
            b.Property(x => x.AuthorName).HasMaxLength(50);
            b.Property(x => x.AuthorUserId).HasMaxLength(64);
            b.Property(x => x.Text).HasMaxLength(500);
            b.HasOne<ReadingCheckIn>().WithMany().HasForeignKey(x => x.CheckInId).OnDelete(DeleteBehavior.Cascade);
            b.HasOne<Member>().WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.SetNull);
            b.HasIndex(x => x.CheckInId);
        }
    }
}

/// <summary>
/// A committee's reading-to-duty rules (configurable; the nearest ancestor's row applies, else the defaults):
/// a member who in one China calendar month checks in at least <see cref="MonthlyMinCheckIns"/> times and reads at
/// least <see cref="MonthlyMinMinutes"/> minutes earns <c>reading.monthly</c>; each featured note earns
/// <c>reading.featured</c> when <see cref="FeaturedNoteCounts"/>. Points come from the scoring rule table.
/// </summary>
public sealed class ReadingDutyRule
{
    public int Id { get; set; }
    public int CommitteeId { get; set; }
    /// <summary>Copy of the committee's scope path; unique.</summary>
    public string CommitteePath { get; set; } = "";
    /// <summary>Check-ins per month, 1–31; default 4.</summary>
    public int MonthlyMinCheckIns { get; set; } = 4;
    /// <summary>Minutes per month, 0–10,000; default 120.</summary>
    public int MonthlyMinMinutes { get; set; } = 120;
    public bool FeaturedNoteCounts { get; set; } = true;
    public string UpdatedBy { get; set; } = "";
    public DateTimeOffset UpdatedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<ReadingDutyRule>
    {
        public void Configure(EntityTypeBuilder<ReadingDutyRule> b)
        {
            b.Property(x => x.CommitteePath).HasMaxLength(64).UseOrdinalCollation();
            b.Property(x => x.UpdatedBy).HasMaxLength(64);
            b.HasOne<Committee>().WithMany().HasForeignKey(x => x.CommitteeId).OnDelete(DeleteBehavior.Cascade);
            b.HasIndex(x => x.CommitteePath).IsUnique();
        }
    }
}

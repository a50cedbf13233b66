using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Xieshang.Web.Features.Committees;
using Xieshang.Web.Infrastructure.Data;
using Xieshang.Web.Infrastructure.Text;

namespace Xieshang.Web.Features.Members;

/// <summary>Position of a member in their committee (DOMAIN.md §1), in official precedence order.</summary>
public enum Position
{
    /// <summary>主席.</summary>
    Chairperson = 1,
    /// <summary>副主席.</summary>
    ViceChairperson = 2,
    /// <summary>秘书长.</summary>
    SecretaryGeneral = 3,
    /// <summary>常委 (standing-committee member).</summary>
    StandingMember = 4,
    /// <summary>委员.</summary>
    Member = 5,
}

/// <summary>
/// A committee member (委员). Belongs to one committee and one of its sectors. The search and sort
/// columns (<see cref="StrokeKey"/>, <see cref="PinyinKey"/>, <see cref="PinyinFull"/>,
/// <see cref="PinyinInitials"/>) are derived from <see cref="Name"/> by <see cref="SetName"/>;
/// <see cref="CommitteePath"/> copies the committee's scope path so scope filters need no join.
/// </summary>
public sealed class Member
{
    public int Id { get; set; }
    public int CommitteeId { get; set; }
    public Committee? Committee { get; set; }
    /// <summary>Copy of <see cref="Committee.Path"/>; set when the member is created or moved.</summary>
    public string CommitteePath { get; set; } = "";
    /// <summary>Normalised name (see <see cref="ChineseText.NormalizeName"/>); may contain <c>·</c> and characters beyond the BMP.</summary>
    public string Name { get; private set; } = "";
    public Gender Gender { get; set; }
    /// <summary>GB/T 3304 code of the member's ethnic group.</summary>
    public string EthnicGroupCode { get; set; } = "01";
    /// <summary>Month of birth (first day of the month): rosters record 出生年月 only.</summary>
    public DateOnly? BirthMonth { get; set; }
    /// <summary>Code of the political affiliation (<see cref="Party.Code"/>).</summary>
    public string PartyCode { get; set; } = "MASSES";
    public int SectorId { get; set; }
    public Sector? Sector { get; set; }
    public Position Position { get; set; } = Position.Member;
    /// <summary>Term number (届次), e.g. 9 for 第九届.</summary>
    public int Term { get; set; }
    /// <summary>工作单位及职务 (employer and job title).</summary>
    public string WorkUnit { get; set; } = "";
    /// <summary>Normalised phone: 11-digit mobile or <c>0858-8221234</c>; empty when unknown.</summary>
    public string Phone { get; set; } = "";
    public string Email { get; set; } = "";
    public bool IsActive { get; set; } = true;
    /// <summary>Hex ICU sort key for stroke order (按姓氏笔画); ordinal order of keys is roster order.</summary>
    public string StrokeKey { get; private set; } = "";
    /// <summary>Hex ICU sort key for pinyin order.</summary>
    public string PinyinKey { get; private set; } = "";
    /// <summary>Full pinyin without spaces, lowercase (<c>zhangsan</c>).</summary>
    public string PinyinFull { get; private set; } = "";
    /// <summary>Pinyin initials, lowercase (<c>zs</c>).</summary>
    public string PinyinInitials { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Sets the name (normalised) and every column derived from it.</summary>
    public void SetName(string raw)
    {
        var name = ChineseText.NormalizeName(raw);
        if (name == Name && StrokeKey.Length > 0) return;
        Name = name;
        StrokeKey = ChineseText.StrokeSortKey(name);
        PinyinKey = ChineseText.PinyinSortKey(name);
        (PinyinFull, PinyinInitials) = ChineseText.PinyinOf(name);
    }

    internal sealed class Configuration : IEntityTypeConfiguration<Member>
    {
        public void Configure(EntityTypeBuilder<Member> b)
        {
            b.Property(x => x.CommitteePath).HasMaxLength(64).UseOrdinalCollation();
            b.Property(x => x.Name).HasMaxLength(64);
            b.Property(x => x.EthnicGroupCode).HasMaxLength(2);
            b.Property(x => x.PartyCode).HasMaxLength(8);
            b.Property(x => x.WorkUnit).HasMaxLength(200);
            b.Property(x => x.Phone).HasMaxLength(20);
            b.Property(x => x.Email).HasMaxLength(120);
            b.Property(x => x.StrokeKey).HasMaxLength(400).UseOrdinalCollation();
            b.Property(x => x.PinyinKey).HasMaxLength(400).UseOrdinalCollation();
            b.Property(x => x.PinyinFull).HasMaxLength(200).UseOrdinalCollation();
            b.Property(x => x.PinyinInitials).HasMaxLength(64).UseOrdinalCollation();
            b.HasOne(x => x.Committee).WithMany().HasForeignKey(x => x.CommitteeId).OnDelete(DeleteBehavior.Restrict);
            b.HasOne(x => x.Sector).WithMany().HasForeignKey(x => x.SectorId).OnDelete(DeleteBehavior.Restrict);
            b.HasOne<EthnicGroup>().WithMany().HasForeignKey(x => x.EthnicGroupCode).OnDelete(DeleteBehavior.Restrict);
            b.HasOne<Party>().WithMany().HasForeignKey(x => x.PartyCode).OnDelete(DeleteBehavior.Restrict);
            // Roster order within a subtree: path prefix then stroke key (the default list query).
            b.HasIndex(x => new { x.CommitteePath, x.StrokeKey });
            // Pages of large scopes (a province, the whole country) in roster or pinyin order, and pinyin prefix search:
            // measured in docs/benchmarks.md (whole-country page 190 ms → 0.8 ms, national "zw" count 160 ms → 3 ms).
            b.HasIndex(x => new { x.StrokeKey, x.Id });
            b.HasIndex(x => new { x.PinyinKey, x.Id });
            b.HasIndex(x => x.PinyinInitials);
            b.HasIndex(x => x.PinyinFull);
            b.HasIndex(x => new { x.CommitteeId, x.Name, x.BirthMonth });
            b.HasIndex(x => x.Phone);
            b.HasIndex(x => x.SectorId);
        }
    }
}

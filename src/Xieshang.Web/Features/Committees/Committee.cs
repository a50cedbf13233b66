using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Committees;

/// <summary>Level of a CPPCC committee in the national tree (DOMAIN.md §1).</summary>
public enum CommitteeLevel
{
    /// <summary>全国政协, code <c>CN</c>.</summary>
    National = 0,
    /// <summary>省级政协: provinces, autonomous regions, municipalities (code <c>xx0000</c>).</summary>
    Province = 1,
    /// <summary>市级政协: cities and prefectures (code <c>xxxx00</c>).</summary>
    City = 2,
    /// <summary>县级政协: counties, districts, county-level cities, special districts (6-digit code).</summary>
    County = 3,
}

/// <summary>
/// A CPPCC committee (政协). One per administrative division of the statistics bureau's 2023
/// list (GB/T 2260 codes), plus the National Committee. <see cref="Path"/> is the materialised
/// scope path, e.g. <c>/CN/520000/520200/520201/</c>, used by every scope check.
/// </summary>
public sealed class Committee
{
    public int Id { get; set; }
    /// <summary><c>CN</c> for the National Committee, otherwise the 6-digit division code.</summary>
    public required string Code { get; set; }
    /// <summary>Display name, e.g. <c>六盘水市政协</c>.</summary>
    public required string Name { get; set; }
    public CommitteeLevel Level { get; set; }
    public int? ParentId { get; set; }
    public Committee? Parent { get; set; }
    /// <summary>Code of the parent committee (null for the National Committee).</summary>
    public string? ParentCode { get; set; }
    /// <summary>Materialised path of codes from the root, slash-delimited, ending with a slash.</summary>
    public required string Path { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<Committee>
    {
        public void Configure(EntityTypeBuilder<Committee> b)
        {
            b.Property(x => x.Code).HasMaxLength(12);
            b.HasIndex(x => x.Code).IsUnique();
            b.Property(x => x.Name).HasMaxLength(64);
            b.Property(x => x.ParentCode).HasMaxLength(12);
            b.Property(x => x.Path).HasMaxLength(64).UseOrdinalCollation();
            b.HasIndex(x => x.Path);
            b.HasIndex(x => x.ParentId);
            b.HasOne(x => x.Parent).WithMany().HasForeignKey(x => x.ParentId).OnDelete(DeleteBehavior.Restrict);
        }
    }
}

/// <summary>A sector (界别) of one committee, seeded from the 34 sectors of the 14th National Committee.</summary>
public sealed class Sector
{
    public int Id { get; set; }
    public int CommitteeId { get; set; }
    public Committee? Committee { get; set; }
    /// <summary>Full name, e.g. <c>中国民主同盟</c> or <c>经济界</c>.</summary>
    public required string Name { get; set; }
    /// <summary>Position in the committee's official sector order (1-based).</summary>
    public int SortOrder { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<Sector>
    {
        public void Configure(EntityTypeBuilder<Sector> b)
        {
            b.Property(x => x.Name).HasMaxLength(64);
            b.HasIndex(x => new { x.CommitteeId, x.Name }).IsUnique();
            b.HasOne(x => x.Committee).WithMany().HasForeignKey(x => x.CommitteeId).OnDelete(DeleteBehavior.Cascade);
        }
    }
}

/// <summary>A special committee (专门委员会) of a committee, e.g. 提案委员会.</summary>
public sealed class SpecialCommittee
{
    public int Id { get; set; }
    public int CommitteeId { get; set; }
    public Committee? Committee { get; set; }
    public required string Name { get; set; }
    public int SortOrder { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<SpecialCommittee>
    {
        public void Configure(EntityTypeBuilder<SpecialCommittee> b)
        {
            b.Property(x => x.Name).HasMaxLength(64);
            b.HasIndex(x => new { x.CommitteeId, x.Name }).IsUnique();
            b.HasOne(x => x.Committee).WithMany().HasForeignKey(x => x.CommitteeId).OnDelete(DeleteBehavior.Cascade);
        }
    }
}

/// <summary>An ethnic group of GB/T 3304-1991 (56 groups): numeric code <c>01</c>–<c>56</c>, letter code, name.</summary>
public sealed class EthnicGroup
{
    /// <summary>Two-digit numeric code, e.g. <c>01</c> for 汉族.</summary>
    public required string Code { get; set; }
    /// <summary>Two-letter romanised code, e.g. <c>HA</c>.</summary>
    public required string Letters { get; set; }
    /// <summary>Name, e.g. <c>汉族</c>.</summary>
    public required string Name { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<EthnicGroup>
    {
        public void Configure(EntityTypeBuilder<EthnicGroup> b)
        {
            b.HasKey(x => x.Code);
            b.Property(x => x.Code).HasMaxLength(2);
            b.Property(x => x.Letters).HasMaxLength(2);
            b.Property(x => x.Name).HasMaxLength(16);
        }
    }
}

/// <summary>A political affiliation as rosters record it (中共, the eight parties, 无党派人士, 群众).</summary>
public sealed class Party
{
    /// <summary>Stable code, e.g. <c>CPC</c>, <c>RCCK</c>, <c>CDL</c>.</summary>
    public required string Code { get; set; }
    /// <summary>Full name, e.g. <c>中国民主同盟</c>.</summary>
    public required string Name { get; set; }
    /// <summary>Short form rosters use, e.g. <c>民盟</c>.</summary>
    public required string ShortName { get; set; }
    public int SortOrder { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<Party>
    {
        public void Configure(EntityTypeBuilder<Party> b)
        {
            b.HasKey(x => x.Code);
            b.Property(x => x.Code).HasMaxLength(8);
            b.Property(x => x.Name).HasMaxLength(32);
            b.Property(x => x.ShortName).HasMaxLength(16);
        }
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Xieshang.Web.Features.Activities;
using Xieshang.Web.Features.Committees;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Consultations;

/// <summary>Type of a consultation (协商, DOMAIN.md §4.5). API codes are in <see cref="ConsultationTypes"/>.</summary>
public enum ConsultationType
{
    /// <summary>全体会议协商, code <c>plenary</c>.</summary>
    Plenary = 1,
    /// <summary>专题协商, code <c>thematic</c>.</summary>
    Thematic = 2,
    /// <summary>对口协商 (with the matching government department), code <c>counterpart</c>.</summary>
    Counterpart = 3,
    /// <summary>界别协商, code <c>sector</c>.</summary>
    Sector = 4,
    /// <summary>提案办理协商, code <c>proposal</c>.</summary>
    ProposalHandling = 5,
    /// <summary>网络议政, code <c>online</c>.</summary>
    Online = 6,
    /// <summary>远程协商, code <c>remote</c>.</summary>
    Remote = 7,
    /// <summary>园区(企业)协商 (grassroots), code <c>park</c>.</summary>
    IndustrialPark = 8,
    /// <summary>院坝协商 (grassroots, village courtyard), code <c>courtyard</c>.</summary>
    Courtyard = 9,
    /// <summary>社区协商 (grassroots), code <c>community</c>.</summary>
    Community = 10,
}

/// <summary>API codes and Chinese names of <see cref="ConsultationType"/>.</summary>
public static class ConsultationTypes
{
    /// <summary>Every type with its API code, Chinese name and whether it is a grassroots type (基层协商, non-members take part).</summary>
    public static readonly IReadOnlyList<(ConsultationType Type, string Code, string Name, bool Grassroots)> All =
    [
        (ConsultationType.Plenary, "plenary", "全体会议协商", false),
        (ConsultationType.Thematic, "thematic", "专题协商", false),
        (ConsultationType.Counterpart, "counterpart", "对口协商", false),
        (ConsultationType.Sector, "sector", "界别协商", false),
        (ConsultationType.ProposalHandling, "proposal", "提案办理协商", false),
        (ConsultationType.Online, "online", "网络议政", false),
        (ConsultationType.Remote, "remote", "远程协商", false),
        (ConsultationType.IndustrialPark, "park", "园区(企业)协商", true),
        (ConsultationType.Courtyard, "courtyard", "院坝协商", true),
        (ConsultationType.Community, "community", "社区协商", true),
    ];

    /// <summary>API code of <paramref name="type"/>.</summary>
    public static string Code(ConsultationType type) => All.First(t => t.Type == type).Code;

    /// <summary>Chinese name of <paramref name="type"/>.</summary>
    public static string Name(ConsultationType type) => All.First(t => t.Type == type).Name;

    /// <summary>Parses an API code (case-insensitive); null when unknown.</summary>
    public static ConsultationType? Parse(string? code) =>
        All.FirstOrDefault(t => string.Equals(t.Code, code?.Trim(), StringComparison.OrdinalIgnoreCase)) is { Code: not null } hit ? hit.Type : null;
}

/// <summary>
/// A consultation (协商) held by one committee (<see cref="CommitteeId"/>, scope path copied to <see cref="CommitteePath"/>).
/// Its meeting is an <see cref="Activity"/> of type <see cref="ActivityType.Consultation"/> (<see cref="ActivityId"/>), which
/// carries invitations, attendance and duty records. An online deliberation (网络议政) may be attached to it.
/// </summary>
public sealed class Consultation
{
    public int Id { get; set; }
    public int CommitteeId { get; set; }
    public Committee? Committee { get; set; }
    /// <summary>Copy of the committee's <see cref="Committee.Path"/>, e.g. <c>/CN/520000/520200/</c>.</summary>
    public string CommitteePath { get; set; } = "";
    /// <summary>Topic (协商议题), at most 200 characters.</summary>
    public string Title { get; set; } = "";
    public ConsultationType Type { get; set; }
    /// <summary>The meeting as an activity (attendance, duty records); null until the meeting is scheduled.</summary>
    public int? ActivityId { get; set; }
    public Activity? Activity { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<Consultation>
    {
        public void Configure(EntityTypeBuilder<Consultation> b)
        {
            b.Property(x => x.Title).HasMaxLength(200);
            b.Property(x => x.CommitteePath).HasMaxLength(64).UseOrdinalCollation();
            b.Property(x => x.CreatedBy).HasMaxLength(64);
            b.HasOne(x => x.Committee).WithMany().HasForeignKey(x => x.CommitteeId).OnDelete(DeleteBehavior.Restrict);
            b.HasOne(x => x.Activity).WithMany().HasForeignKey(x => x.ActivityId).OnDelete(DeleteBehavior.Restrict);
            b.HasIndex(x => x.CommitteePath);
        }
    }
}

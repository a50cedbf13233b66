using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Xieshang.Web.Features.Members;

namespace Xieshang.Web.Features.Calendar;

/// <summary>
/// A member's secret iCalendar feed URL (<c>/calendar/{token}.ics</c>). Only the SHA-256 of the token is stored
/// (hex, 64 characters); revoking sets <see cref="RevokedAt"/> and the old URL stops working at once.
/// </summary>
public sealed class CalendarFeed
{
    public int Id { get; set; }
    public int MemberId { get; set; }
    public string TokenHash { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }

    internal sealed class Configuration : IEntityTypeConfiguration<CalendarFeed>
    {
        public void Configure(EntityTypeBuilder<CalendarFeed> b)
        {
            b.Property(x => x.TokenHash).HasMaxLength(64);
            b.HasOne<Member>().WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Cascade);
            b.HasIndex(x => x.TokenHash).IsUnique();
            b.HasIndex(x => x.MemberId);
        }
    }
}

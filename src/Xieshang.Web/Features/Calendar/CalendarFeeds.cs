using Xieshang.Web.Infrastructure;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Xieshang.Web.Features.Activities;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Calendar;

/// <summary>
/// A member's secret iCalendar feed (订阅到手机日历). The token (32 random bytes, base64url, 43 characters) is the only
/// credential of <c>GET /calendar/{token}.ics</c>; only its SHA-256 is stored (<see cref="CalendarFeed.TokenHash"/>),
/// so the full URL is shown once, when it is made. A member has at most one working feed: making a new one revokes
/// the previous one, and a lookup also refuses any feed older than the member's newest (two racing "create" clicks
/// still leave one working URL). Tokens are never logged; log lines name the feed's id.
/// </summary>
public static class CalendarFeeds
{
    private static readonly DateTimeOffset SequenceEpoch = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>How far back the feed reaches.</summary>
    public const int PastDays = 90;
    /// <summary>How far ahead the feed reaches.</summary>
    public const int FutureDays = 365;
    /// <summary>Length of a token as text.</summary>
    public const int TokenLength = 43;

    /// <summary>A fresh random token.</summary>
    public static string NewToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>SHA-256 of the token, lower-case hex (what is stored).</summary>
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>True when <paramref name="token"/> has the shape of a token (43 base64url characters); saves a lookup for junk.</summary>
    public static bool IsWellFormed(string? token) =>
        token is { Length: TokenLength } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>The feed URL of <paramref name="token"/> under <paramref name="baseUri"/> (the site's address, e.g. <c>https://xs.example/</c>).</summary>
    public static string Url(string baseUri, string token) => $"{baseUri.TrimEnd('/')}/calendar/{token}.ics";

    /// <summary>The member's working feed, if any.</summary>
    public static Task<CalendarFeed?> ActiveAsync(AppDbContext db, int memberId, CancellationToken ct = default) =>
        db.CalendarFeeds.AsNoTracking().Where(f => f.MemberId == memberId && f.RevokedAt == null)
            .OrderByDescending(f => f.Id).FirstOrDefaultAsync(ct);

    /// <summary>Makes a new feed for <paramref name="memberId"/>, revoking any earlier one, and returns its token (shown once, stored only as a hash).</summary>
    public static async Task<(string Token, CalendarFeed Feed)> CreateAsync(AppDbContext db, int memberId, TimeProvider clock, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        foreach (var old in await db.CalendarFeeds.Where(f => f.MemberId == memberId && f.RevokedAt == null).ToListAsync(ct))
            old.RevokedAt = now;
        var token = NewToken();
        var feed = new CalendarFeed { MemberId = memberId, TokenHash = Hash(token), CreatedAt = now };
        db.CalendarFeeds.Add(feed);
        await db.SaveChangesAsync(ct);
        return (token, feed);
    }

    /// <summary>Revokes the member's working feed(s); returns how many were revoked (0 when there was none).</summary>
    public static async Task<int> RevokeAsync(AppDbContext db, int memberId, TimeProvider clock, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var active = await db.CalendarFeeds.Where(f => f.MemberId == memberId && f.RevokedAt == null).ToListAsync(ct);
        foreach (var f in active) f.RevokedAt = now;
        if (active.Count > 0) await db.SaveChangesAsync(ct);
        return active.Count;
    }

    /// <summary>
    /// The feed a token opens: not revoked, the member's newest, and the member still active; otherwise null
    /// (unknown, revoked, replaced and deactivated all look the same to the caller).
    /// </summary>
    public static async Task<(int FeedId, int MemberId, string MemberName)?> OpenAsync(AppDbContext db, string token, CancellationToken ct = default)
    {
        if (!IsWellFormed(token)) return null;
        var hash = Hash(token);
        var hit = await db.CalendarFeeds.AsNoTracking()
            .Where(f => f.TokenHash == hash && f.RevokedAt == null && !db.CalendarFeeds.Any(n => n.MemberId == f.MemberId && n.Id > f.Id))
            .Join(db.Members.Where(m => m.IsActive), f => f.MemberId, m => m.Id, (f, m) => new { f.Id, f.MemberId, m.Name })
            .FirstOrDefaultAsync(ct);
        return hit is null ? null : (hit.Id, hit.MemberId, hit.Name);
    }

    /// <summary>
    /// The member's calendar as iCalendar text: the published, postponed and cancelled activities they are invited to,
    /// from <see cref="PastDays"/> days before <paramref name="now"/> to <see cref="FutureDays"/> days after it.
    /// UIDs are stable per activity (<c>activity-{id}@xieshang</c>), so a postponement moves the event in the phone's
    /// calendar instead of adding one; times are UTC; cancelled activities stay in with <c>STATUS:CANCELLED</c>.
    /// </summary>
    public static async Task<string> BuildAsync(AppDbContext db, int memberId, string memberName, DateTimeOffset now, string baseUri,
        IStringLocalizer<CalendarText> text, CancellationToken ct = default)
    {
        var entries = await CalendarQueries.EntriesAsync(db, CalendarQueries.AsMember(memberId), CalendarSubject.Member(memberId),
            now.AddDays(-PastDays), now.AddDays(FutureDays), take: 5000, ct);
        var site = baseUri.TrimEnd('/');
        var cal = new Ical.Net.Calendar { ProductId = "-//Xieshang//Calendar 1.0//ZH", Method = "PUBLISH" };
        cal.AddProperty("X-WR-CALNAME", text["FeedName", memberName]);
        cal.AddProperty("X-WR-CALDESC", text["FeedDescription"]);
        cal.AddProperty("X-WR-TIMEZONE", "Asia/Shanghai");
        cal.AddProperty("X-PUBLISHED-TTL", "PT1H");
        var stamp = Utc(now);
        foreach (var e in entries)
        {
            var cancelled = e.Status == ActivityStatus.Cancelled;
            var description = new StringBuilder()
                .AppendLine(text["FeedType", e.TypeName])
                .AppendLine(text["FeedOrganizers", string.Join("、", e.Organizers)]);
            if (e.Place.Length > 0 && e.OnlineLink.Length > 0) description.AppendLine(text["FeedOnline", e.OnlineLink]);
            if (e.Mandatory) description.AppendLine(text["Mandatory"]);
            if (e.Status == ActivityStatus.Postponed && e.OriginalStartsAt is { } was)
                description.AppendLine(text["FeedPostponed", ChinaTime.InChina(was).ToString("yyyy-MM-dd HH:mm")]);
            if (cancelled) description.AppendLine(text["StatusCancelled"] + (e.CancelReason.Length > 0 ? text["Colon"] + e.CancelReason : ""));
            if (CalendarLabels.ResponseKey(e) is { } key) description.AppendLine(text["FeedResponse", text[key]]);
            description.Append(text["FeedDetails", $"{site}/activities/{e.Id}"]);
            cal.Events.Add(new CalendarEvent
            {
                Uid = $"activity-{e.Id}@xieshang",
                Summary = cancelled ? text["CancelledPrefix"] + e.Title : e.Title,
                Start = Utc(e.StartsAt),
                End = Utc(e.EndsAt),
                Location = e.Where.Length > 0 ? e.Where : null,
                Description = description.ToString(),
                Status = cancelled ? Ical.Net.EventStatus.Cancelled : Ical.Net.EventStatus.Confirmed,
                Url = new Uri($"{site}/activities/{e.Id}"),
                DtStamp = stamp,
                LastModified = Utc(e.UpdatedAt),
                // RFC 5545 §3.8.7.4: SEQUENCE grows with each significant revision, so calendars apply a postponement or a
                // cancellation instead of keeping the old copy. Minutes since 2020 of the last change only ever grow.
                Sequence = (int)Math.Max(0, (e.UpdatedAt - SequenceEpoch).TotalMinutes),
                Categories = [e.TypeName],
            });
        }
        return new CalendarSerializer().SerializeToString(cal) ?? "";
    }

    private static CalDateTime Utc(DateTimeOffset at) => new(at.UtcDateTime, CalDateTime.UtcTzId);
}

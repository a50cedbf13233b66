using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;
using Xieshang.Web.Infrastructure.Notifications;

namespace Xieshang.Web.Features.Inbox;

/// <summary>
/// Whose inbox: the signed-in account (<see cref="UserId"/>) and, for a member account, its member
/// (<see cref="MemberId"/>): notifications addressed to either belong to it, and no others.
/// </summary>
public sealed record InboxOwner(string UserId, int? MemberId)
{
    /// <summary>The owner of the signed-in principal; null when it carries no account id (anonymous).</summary>
    public static InboxOwner? Of(ClaimsPrincipal? user) =>
        user?.Identity?.IsAuthenticated == true && user.FindFirstValue(ClaimTypes.NameIdentifier) is { Length: > 0 } id
            ? new InboxOwner(id, CurrentUser.From(user).MemberId)
            : null;
}

/// <summary>One inbox message as the API returns it; <c>readAt</c> is null while unread.</summary>
public sealed record InboxItem(long Id, string Kind, string Title, string Body, string Link, DateTimeOffset CreatedAt, DateTimeOffset? ReadAt);

/// <summary>A page of the inbox: <c>{items, total, unread}</c> (<c>total</c> counts the filter's matches, <c>unread</c> the whole inbox's unread).</summary>
public sealed record InboxList(IReadOnlyList<InboxItem> Items, int Total, int Unread);

/// <summary>The inbox queries behind <c>/api/inbox</c> and the page: every one filtered by <see cref="Mine"/>.</summary>
public static class InboxQueries
{
    /// <summary>Largest page size of the API; the page uses <see cref="PageSize"/>.</summary>
    public const int MaxPageSize = 100;
    /// <summary>Messages per page by default.</summary>
    public const int PageSize = 20;
    /// <summary>Largest page number served.</summary>
    public const int MaxPage = 100_000;

    /// <summary>The owner's notifications only: addressed to the account, or to the member the account is linked to.</summary>
    public static IQueryable<Notification> Mine(this IQueryable<Notification> q, InboxOwner owner) =>
        owner.MemberId is { } mid
            ? q.Where(n => n.UserId == owner.UserId || n.MemberId == mid)
            : q.Where(n => n.UserId == owner.UserId);

    /// <summary>A page of the owner's inbox, newest first; <paramref name="unreadOnly"/> keeps unread messages only.</summary>
    public static async Task<InboxList> ListAsync(AppDbContext db, InboxOwner owner, bool unreadOnly, int page, int pageSize, CancellationToken ct)
    {
        var mine = db.Notifications.AsNoTracking().Mine(owner);
        var filtered = unreadOnly ? mine.Where(n => n.ReadAt == null) : mine;
        var total = await filtered.CountAsync(ct);
        var unread = unreadOnly ? total : await mine.CountAsync(n => n.ReadAt == null, ct);
        var items = await filtered.OrderByDescending(n => n.Id).Skip((page - 1) * pageSize).Take(pageSize)
            .Select(n => new InboxItem(n.Id, n.Kind, n.Title, n.Body, n.Link, n.CreatedAt, n.ReadAt))
            .ToListAsync(ct);
        return new InboxList(items, total, unread);
    }

    /// <summary>Unread messages of the owner.</summary>
    public static Task<int> UnreadCountAsync(AppDbContext db, InboxOwner owner, CancellationToken ct) =>
        db.Notifications.Mine(owner).CountAsync(n => n.ReadAt == null, ct);

    /// <summary>
    /// Marks one of the owner's messages read (a single UPDATE: no audit row for reading mail). False when no message of
    /// the owner has that id — someone else's message is indistinguishable from a missing one. Marking twice is fine.
    /// </summary>
    public static async Task<bool> MarkReadAsync(AppDbContext db, InboxOwner owner, long id, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var mine = db.Notifications.Mine(owner).Where(n => n.Id == id);
        if (await mine.Where(n => n.ReadAt == null).ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), ct) == 1) return true;
        return await mine.AnyAsync(ct);
    }

    /// <summary>Marks every unread message of the owner read; returns how many.</summary>
    public static Task<int> MarkAllReadAsync(AppDbContext db, InboxOwner owner, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return db.Notifications.Mine(owner).Where(n => n.ReadAt == null).ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), ct);
    }

    /// <summary>The local link of one of the owner's messages (empty when it has none); null when it is not the owner's.</summary>
    public static Task<string?> LinkAsync(AppDbContext db, InboxOwner owner, long id, CancellationToken ct) =>
        db.Notifications.AsNoTracking().Mine(owner).Where(n => n.Id == id).Select(n => n.Link).FirstOrDefaultAsync(ct);
}

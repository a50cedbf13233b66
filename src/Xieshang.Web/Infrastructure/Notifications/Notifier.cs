using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Infrastructure.Notifications;

/// <summary>What to tell people: a kind code (<c>activity.published</c>…), a title, a plain-text body and a local link.</summary>
public sealed record Notice(string Kind, string Title, string Body, string Link);

/// <summary>
/// The one way features notify people: an inbox row per recipient and, where the recipient has an e-mail
/// address, an <see cref="OutboxMail"/> row, both added to the context so they commit with the change
/// that caused them (the caller saves). Mail leaves through the outbox sender, never inline.
/// </summary>
public static class Notifier
{
    /// <summary>Notifies members (by member id); members without an e-mail address get the inbox row only.</summary>
    public static async Task ToMembersAsync(AppDbContext db, IReadOnlyCollection<int> memberIds, Notice notice, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        foreach (var chunk in memberIds.Distinct().Chunk(1000))
        {
            var members = await db.Members.AsNoTracking().Where(m => chunk.Contains(m.Id)).Select(m => new { m.Id, m.Name, m.Email }).ToListAsync(ct);
            foreach (var m in members)
            {
                db.Notifications.Add(new Notification { MemberId = m.Id, Kind = notice.Kind, Title = notice.Title, Body = notice.Body, Link = notice.Link, CreatedAt = now });
                if (m.Email.Length > 0) db.OutboxMails.Add(Mail(m.Email, m.Name, notice, now));
            }
        }
    }

    /// <summary>Notifies accounts (by <see cref="Auth.AppUser"/> id), e.g. the leaders who decide on leave.</summary>
    public static async Task ToUsersAsync(AppDbContext db, IReadOnlyCollection<string> userIds, Notice notice, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var ids = userIds.Distinct().ToList();
        var users = await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id)).Select(u => new { u.Id, u.DisplayName, u.Email }).ToListAsync(ct);
        foreach (var u in users)
        {
            db.Notifications.Add(new Notification { UserId = u.Id, Kind = notice.Kind, Title = notice.Title, Body = notice.Body, Link = notice.Link, CreatedAt = now });
            if (!string.IsNullOrEmpty(u.Email)) db.OutboxMails.Add(Mail(u.Email, u.DisplayName, notice, now));
        }
    }

    private static OutboxMail Mail(string to, string name, Notice n, DateTimeOffset now) => new()
    {
        To = to, ToName = name.Length > 64 ? name[..64] : name, Subject = n.Title.Length > 200 ? n.Title[..200] : n.Title,
        Body = n.Body + (n.Link.Length > 0 ? "\n\n" + n.Link : ""), CreatedAt = now, NextAttemptAt = now,
    };
}

using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Infrastructure.Notifications;

/// <summary>What to tell people: a kind code (<c>activity.published</c>…), a title, a plain-text body and a local link.</summary>
public sealed record Notice(string Kind, string Title, string Body, string Link);

/// <summary>
/// The one way features notify people: an inbox row per recipient and, where the recipient has an e-mail
/// address, an <see cref="OutboxMail"/> row, both added to the context so they commit with the change
/// that caused them (the caller saves). Mail leaves through the outbox sender (<see cref="MailSender"/>), never inline.
/// Texts longer than their columns are cut at a character boundary (never inside a surrogate pair such as 𠮷).
/// </summary>
public static class Notifier
{
    /// <summary>
    /// Label of the link line at the end of a mail body (<c>查看详情：/activities/12</c>); <see cref="MailComposer"/>
    /// turns the local path after it into an absolute address under <c>App:PublicUrl</c> when the mail is sent.
    /// </summary>
    public const string LinkLabel = "查看详情：";

    /// <summary>Notifies members (by member id); members without an e-mail address get the inbox row only.</summary>
    public static async Task ToMembersAsync(AppDbContext db, IReadOnlyCollection<int> memberIds, Notice notice, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var n = Fit(notice);
        foreach (var chunk in memberIds.Distinct().Chunk(1000))
        {
            var members = await db.Members.AsNoTracking().Where(m => chunk.Contains(m.Id)).Select(m => new { m.Id, m.Name, m.Email }).ToListAsync(ct);
            foreach (var m in members)
            {
                db.Notifications.Add(new Notification { MemberId = m.Id, Kind = n.Kind, Title = n.Title, Body = n.Body, Link = n.Link, CreatedAt = now });
                if (!string.IsNullOrWhiteSpace(m.Email)) db.OutboxMails.Add(Mail(m.Email, m.Name, n, now));
            }
        }
    }

    /// <summary>Notifies accounts (by <see cref="Auth.AppUser"/> id), e.g. the leaders who decide on leave.</summary>
    public static async Task ToUsersAsync(AppDbContext db, IReadOnlyCollection<string> userIds, Notice notice, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var n = Fit(notice);
        foreach (var chunk in userIds.Distinct().Chunk(1000))
        {
            var users = await db.Users.AsNoTracking().Where(u => chunk.Contains(u.Id)).Select(u => new { u.Id, u.DisplayName, u.UserName, u.Email }).ToListAsync(ct);
            foreach (var u in users)
            {
                db.Notifications.Add(new Notification { UserId = u.Id, Kind = n.Kind, Title = n.Title, Body = n.Body, Link = n.Link, CreatedAt = now });
                if (!string.IsNullOrWhiteSpace(u.Email)) db.OutboxMails.Add(Mail(u.Email, u.DisplayName.Length > 0 ? u.DisplayName : u.UserName ?? "", n, now));
            }
        }
    }

    /// <summary>
    /// <paramref name="text"/> cut to at most <paramref name="max"/> UTF-16 units without splitting a character
    /// (a surrogate pair or a base letter and its combining marks); an ellipsis marks the cut.
    /// </summary>
    public static string Cut(string text, int max)
    {
        if (text.Length <= max) return text;
        var end = 0;
        var e = StringInfo.GetTextElementEnumerator(text);
        while (e.MoveNext())
        {
            var next = e.ElementIndex + ((string)e.Current).Length;
            if (next > max - 1) break;
            end = next;
        }
        return text[..end] + "…";
    }

    /// <summary>The notice cut to the inbox columns (<see cref="Notification"/>); a link that does not fit is dropped rather than broken.</summary>
    private static Notice Fit(Notice n) =>
        new(Cut(n.Kind, 32), Cut(n.Title, 200), Cut(n.Body, 2000), n.Link.Length <= 200 ? n.Link : "");

    private static OutboxMail Mail(string to, string name, Notice n, DateTimeOffset now) => new()
    {
        To = to.Trim(), ToName = Cut(name, 64), Subject = n.Title,
        Body = n.Body + (n.Link.Length > 0 ? "\n\n" + LinkLabel + n.Link : ""), CreatedAt = now, NextAttemptAt = now,
    };
}

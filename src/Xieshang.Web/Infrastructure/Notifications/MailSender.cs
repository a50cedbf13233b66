using MailKit.Net.Smtp;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Text;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Infrastructure.Notifications;

/// <summary>What one <see cref="MailSender.SendPendingAsync"/> call did.</summary>
/// <param name="Sent">Mails handed to the SMTP server or written to the pickup folder.</param>
/// <param name="Failed">Mails that failed and will be tried again later.</param>
/// <param name="GaveUp">Mails that failed for the last time (attempts used up, or refused permanently).</param>
public sealed record MailBatchResult(int Sent, int Failed, int GaveUp)
{
    /// <summary>Nothing was due.</summary>
    public static readonly MailBatchResult Empty = new(0, 0, 0);
}

/// <summary>Turns an <see cref="OutboxMail"/> row into a MIME message (UTF-8 plain text, absolute links).</summary>
public static class MailComposer
{
    /// <summary>Closing line of every mail.</summary>
    public const string Footer = "本邮件由政协履职平台自动发送，请勿直接回复。";

    /// <summary>
    /// Builds the message. The body's link line (<see cref="Notifier.LinkLabel"/> + a local path, written by
    /// <see cref="Notifier"/>) becomes an absolute address under <c>App:PublicUrl</c>. The Message-Id is derived from the
    /// row, so a mail sent twice (a crash between sending and recording it) can be recognised as one by the receiver.
    /// </summary>
    public static MimeMessage Compose(OutboxMail mail, MailboxAddress from, PublicUrlOptions urls)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(from.Name, from.Address));
        message.To.Add(new MailboxAddress(mail.ToName, mail.To));
        message.Subject = mail.Subject;
        message.Date = mail.CreatedAt;
        var domain = from.Address[(from.Address.LastIndexOf('@') + 1)..];
        message.MessageId = $"outbox.{mail.Id}.{mail.CreatedAt.UtcTicks}@{domain}";
        message.Headers.Add("Auto-Submitted", "auto-generated");
        var body = new TextPart(TextFormat.Plain);
        body.SetText(System.Text.Encoding.UTF8, Body(mail.Body, urls));
        message.Body = body;
        return message;
    }

    /// <summary>The plain-text body as sent: the stored text with its link made absolute, then <see cref="Footer"/>.</summary>
    public static string Body(string stored, PublicUrlOptions urls)
    {
        var lines = stored.Replace("\r\n", "\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
            if (lines[i].StartsWith(Notifier.LinkLabel, StringComparison.Ordinal))
                lines[i] = Notifier.LinkLabel + urls.Absolute(lines[i][Notifier.LinkLabel.Length..].Trim());
        return string.Join("\n", lines) + "\n\n——\n" + Footer + "\n";
    }
}

/// <summary>
/// Sends the outbox (<see cref="OutboxMail"/>): through SMTP with MailKit when <c>Smtp:Host</c> is set, otherwise as
/// <c>.eml</c> files into the pickup folder. A failed mail is kept with <see cref="OutboxMail.Attempts"/> counted up,
/// <see cref="OutboxMail.LastError"/> and a later <see cref="OutboxMail.NextAttemptAt"/> (back-off doubling from
/// <see cref="SmtpOptions.RetrySeconds"/>); after <see cref="SmtpOptions.MaxAttempts"/> attempts, or a permanent
/// refusal (5xx), it is left alone. The background shell (<see cref="NotificationJobs"/>) calls
/// <see cref="SendPendingAsync"/> under a job lease so that one instance sends at a time; tests call it directly.
/// Status updates are single-row UPDATEs, so sending writes no audit rows.
/// </summary>
public sealed class MailSender(IOptions<SmtpOptions> smtp, IOptions<PublicUrlOptions> urls, MailMode mode, TimeProvider clock, ILogger<MailSender> log)
{
    /// <summary>Sends up to <see cref="SmtpOptions.BatchSize"/> due mails, oldest due first. Stops early (between mails) when <paramref name="ct"/> is cancelled.</summary>
    public async Task<MailBatchResult> SendPendingAsync(AppDbContext db, CancellationToken ct = default)
    {
        var o = smtp.Value;
        var now = clock.GetUtcNow();
        var batch = await db.OutboxMails.AsNoTracking()
            .Where(m => m.SentAt == null && m.Attempts < o.MaxAttempts && m.NextAttemptAt <= now)
            .OrderBy(m => m.NextAttemptAt).ThenBy(m => m.Id)
            .Take(o.BatchSize)
            .ToListAsync(ct);
        if (batch.Count == 0) return MailBatchResult.Empty;
        var tally = new Tally();
        if (o.UsesSmtp) await SendSmtpAsync(db, batch, o, tally, ct);
        else await WritePickupAsync(db, batch, o, tally, ct);
        return new MailBatchResult(tally.Sent, tally.Failed, tally.GaveUp);
    }

    /// <summary>True when some mail is due now (a cheap read, so idle instances do not write a lease every few seconds).</summary>
    public Task<bool> AnyDueAsync(AppDbContext db, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var max = smtp.Value.MaxAttempts;
        return db.OutboxMails.AnyAsync(m => m.SentAt == null && m.Attempts < max && m.NextAttemptAt <= now, ct);
    }

    private sealed class Tally
    {
        public int Sent, Failed, GaveUp;
    }

    private async Task SendSmtpAsync(AppDbContext db, List<OutboxMail> batch, SmtpOptions o, Tally tally, CancellationToken ct)
    {
        using var client = new SmtpClient { Timeout = o.TimeoutSeconds * 1000 };
        try
        {
            await client.ConnectAsync(o.Host, o.Port, o.Security, ct);
            if (o.UserName.Length > 0) await client.AuthenticateAsync(o.UserName, o.Password, ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // The server is unreachable or refuses us: every mail of the batch waits for its next attempt.
            log.LogWarning("SMTP {Host}:{Port} not usable: {Error}", o.Host, o.Port, e.Message);
            foreach (var mail in batch) await FailAsync(db, mail, e, permanent: false, o, tally);
            return;
        }
        try
        {
            var from = o.FromMailbox();
            foreach (var mail in batch)
            {
                if (ct.IsCancellationRequested) break;
                if (await ComposeAsync(db, mail, from, o, tally) is not { } message) continue;
                try
                {
                    await client.SendAsync(message, ct);
                }
                catch (SmtpCommandException e)
                {
                    // The server refused this mail (e.g. the recipient); the connection stays usable for the next one.
                    await FailAsync(db, mail, e, permanent: (int)e.StatusCode >= 500, o, tally);
                    continue;
                }
                catch (Exception e) when (!ct.IsCancellationRequested)
                {
                    // Connection lost or protocol error: this mail failed; the rest wait for the next batch.
                    await FailAsync(db, mail, e, permanent: false, o, tally);
                    break;
                }
                await SentAsync(db, mail, tally);
            }
        }
        finally
        {
            if (client.IsConnected)
            {
                try { await client.DisconnectAsync(true, CancellationToken.None); }
                catch (Exception e) { log.LogDebug("SMTP QUIT failed: {Error}", e.Message); }
            }
        }
    }

    private async Task WritePickupAsync(AppDbContext db, List<OutboxMail> batch, SmtpOptions o, Tally tally, CancellationToken ct)
    {
        var dir = mode.PickupDirectory;
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos; // .eml files as a mail server would store them
        var from = o.FromMailbox();
        foreach (var mail in batch)
        {
            if (ct.IsCancellationRequested) break;
            if (await ComposeAsync(db, mail, from, o, tally) is not { } message) continue;
            try
            {
                Directory.CreateDirectory(dir);
                message.Prepare(EncodingConstraint.EightBit); // readable UTF-8 text in the file
                var file = Path.Combine(dir, $"{mail.CreatedAt.UtcDateTime:yyyyMMdd-HHmmss}-{mail.Id}.eml");
                var temp = file + ".tmp";
                await using (var stream = File.Create(temp)) await message.WriteToAsync(format, stream, CancellationToken.None);
                File.Move(temp, file, overwrite: true); // whole files only: a reader never sees half a mail
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                log.LogWarning("Mail pickup folder {Dir} not writable: {Error}", dir, e.Message);
                await FailAsync(db, mail, e, permanent: false, o, tally);
                continue;
            }
            await SentAsync(db, mail, tally);
        }
    }

    /// <summary>The mail as a MIME message, or null after recording a permanent failure (a malformed address never gets better).</summary>
    private async Task<MimeMessage?> ComposeAsync(AppDbContext db, OutboxMail mail, MailboxAddress from, SmtpOptions o, Tally tally)
    {
        try
        {
            return MailComposer.Compose(mail, from, urls.Value);
        }
        catch (Exception e) when (e is ParseException or ArgumentException)
        {
            await FailAsync(db, mail, e, permanent: true, o, tally);
            return null;
        }
    }

    private async Task SentAsync(AppDbContext db, OutboxMail mail, Tally tally)
    {
        var now = clock.GetUtcNow();
        // Not cancellable: the mail is out, so the row must say so.
        await db.OutboxMails.Where(m => m.Id == mail.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.SentAt, now).SetProperty(m => m.Attempts, m => m.Attempts + 1).SetProperty(m => m.LastError, ""), CancellationToken.None);
        tally.Sent++;
    }

    private async Task FailAsync(AppDbContext db, OutboxMail mail, Exception e, bool permanent, SmtpOptions o, Tally tally)
    {
        var attempts = permanent ? o.MaxAttempts : mail.Attempts + 1;
        var next = clock.GetUtcNow() + o.RetryDelay(attempts);
        var error = Notifier.Cut(e is SmtpCommandException c ? $"SMTP {(int)c.StatusCode}: {c.Message}" : $"{e.GetType().Name}: {e.Message}", 500);
        await db.OutboxMails.Where(m => m.Id == mail.Id && m.SentAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Attempts, attempts).SetProperty(m => m.NextAttemptAt, next).SetProperty(m => m.LastError, error), CancellationToken.None);
        if (attempts >= o.MaxAttempts)
        {
            tally.GaveUp++;
            log.LogError("Mail {MailId} given up after {Attempts} attempts: {Error}", mail.Id, attempts, error);
        }
        else
        {
            tally.Failed++;
            log.LogWarning("Mail {MailId} failed (attempt {Attempts}), next try at {Next}: {Error}", mail.Id, attempts, next, error);
        }
    }
}

using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Xieshang.Tests.Support;

/// <summary>
/// A real SMTP server (the SmtpServer package) inside the test process, on a free loopback port: the app under test
/// talks SMTP to it over TCP exactly as to a production relay. It parses every received message with MimeKit and
/// keeps it for assertions. Optionally requires SMTP AUTH (plain text on loopback), and refuses chosen recipients
/// with a permanent 550.
/// </summary>
public sealed class SmtpListener : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedMail> _received = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly SmtpServer.SmtpServer _server;
    private readonly Task _running;

    /// <summary>A message as the server got it: the parsed MIME message, the envelope and the authenticated user.</summary>
    public sealed record ReceivedMail(MimeMessage Message, string EnvelopeFrom, IReadOnlyList<string> EnvelopeTo, string? AuthenticatedUser);

    /// <summary>The loopback port the server listens on.</summary>
    public int Port { get; }

    /// <summary>Account the server accepts (with <see cref="Password"/>); null = no authentication offered or needed.</summary>
    public string? UserName { get; }

    /// <summary>Password of <see cref="UserName"/>.</summary>
    public string? Password { get; }

    /// <summary>Recipients (lower case) refused with 550 for the message; others are accepted.</summary>
    public ConcurrentDictionary<string, bool> RefusedRecipients { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Every message received so far, in order.</summary>
    public IReadOnlyList<ReceivedMail> Received => [.. _received];

    private SmtpListener(string? userName, string? password)
    {
        UserName = userName;
        Password = password;
        Port = FreePort();
        var options = new SmtpServerOptionsBuilder()
            .ServerName("smtp.test.localhost")
            .Endpoint(b => b.Endpoint(new IPEndPoint(IPAddress.Loopback, Port))
                .IsSecure(false)
                .AllowUnsecureAuthentication(userName is not null)
                .AuthenticationRequired(userName is not null))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(this));
        if (userName is not null) services.Add(new DelegatingUserAuthenticator((user, pass) => user == userName && pass == password));
        _server = new SmtpServer.SmtpServer(options, services);
        _running = _server.StartAsync(_stop.Token);
    }

    /// <summary>Starts a server and waits until it accepts connections.</summary>
    public static async Task<SmtpListener> StartAsync(string? userName = null, string? password = null)
    {
        var listener = new SmtpListener(userName, password);
        await listener.WaitUntilListeningAsync();
        return listener;
    }

    /// <summary>Starts a server synchronously (for fixtures constructed before the app starts).</summary>
    public static SmtpListener Start(string? userName = null, string? password = null) => StartAsync(userName, password).GetAwaiter().GetResult();

    /// <summary>Messages received for <paramref name="address"/> (envelope recipient).</summary>
    public IReadOnlyList<ReceivedMail> To(string address) =>
        [.. _received.Where(m => m.EnvelopeTo.Contains(address, StringComparer.OrdinalIgnoreCase))];

    /// <summary>Waits until a message for <paramref name="address"/> has arrived (for the background sender); fails after <paramref name="timeout"/>.</summary>
    public async Task<ReceivedMail> WaitForAsync(string address, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (To(address) is [var first, ..]) return first;
            await Task.Delay(100);
        }
        throw new TimeoutException($"No mail for {address} within {timeout}.");
    }

    /// <summary>A loopback port nobody listens on at the moment of the call (for "server unreachable" tests).</summary>
    public static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private async Task WaitUntilListeningAsync()
    {
        for (var i = 0; i < 100; i++)
        {
            if (_running.IsFaulted) await _running; // surfaces the start-up error
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        throw new InvalidOperationException($"The test SMTP server did not start on port {Port}.");
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _server.Shutdown();
        try { await _running; } catch (OperationCanceledException) { }
        _stop.Dispose();
    }

    private sealed class Store(SmtpListener owner) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            var to = transaction.To.Select(m => m.AsAddress()).ToList();
            if (to.Any(owner.RefusedRecipients.ContainsKey)) return SmtpResponse.MailboxUnavailable;
            using var stream = new MemoryStream(buffer.ToArray());
            var message = await MimeMessage.LoadAsync(stream, cancellationToken);
            owner._received.Enqueue(new ReceivedMail(message, transaction.From.AsAddress(), to,
                context.Authentication.IsAuthenticated ? context.Authentication.User : null));
            return SmtpResponse.Ok;
        }
    }
}

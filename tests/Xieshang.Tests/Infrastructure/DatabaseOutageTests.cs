using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Npgsql;
using Xieshang.Tests.Support;
using Xieshang.Web.Infrastructure.Http;

namespace Xieshang.Tests.Infrastructure;

/// <summary>
/// A loopback TCP relay in front of the test PostgreSQL server: the app connects through it, and the test can cut
/// it (the port refuses connections and every open connection is reset, as when PostgreSQL stops) and restore it on
/// the same port (as when PostgreSQL is back).
/// </summary>
public sealed class TcpRelay : IDisposable
{
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly ConcurrentDictionary<Socket, byte> _open = new();
    private TcpListener? _listener;
    private CancellationTokenSource? _cts;

    /// <summary>A relay to <paramref name="host"/>:<paramref name="port"/>, listening at once on a free loopback port.</summary>
    public TcpRelay(string host, int port)
    {
        (_targetHost, _targetPort) = (host, port);
        Start();
    }

    /// <summary>The loopback port the relay listens on (the same after a restart).</summary>
    public int Port { get; private set; }

    /// <summary>Listens again (on <see cref="Port"/>, or a free port the first time) and relays new connections.</summary>
    public void Start()
    {
        _cts = new CancellationTokenSource();
        var listener = new TcpListener(IPAddress.Loopback, Port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        _listener = listener;
        _ = AcceptAsync(listener, _cts.Token);
    }

    /// <summary>Stops listening and resets every relayed connection.</summary>
    public void Stop()
    {
        _cts?.Cancel();
        _listener?.Stop();
        foreach (var s in _open.Keys)
        {
            try { s.LingerState = new LingerOption(true, 0); s.Close(); } catch (ObjectDisposedException) { }
            _open.TryRemove(s, out _);
        }
    }

    public void Dispose() => Stop();

    private async Task AcceptAsync(TcpListener listener, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket client;
            try { client = await listener.AcceptSocketAsync(ct); }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { return; }
            _ = RelayAsync(client, ct);
        }
    }

    private async Task RelayAsync(Socket client, CancellationToken ct)
    {
        var server = new Socket(SocketType.Stream, ProtocolType.Tcp);
        _open[client] = 0;
        _open[server] = 0;
        try
        {
            await server.ConnectAsync(_targetHost, _targetPort, ct);
            await using var a = new NetworkStream(client, ownsSocket: false);
            await using var b = new NetworkStream(server, ownsSocket: false);
            await Task.WhenAny(a.CopyToAsync(b, ct), b.CopyToAsync(a, ct));
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException) { }
        finally
        {
            foreach (var s in new[] { client, server })
            {
                _open.TryRemove(s, out _);
                try { s.Close(); } catch (ObjectDisposedException) { }
            }
        }
    }
}

/// <summary>The PostgreSQL test app, connected through a <see cref="TcpRelay"/> the test can cut.</summary>
public sealed class RelayedPostgresAppFactory : PostgresAppFactory
{
    private static readonly NpgsqlConnectionStringBuilder Target = new(ServerConnectionString);

    /// <summary>The relay between the app and PostgreSQL.</summary>
    public TcpRelay Relay { get; } = new(Target.Host!, Target.Port);

    protected override string ConnectionString =>
        new NpgsqlConnectionStringBuilder(base.ConnectionString) { Host = "127.0.0.1", Port = Relay.Port, Timeout = 5 }.ConnectionString;

    public override async ValueTask DisposeAsync()
    {
        Relay.Dispose();
        await base.DisposeAsync();
    }
}

/// <summary>
/// A database outage answers 503 fast (API: the Chinese problem body and Retry-After; pages: the friendly status page
/// without a stack trace), readiness fails while liveness stays, and the instance recovers by itself once
/// PostgreSQL is back.
/// </summary>
public sealed class DatabaseOutageTests(RelayedPostgresAppFactory app) : IClassFixture<RelayedPostgresAppFactory>
{
    [Fact]
    public async Task While_postgres_is_away_requests_get_503_and_the_app_recovers_by_itself_when_it_is_back()
    {
        var api = await app.ClientAsAsync("staff.520200");
        var page = await app.SignedInPageClientAsync("staff.520200");
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/committees")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await page.GetAsync("/committees")).StatusCode);

        app.Relay.Stop();
        try
        {
            // API: 503 problem body in Chinese, Retry-After, no exception details.
            var res = await api.GetAsync("/api/committees");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, res.StatusCode);
            Assert.Equal("application/problem+json", res.Content.Headers.ContentType?.MediaType);
            Assert.Equal("5", res.Headers.GetValues("Retry-After").Single());
            var problem = await res.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(503, problem.GetProperty("status").GetInt32());
            Assert.Equal("服务暂不可用", problem.GetProperty("title").GetString());
            Assert.Equal("数据库暂时无法连接，请稍后再试。", problem.GetProperty("detail").GetString());
            Assert.DoesNotContain("Npgsql", problem.GetRawText());

            // A page: to the friendly 503 page, which renders without the database.
            var nav = await page.GetAsync("/committees");
            Assert.Equal(HttpStatusCode.Redirect, nav.StatusCode);
            Assert.Equal("/status/503", nav.Target());
            var status = await page.GetAsync("/status/503");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, status.StatusCode);
            var html = await status.HtmlAsync();
            Assert.Contains("服务暂不可用", html);
            Assert.Contains("数据库暂时无法连接，请稍后再试。", html);
            Assert.DoesNotContain("Exception", html);
            Assert.DoesNotContain("Npgsql", html);

            var client = app.CreateClient();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health/ready")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        }
        finally
        {
            app.Relay.Start();
        }

        // Back: the first requests succeed again within 10 s (the pools were cleared; no restart of the app).
        var back = Stopwatch.StartNew();
        HttpStatusCode last;
        do
        {
            last = (await api.GetAsync("/api/committees")).StatusCode;
            if (last == HttpStatusCode.OK) break;
            await Task.Delay(200);
        } while (back.Elapsed < TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.OK, last);
        Assert.Equal(HttpStatusCode.OK, (await page.GetAsync("/committees")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().GetAsync("/health/ready")).StatusCode);
    }
}

/// <summary>Which exceptions count as a database outage.</summary>
public sealed class DatabaseOutageClassificationTests
{
    [Theory]
    [InlineData("57P01", true)]  // admin_shutdown: PostgreSQL is stopping
    [InlineData("57P03", true)]  // cannot_connect_now: starting up
    [InlineData("08006", true)]  // connection_failure
    [InlineData("23505", false)] // unique_violation
    [InlineData("40001", false)] // serialization_failure: retried or reported by the feature, not an outage
    [InlineData("42P01", false)] // undefined_table
    public void Server_errors_by_sql_state(string sqlState, bool outage) =>
        Assert.Equal(outage, DatabaseOutage.IsConnectionFailure(new PostgresException("m", "FATAL", "FATAL", sqlState)));

    [Fact]
    public void Network_failures_count_also_when_wrapped()
    {
        var refused = new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused));
        Assert.True(DatabaseOutage.IsConnectionFailure(refused));
        Assert.True(DatabaseOutage.IsConnectionFailure(new InvalidOperationException("wrapped", refused)));
        Assert.True(DatabaseOutage.IsConnectionFailure(new NpgsqlException("Exception while reading from stream", new EndOfStreamException())));
    }

    [Fact]
    public void An_exhausted_pool_is_a_503_whose_pools_are_kept()
    {
        var exhausted = new NpgsqlException("The connection pool has been exhausted, either raise 'Max Pool Size' (currently 8) or 'Timeout' (currently 15 seconds) in your connection string.", new TimeoutException());
        Assert.True(DatabaseOutage.IsConnectionFailure(exhausted));
        Assert.True(DatabaseOutage.IsPoolExhausted(new InvalidOperationException("wrapped", exhausted)));
        Assert.False(DatabaseOutage.IsPoolExhausted(new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused))));
    }

    [Fact]
    public void Other_errors_do_not_count()
    {
        Assert.False(DatabaseOutage.IsConnectionFailure(new InvalidOperationException("bug")));
        Assert.False(DatabaseOutage.IsConnectionFailure(new Microsoft.Data.Sqlite.SqliteException("database is locked", 5)));
        Assert.False(DatabaseOutage.IsConnectionFailure(null));
    }
}

using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Xieshang.Tests.Support;

namespace Xieshang.Tests.Infrastructure;

/// <summary>
/// A real OTLP/HTTP receiver: a small Kestrel app on a free loopback port that accepts <c>POST /v1/traces</c> and
/// <c>POST /v1/metrics</c> (http/protobuf) and keeps each body.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private WebApplication? _app;

    /// <summary>Each received export: the path it was posted to and its raw body.</summary>
    public ConcurrentQueue<(string Path, byte[] Body)> Received { get; } = new();

    /// <summary>The receiver's base address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string Address { get; private set; } = "";

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        foreach (var path in new[] { "/v1/traces", "/v1/metrics" })
            _app.MapPost(path, async (HttpContext ctx) =>
            {
                using var ms = new MemoryStream();
                await ctx.Request.Body.CopyToAsync(ms);
                Received.Enqueue((path, ms.ToArray()));
                ctx.Response.ContentType = "application/x-protobuf";
                return Results.Bytes([], "application/x-protobuf"); // an empty Export*ServiceResponse: all accepted
            });
        await _app.StartAsync();
        Address = _app.Urls.First();
    }

    /// <summary>True when some body posted to <paramref name="path"/> contains <paramref name="text"/> as UTF-8.</summary>
    public bool Saw(string path, string text)
    {
        var needle = Encoding.UTF8.GetBytes(text);
        return Received.Any(r => r.Path == path && r.Body.AsSpan().IndexOf(needle) >= 0);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }
}

/// <summary>Traces and metrics go over OTLP when an endpoint is configured, and nothing is registered otherwise.</summary>
public sealed class TelemetryTests
{
    [Fact]
    public async Task With_an_endpoint_traces_and_metrics_reach_the_collector_with_the_route_and_without_the_raw_path()
    {
        await using var receiver = new OtlpReceiver();
        await receiver.StartAsync();
        var app = new TelemetryAppFactory(receiver.Address);
        try
        {
            await app.InitializeAsync();
            Assert.NotNull(app.Services.GetService<TracerProvider>());
            var client = app.CreateClient();
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/ping")).StatusCode);
            // A path with a value in it and a query: only the route pattern may leave the app.
            var staff = await app.ClientAsAsync("staff.520200");
            await staff.GetAsync("/api/members/987654321?q=13912345678");
        }
        finally
        {
            await app.DisposeAsync(); // stopping the host exports what is buffered (spans every 5 s, metrics every 60 s)
        }

        Assert.True(receiver.Saw("/v1/traces", "/api/ping"), $"no trace with /api/ping among {receiver.Received.Count} exports");
        Assert.True(receiver.Saw("/v1/traces", "xieshang"));
        Assert.True(receiver.Saw("/v1/traces", "/api/members/{id:int}"));
        Assert.False(receiver.Saw("/v1/traces", "987654321"));
        Assert.False(receiver.Saw("/v1/traces", "13912345678"));
        Assert.True(receiver.Saw("/v1/metrics", "http.server.request.duration"));
    }

    [Fact]
    public async Task Without_an_endpoint_no_telemetry_is_registered()
    {
        await using var app = new SqliteAppFactory();
        await app.InitializeAsync();
        Assert.Null(app.Services.GetService<TracerProvider>());
        Assert.Null(app.Services.GetService<MeterProvider>());
    }

    private sealed class TelemetryAppFactory(string endpoint) : SqliteAppFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("OpenTelemetry:OtlpEndpoint", endpoint);
            builder.UseSetting("App:InstanceId", "test-instance-1");
        }
    }
}

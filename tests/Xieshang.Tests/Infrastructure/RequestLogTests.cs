using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xieshang.Tests.Support;
using Xieshang.Web.Infrastructure.Http;

namespace Xieshang.Tests.Infrastructure;

/// <summary>Every log message the app writes, formatted, with its structured values.</summary>
public sealed class CapturedLogs : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    /// <summary>(category, level, formatted message, structured values joined).</summary>
    public ConcurrentQueue<(string Category, LogLevel Level, string Message, string Values)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);
    public void Dispose() { }

    private sealed class Logger(CapturedLogs sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> kv ? string.Join(" | ", kv.Select(p => $"{p.Key}={p.Value}")) : "";
            // The scopes too (the JSON console writes them into every line): e.g. the framework's request scope with the raw path.
            var scopes = new List<string>();
            sink._scopes.ForEachScope((scope, acc) => acc.Add(scope is IEnumerable<KeyValuePair<string, object?>> pairs
                ? string.Join(" | ", pairs.Select(p => $"{p.Key}={p.Value}")) : scope?.ToString() ?? ""), scopes);
            values += " || " + string.Join(" || ", scopes);
            sink.Entries.Enqueue((category, logLevel, formatter(state, exception) + (exception is null ? "" : " " + exception), values));
        }
    }
}

/// <summary>The app at the shipped log levels (Information, ASP.NET Core at Warning), its log messages captured.</summary>
public sealed class LogCapturingAppFactory : SqliteAppFactory
{
    public CapturedLogs Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Logging:LogLevel:Default", "Information");
        builder.UseSetting("App:InstanceId", "instance-7");
        builder.ConfigureTestServices(s => s.AddSingleton<ILoggerProvider>(Logs));
    }
}

/// <summary>One request line per request, with the route pattern and no personal data anywhere in the logs.</summary>
public sealed class RequestLogTests(LogCapturingAppFactory app) : IClassFixture<LogCapturingAppFactory>
{
    [Fact]
    public async Task Requests_are_logged_by_route_pattern_without_query_strings_or_bodies()
    {
        const string phone = "13987654321";
        const string bodyText = "鹦鹉螺号潜水艇专项调研的独特正文";
        var staff = await app.ClientAsAsync("staff.520200");
        var member = await app.ClientAsAsync("member.520200");

        Assert.Equal(HttpStatusCode.OK, (await staff.GetAsync($"/api/members?committee=520200&q={phone}")).StatusCode);
        var created = await member.PostAsJsonAsync("/api/proposals", new
        {
            title = "关于加强海洋科普教育的建议", kind = "between-session", body = $"<p>{bodyText}</p>", coSignerIds = Array.Empty<int>(),
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetInt32();
        await member.PostAsJsonAsync($"/api/proposals/{id}/actions/submit", new { });
        Assert.Equal(HttpStatusCode.NotFound, (await staff.GetAsync("/api/members/987654321")).StatusCode);

        var all = app.Logs.Entries.ToList();
        Assert.DoesNotContain(all, e => e.Message.Contains(phone) || e.Values.Contains(phone));
        Assert.DoesNotContain(all, e => e.Message.Contains(bodyText) || e.Values.Contains(bodyText));
        Assert.DoesNotContain(all, e => e.Message.Contains("987654321") || e.Values.Contains("987654321"));

        var lines = all.Where(e => e.Category == RequestLog.Category).Select(e => e.Message).ToList();
        Assert.Contains(lines, l => l.StartsWith("HTTP GET /api/members 200 ") && l.EndsWith(" ms instance-7"));
        Assert.Contains(lines, l => l.StartsWith("HTTP POST /api/proposals 201 "));
        Assert.Contains(lines, l => l.StartsWith("HTTP POST /api/proposals/{id:int}/actions/{action} "));
        Assert.Contains(lines, l => l.StartsWith("HTTP GET /api/members/{id:int} 404 "));
        Assert.All(all.Where(e => e.Category == RequestLog.Category), e => Assert.Equal(LogLevel.Information, e.Level));
        // Nor do the ids in paths reach a line's scopes (the framework's request scope, with the raw path, is off).
        Assert.DoesNotContain(all, e => e.Values.Contains("RequestPath"));
        // The framework's own request lines (which carry paths and query strings) stay off at the shipped levels.
        Assert.DoesNotContain(all, e => e.Category.StartsWith("Microsoft.AspNetCore") && e.Level < LogLevel.Warning);
    }
}

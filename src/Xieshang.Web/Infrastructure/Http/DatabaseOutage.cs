using System.Net.Sockets;
using Npgsql;

namespace Xieshang.Web.Infrastructure.Http;

/// <summary>
/// What an unhandled database-connection failure becomes: 503 instead of 500. The API answers a problem body
/// (<see cref="Title"/>, <see cref="Detail"/>, <c>Retry-After: 5</c>); a page goes to the friendly status page
/// <c>/status/503</c>, which renders without the database. On such a failure Npgsql's connection pools are
/// cleared, so that connections opened before PostgreSQL went away (now dead sockets) are not handed out again
/// and the instance recovers by itself as soon as the server is back.
/// </summary>
/// <remarks>
/// A refused connection (server stopped, port closed) fails at once. A server host that does not answer at all
/// fails after the connection string's <c>Timeout</c> (Npgsql's default is 15 s): production connection strings
/// should say <c>Timeout=5</c> so that requests fail fast while the database is away.
/// </remarks>
public static class DatabaseOutage
{
    /// <summary>Problem title of the 503 answer.</summary>
    public const string Title = "服务暂不可用";
    /// <summary>Problem detail of the 503 answer.</summary>
    public const string Detail = "数据库暂时无法连接，请稍后再试。";
    /// <summary>
    /// Problem detail of the 503 answer when the database is up but every pooled connection stayed busy for the
    /// connection string's <c>Timeout</c> (overload, not an outage).
    /// </summary>
    public const string BusyDetail = "服务器繁忙，请稍后再试。";
    /// <summary>Seconds in the <c>Retry-After</c> header of the 503 answer.</summary>
    public const int RetryAfterSeconds = 5;

    /// <summary>
    /// True when <paramref name="error"/> (or an exception inside it, as EF Core wraps provider errors) says the
    /// database could not be reached or dropped the connection: a network-level <see cref="NpgsqlException"/>
    /// (refused, reset, timed out, stream ended), or a server error of class 08 (connection exception) or
    /// 57P01–57P03 (administrator shutdown, crash shutdown, cannot connect now: the server is starting or stopping).
    /// Other server errors (a constraint, a serialization failure, a syntax error) and SQLite's busy/locked
    /// errors are not outages and stay 500 or their own handling.
    /// </summary>
    public static bool IsConnectionFailure(Exception? error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException pg:
                    return pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState is "57P01" or "57P02" or "57P03";
                case NpgsqlException npg when npg.IsTransient
                    || npg.InnerException is SocketException or IOException or TimeoutException or EndOfStreamException:
                    return true;
                case AggregateException agg when agg.InnerExceptions.Any(IsConnectionFailure):
                    return true;
            }
        }
        return false;
    }

    /// <summary>
    /// True when <paramref name="error"/> is Npgsql's "connection pool has been exhausted" (every connection busy for
    /// the whole <c>Timeout</c>): answered 503 like an outage, but the pools are not cleared, since under overload
    /// that would only close healthy connections and make every request open a new one.
    /// </summary>
    public static bool IsPoolExhausted(Exception? error)
    {
        for (var e = error; e is not null; e = e.InnerException)
            if (e is NpgsqlException { InnerException: TimeoutException } npg
                && npg.Message.Contains("pool has been exhausted", StringComparison.OrdinalIgnoreCase))
                return true;
        return false;
    }

    /// <summary>
    /// Drops every pooled Npgsql connection (idle ones are closed, busy ones are discarded when returned), so the
    /// next request opens a fresh connection instead of failing on one that died with the server.
    /// </summary>
    public static void ClearPools() => NpgsqlConnection.ClearAllPools();

    /// <summary>
    /// Answers an API request that failed on the database: 503, <c>Retry-After: 5</c> and the Chinese problem
    /// body (<see cref="Detail"/>, or <see cref="BusyDetail"/> when <paramref name="busy"/>: the pool was exhausted).
    /// The caller has already cleared the response (the exception handler does).
    /// </summary>
    public static async Task WriteApiAsync(HttpContext ctx, bool busy = false)
    {
        ctx.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        ctx.Response.Headers.RetryAfter = RetryAfterSeconds.ToString();
        await ctx.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = ctx,
            ProblemDetails = { Status = StatusCodes.Status503ServiceUnavailable, Title = Title, Detail = busy ? BusyDetail : Detail },
        });
    }

    /// <summary>
    /// The last resort when even a status page failed (e.g. the sign-in cookie's periodic check reached for the
    /// database): a small self-contained page with the status code, no layout, no database, no script, so
    /// the browser is not sent round a redirect loop.
    /// </summary>
    public static Task WriteBarePageAsync(HttpContext ctx, int status)
    {
        ctx.Response.StatusCode = status;
        if (status == StatusCodes.Status503ServiceUnavailable) ctx.Response.Headers.RetryAfter = RetryAfterSeconds.ToString();
        ctx.Response.ContentType = "text/html; charset=utf-8";
        var (title, text) = status == StatusCodes.Status503ServiceUnavailable
            ? (Title, Detail)
            : ("出错了", "处理请求时出现问题，请稍后再试。如问题持续，请联系系统管理员。");
        return ctx.Response.WriteAsync(
            $"<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
            $"<title>{title}</title></head><body><main><h1>{title}</h1><p>{text}</p><p><a href=\"/\">返回首页</a></p></main></body></html>");
    }
}

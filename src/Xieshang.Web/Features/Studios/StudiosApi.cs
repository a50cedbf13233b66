using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Studios;

/// <summary>Body of <c>POST /api/studio-messages/{id}/answer</c>.</summary>
public sealed record StudioAnswerInput(string? Text);

/// <summary>Body of <c>POST /api/studio-messages/{id}/convert</c>: <c>to</c> <c>proposal</c> | <c>opinion</c>; staff converting to an opinion name the author (<c>memberId</c>, a studio member).</summary>
public sealed record StudioConvertInput(string? To, int? MemberId = null);

/// <summary>The secret of the client-address hash (from <see cref="StudioOptions.ClientKeySecret"/> or derived from the connection string).</summary>
public sealed record StudioClientSecret(string Value);

/// <summary>
/// Members' studios API and setup. Public (no sign-in): <c>GET /api/public/studios</c>, <c>GET /api/public/studios/{id}</c>,
/// <c>GET /api/studios/challenge</c>, <c>POST /api/studios/{id}/messages</c> (JSON or multipart with <c>photo</c>),
/// <c>GET /api/studio-messages/{trackingCode}</c>; the public write and challenge endpoints are rate limited per client
/// address (<see cref="StudioOptions.RequestsPerClientPer10Minutes"/>). Signed in: studios (create, edit, list, activities),
/// the inbox, answer, close, convert, photo. Rules in <see cref="StudioRules"/>.
/// </summary>
public static class StudiosApi
{
    /// <summary>Rate-limiter policy of the public message and challenge endpoints.</summary>
    public const string PublicRateLimit = "studio-public";
    /// <summary>Rate-limiter policy of the public tracking lookup (five times the message policy's limit).</summary>
    public const string TrackRateLimit = "studio-track";

    /// <summary>Options, the township list, the client-hash secret and the rate-limiter policies.</summary>
    public static IHostApplicationBuilder AddStudios(this IHostApplicationBuilder builder)
    {
        var s = builder.Services;
        s.AddOptions<StudioOptions>().BindConfiguration("Studios")
            .Validate(o => o.MessagesPerClientPer10Minutes > 0 && o.MessagesPerStudioPerDay > 0 && o.RequestsPerClientPer10Minutes > 0 && o.ChallengeMinutes > 0 && o.MaxPhotoBytes > 0,
                "Studios: limits must be positive").ValidateOnStart();
        s.AddSingleton(_ => Townships.Load(Path.Combine(AppContext.BaseDirectory, "Data", "Reference", "streets-guizhou.csv")));
        s.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<StudioOptions>>().Value;
            var secret = o.ClientKeySecret is { Length: > 0 } k ? k
                : Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes("xs-studio-client|" + sp.GetRequiredService<IConfiguration>().GetConnectionString("Default"))));
            return new StudioClientSecret(secret);
        });
        s.Configure<RateLimiterOptions>(o =>
        {
            static int Limit(HttpContext ctx) => ctx.RequestServices.GetRequiredService<IOptions<StudioOptions>>().Value.RequestsPerClientPer10Minutes;
            o.AddPolicy(PublicRateLimit, ctx => RateLimitPartition.GetFixedWindowLimiter("studio|" + (ctx.Connection.RemoteIpAddress?.ToString() ?? "local"),
                _ => new FixedWindowRateLimiterOptions { PermitLimit = Limit(ctx), Window = TimeSpan.FromMinutes(10), QueueLimit = 0 }));
            o.AddPolicy(TrackRateLimit, ctx => RateLimitPartition.GetFixedWindowLimiter("studio-track|" + (ctx.Connection.RemoteIpAddress?.ToString() ?? "local"),
                _ => new FixedWindowRateLimiterOptions { PermitLimit = Limit(ctx) * 5, Window = TimeSpan.FromMinutes(10), QueueLimit = 0 }));
        });
        return builder;
    }

    /// <summary>Maps the endpoints.</summary>
    public static void MapStudiosApi(this IEndpointRouteBuilder app)
    {
        var pub = app.MapGroup("/api").WithTags("Studios").AllowAnonymous();
        pub.MapGet("/public/studios", async (string? township, string? county, AppDbContext db, CancellationToken ct) =>
            TypedResults.Ok(await StudioQueries.PublicListAsync(db, township, county, ct)));
        pub.MapGet("/public/studios/{id:int}", async Task<Results<Ok<PublicStudio>, ProblemHttpResult>> (int id, AppDbContext db, TimeProvider clock, CancellationToken ct) =>
            await StudioQueries.PublicAsync(db, id, clock, ct) is { } s ? TypedResults.Ok(s) : Problem(new(404, "没有这个委员工作室。")));
        pub.MapGet("/studios/challenge", (IDataProtectionProvider dp, IOptions<StudioOptions> options, TimeProvider clock) =>
        {
            var c = StudioGuard.Issue(dp, clock, options.Value.ChallengeMinutes);
            return TypedResults.Ok(new { question = c.Question, token = c.Token, expiresAt = c.ExpiresAt });
        }).RequireRateLimiting(PublicRateLimit);
        pub.MapPost("/studios/{id:int}/messages", async Task<Results<Created<SubmittedMessage>, ProblemHttpResult>> (int id, HttpContext ctx, AppDbContext db,
            IDataProtectionProvider dp, IOptions<StudioOptions> options, StudioClientSecret secret, TimeProvider clock, CancellationToken ct) =>
        {
            StudioMessageInput? input;
            byte[]? photo = null;
            if (ctx.Request.HasFormContentType)
            {
                IFormCollection form;
                try { form = await ctx.Request.ReadFormAsync(ct); }
                catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
                {
                    return Problem(new(e is BadHttpRequestException { StatusCode: 413 } ? 413 : 400, "提交的内容无法读取或过大（照片不超过 5 MB）。"));
                }
                string? F(string name) => form[name].FirstOrDefault();
                input = new StudioMessageInput(F("name"), F("phone"), F("content"), F("challengeToken"), F("challengeAnswer"), F("website"));
                if (form.Files.GetFile("photo") is { Length: > 0 } file)
                {
                    if (file.Length > options.Value.MaxPhotoBytes) return Problem(new(413, $"照片不能超过 {options.Value.MaxPhotoBytes / 1024 / 1024} MB。", "photo"));
                    using var ms = new MemoryStream();
                    await file.CopyToAsync(ms, ct);
                    photo = ms.ToArray();
                }
            }
            else
            {
                try { input = await ctx.Request.ReadFromJsonAsync<StudioMessageInput>(ct); }
                catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException)
                {
                    return Problem(new(400, "请求格式不正确：请以 JSON 或 multipart/form-data 提交 name、phone、content、challengeToken、challengeAnswer。"));
                }
                if (input is null) return Problem(new(400, "请填写留言内容。", "content"));
            }
            var (m, error) = await StudioRules.SubmitMessageAsync(db, id, input, photo, ctx.Connection.RemoteIpAddress?.ToString(), dp, options.Value, secret.Value, clock, ct);
            if (error is not null) return Problem(error);
            return TypedResults.Created($"/api/studio-messages/{m!.TrackingCode}", new SubmittedMessage(m.TrackingCode, $"/studios/track/{m.TrackingCode}"));
        }).RequireRateLimiting(PublicRateLimit).DisableAntiforgery()
          .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(6 * 1024 * 1024));
        pub.MapGet("/studio-messages/{trackingCode}", async Task<Results<Ok<StudioTracking>, ProblemHttpResult>> (string trackingCode, AppDbContext db, CancellationToken ct) =>
            StudioGuard.NormalizeTrackingCode(trackingCode) is { } code && await StudioQueries.TrackAsync(db, code, ct) is { } t
                ? TypedResults.Ok(t) : Problem(new(404, "查询码不存在，请核对后重新输入（10 位字母和数字）。")))
            .RequireRateLimiting(TrackRateLimit);

        var api = app.MapGroup("/api").WithTags("Studios").RequireAuthorization(Policies.SignedIn);
        api.MapGet("/studios", async Task<Results<Ok<List<StudioDto>>, ProblemHttpResult>> (string? committee, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            if (!(user.IsAdmin || user.IsStaff || user.IsLeader || user.IsMember)) return Problem(new(403, "您的账号不能查看委员工作室。"));
            string? path = null;
            if (committee is { Length: > 0 })
            {
                var c = await db.Committees.AsNoTracking().Where(x => x.Code == committee.Trim()).Select(x => new { x.Id, x.Path, x.Name }).FirstOrDefaultAsync(ct);
                if (c is null) return Problem(new(404, $"未找到代码为“{committee}”的政协组织。"));
                if (!Scope.CanRead(user, c.Path)) return Problem(new(403, $"您无权查看“{c.Name}”的委员工作室。"));
                path = c.Path;
            }
            return TypedResults.Ok(await StudioQueries.ListAsync(db, user, path, clock, ct));
        });
        api.MapGet("/studios/{id:int}", async Task<Results<Ok<StudioDto>, ProblemHttpResult>> (int id, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            if (!await db.Studios.AnyAsync(s => s.Id == id, ct)) return Problem(new(404, "没有这个委员工作室。"));
            if (!await db.Studios.Where(s => s.Id == id).VisibleTo(db, user).AnyAsync(ct)) return Problem(new(403, "您无权查看这个委员工作室。"));
            return TypedResults.Ok((await StudioQueries.DtosAsync(db, user, [id], clock, ct))[0]);
        });
        api.MapPost("/studios", async Task<Results<Created<IdBody>, ValidationProblem, ProblemHttpResult>> (StudioInput input, AppDbContext db, Townships townships, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            if (!user.IsStaff && !user.IsAdmin) return Problem(new(403, "只有政协机关工作人员可以设立委员工作室。"));
            var s = new Studio();
            var errors = await StudioRules.SaveAsync(db, townships, s, input, user, clock, ct);
            var (p, v) = Refusal(errors);
            if (p is not null) return p;
            if (v is not null) return v;
            return TypedResults.Created($"/api/studios/{s.Id}", new IdBody(s.Id));
        });
        api.MapPut("/studios/{id:int}", async Task<Results<Ok<StudioDto>, ValidationProblem, ProblemHttpResult>> (int id, StudioInput input, AppDbContext db, Townships townships, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var s = await db.Studios.FirstOrDefaultAsync(x => x.Id == id, ct);
            if (s is null) return Problem(new(404, "没有这个委员工作室。"));
            if (!StudioRules.CanManage(user, s.CommitteePath)) return Problem(new(403, "您无权修改这个委员工作室。"));
            var errors = await StudioRules.SaveAsync(db, townships, s, input, user, clock, ct);
            var (p, v) = Refusal(errors);
            if (p is not null || v is not null) db.ChangeTracker.Clear();
            if (p is not null) return p;
            if (v is not null) return v;
            return TypedResults.Ok((await StudioQueries.DtosAsync(db, user, [id], clock, ct))[0]);
        });
        api.MapPost("/studios/{id:int}/activities", async Task<Results<Created<IdBody>, ValidationProblem, ProblemHttpResult>> (int id, StudioActivityInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var s = await db.Studios.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
            if (s is null) return Problem(new(404, "没有这个委员工作室。"));
            if (!StudioRules.CanManage(user, s.CommitteePath)) return Problem(new(403, "您无权为这个工作室安排活动。"));
            var (activityId, errors) = await StudioRules.AddActivityAsync(db, s, input, user, clock, ct);
            var (p, v) = Refusal(errors);
            if (p is not null || v is not null) db.ChangeTracker.Clear();
            if (p is not null) return p;
            if (v is not null) return v;
            return TypedResults.Created($"/api/activities/{activityId}", new IdBody(activityId!.Value));
        });
        api.MapGet("/studios/{id:int}/messages", async Task<Results<Ok<List<StudioMessageDto>>, ProblemHttpResult>> (int id, string? status, AppDbContext db, CurrentUser user, CancellationToken ct) =>
        {
            var s = await db.Studios.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
            if (s is null) return Problem(new(404, "没有这个委员工作室。"));
            if (!await StudioRules.CanHandleAsync(db, user, s, ct)) return Problem(new(403, "只有这个工作室的值班委员和本级政协机关工作人员可以查看留言。"));
            StudioMessageStatus? st = null;
            if (status is { Length: > 0 })
            {
                st = StudioRules.ParseStatus(status);
                if (st is null) return Problem(new(400, "状态应为 new、answered、converted 或 closed。", "status"));
            }
            return TypedResults.Ok(await StudioQueries.MessagesAsync(db, id, st, ct));
        });
        api.MapGet("/studio-messages/{id:int}/photo", async Task<Results<FileContentHttpResult, ProblemHttpResult>> (int id, AppDbContext db, CurrentUser user, CancellationToken ct) =>
        {
            var (m, error) = await StudioRules.FindForHandlingAsync(db, id, user, ct);
            if (error is not null) return Problem(error);
            if (m!.Photo is null) return Problem(new(404, "这条留言没有照片。"));
            return TypedResults.File(m.Photo, m.PhotoContentType);
        });
        api.MapPost("/studio-messages/{id:int}/answer", async Task<Results<NoContent, ProblemHttpResult>> (int id, StudioAnswerInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
            await StudioRules.AnswerAsync(db, id, input.Text, user, clock, ct) is { } e ? Problem(e) : TypedResults.NoContent());
        api.MapPost("/studio-messages/{id:int}/close", async Task<Results<NoContent, ProblemHttpResult>> (int id, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
            await StudioRules.CloseAsync(db, id, user, clock, ct) is { } e ? Problem(e) : TypedResults.NoContent());
        api.MapPost("/studio-messages/{id:int}/convert", async Task<Results<Ok<ConvertedBody>, ProblemHttpResult>> (int id, StudioConvertInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var (link, newId, error) = await StudioRules.ConvertAsync(db, id, input.To, input.MemberId, user, clock, ct);
            if (error is not null) { db.ChangeTracker.Clear(); return Problem(error); }
            return TypedResults.Ok(new ConvertedBody((input.To ?? "").Trim().ToLowerInvariant(), newId!.Value, link!));
        });
    }

    /// <summary><c>{"id"}</c>.</summary>
    public sealed record IdBody(int Id);
    /// <summary>Answer of a message: the tracking code and the citizen's tracking page.</summary>
    public sealed record SubmittedMessage(string TrackingCode, string TrackUrl);
    /// <summary>Answer of a conversion: what it became, its id and its page.</summary>
    public sealed record ConvertedBody(string To, int Id, string Link);

    /// <summary>
    /// Problem response with the rule's status and Chinese message; an error about one field is a validation problem as in the
    /// README (the framework's <see cref="HttpValidationProblemDetails"/>, as <c>TypedResults.ValidationProblem</c> writes it
    /// for proposals and consultations): <c>errors: {field: [message]}</c>, with <c>field</c> kept for older clients.
    /// </summary>
    public static ProblemHttpResult Problem(StudioError e)
    {
        var title = e.Status switch { 403 => "无权操作", 404 => "未找到", 409 => "当前不能这样操作", 413 => "请求内容过大", 429 => "请求过于频繁", _ => "请求有误" };
        if (e.Field.Length == 0) return TypedResults.Problem(statusCode: e.Status, detail: e.Message, title: title);
        var details = new HttpValidationProblemDetails(new Dictionary<string, string[]> { [e.Field] = [e.Message] }) { Status = e.Status, Title = title, Detail = e.Message };
        details.Extensions["field"] = e.Field;
        return TypedResults.Problem(details);
    }

    /// <summary>Field errors as a response: 403 for 您无权 messages, 409 for general ones, else a validation problem; both null when none.</summary>
    private static (ProblemHttpResult? Problem, ValidationProblem? Validation) Refusal(Dictionary<string, string[]> errors)
    {
        if (errors.Count == 0) return (null, null);
        if (errors.Values.SelectMany(v => v).FirstOrDefault(m => m.StartsWith("您无权", StringComparison.Ordinal)) is { } no) return (Problem(new(403, no)), null);
        if (errors.TryGetValue("", out var general)) return (Problem(new(409, general[0])), null);
        return (null, TypedResults.ValidationProblem(errors, title: "请求有误"));
    }
}

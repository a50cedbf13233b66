using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Features.Members;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Committees;

/// <summary>A committee in API answers; <c>level</c> is <c>National</c>, <c>Province</c>, <c>City</c> or <c>County</c>.</summary>
public sealed record CommitteeDto(string Code, string Name, string Level, string? ParentCode);

/// <summary>A sector in API answers.</summary>
public sealed record SectorDto(int Id, string Name, int SortOrder, int Members);

/// <summary>A special committee (专门委员会) with its member count.</summary>
public sealed record SpecialCommitteeDto(int Id, string Name, int Members);

/// <summary><c>GET /api/committees</c>, <c>GET /api/committees/{code}</c>, <c>GET /api/sectors?committee=</c>, <c>GET /api/special-committees?committee=</c>, <c>PUT /api/special-committees/{id}/members</c>.</summary>
public static class CommitteesApi
{
    public static void MapCommitteesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Committees").RequireAuthorization(Policies.SignedIn);

        // ?q= name contains; ?parent= direct children of a code; paging page (1-based) and pageSize (≤ 500). Scope-filtered.
        api.MapGet("/committees", async Task<Results<Ok<Paged<CommitteeDto>>, ProblemHttpResult>> (
            string? q, string? parent, int? page, int? pageSize, AppDbContext db, CurrentUser user, CancellationToken ct) =>
        {
            var query = db.Committees.AsNoTracking().VisibleTo(user);
            if (!string.IsNullOrWhiteSpace(q)) query = query.Where(c => c.Name.Contains(q.Trim()));
            if (!string.IsNullOrWhiteSpace(parent)) query = query.Where(c => c.ParentCode == parent);
            var size = Math.Clamp(pageSize ?? 50, 1, 500);
            var p = Math.Max(1, page ?? 1);
            var total = await query.CountAsync(ct);
            var items = await query.OrderBy(c => c.Path).Skip((p - 1) * size).Take(size)
                .Select(c => new CommitteeDto(c.Code, c.Name, c.Level.ToString(), c.ParentCode)).ToListAsync(ct);
            return TypedResults.Ok(new Paged<CommitteeDto>(items, total));
        });

        api.MapGet("/committees/{code}", async Task<Results<Ok<CommitteeDto>, NotFound<ProblemDetails>, ForbidHttpResult>> (
            string code, AppDbContext db, IAuthorizationService auth, HttpContext ctx, CancellationToken ct) =>
        {
            var c = await db.Committees.AsNoTracking().FirstOrDefaultAsync(x => x.Code == code, ct);
            if (c is null) return NotFound(code);
            if (!(await auth.AuthorizeAsync(ctx.User, c, Scope.Read)).Succeeded) return TypedResults.Forbid();
            return TypedResults.Ok(new CommitteeDto(c.Code, c.Name, c.Level.ToString(), c.ParentCode));
        });

        api.MapGet("/sectors", async Task<Results<Ok<List<SectorDto>>, NotFound<ProblemDetails>, ForbidHttpResult>> (
            string committee, AppDbContext db, IAuthorizationService auth, HttpContext ctx, CancellationToken ct) =>
        {
            var c = await db.Committees.AsNoTracking().FirstOrDefaultAsync(x => x.Code == committee, ct);
            if (c is null) return NotFound(committee);
            if (!(await auth.AuthorizeAsync(ctx.User, c, Scope.Read)).Succeeded) return TypedResults.Forbid();
            var sectors = await db.Sectors.AsNoTracking().Where(s => s.CommitteeId == c.Id).OrderBy(s => s.SortOrder)
                .Select(s => new SectorDto(s.Id, s.Name, s.SortOrder, db.Members.Count(m => m.SectorId == s.Id && m.IsActive)))
                .ToListAsync(ct);
            return TypedResults.Ok(sectors);
        });

        api.MapGet("/special-committees", async Task<Results<Ok<List<SpecialCommitteeDto>>, NotFound<ProblemDetails>, ForbidHttpResult>> (
            string committee, AppDbContext db, IAuthorizationService auth, HttpContext ctx, CancellationToken ct) =>
        {
            var c = await db.Committees.AsNoTracking().FirstOrDefaultAsync(x => x.Code == committee, ct);
            if (c is null) return NotFound(committee);
            if (!(await auth.AuthorizeAsync(ctx.User, c, Scope.Read)).Succeeded) return TypedResults.Forbid();
            return TypedResults.Ok(await db.SpecialCommittees.AsNoTracking().Where(s => s.CommitteeId == c.Id).OrderBy(s => s.SortOrder)
                .Select(s => new SpecialCommitteeDto(s.Id, s.Name, db.SpecialCommitteeMembers.Count(m => m.SpecialCommitteeId == s.Id))).ToListAsync(ct));
        });

        // PUT /api/special-committees/{id}/members with [memberIds] replaces the membership (members of the same committee only).
        api.MapPut("/special-committees/{id:int}/members", async Task<Results<NoContent, NotFound, ForbidHttpResult, ValidationProblem>> (
            int id, int[] memberIds, AppDbContext db, CurrentUser user, CancellationToken ct) =>
        {
            var sc = await db.SpecialCommittees.AsNoTracking().Include(s => s.Committee).FirstOrDefaultAsync(s => s.Id == id, ct);
            if (sc is null) return TypedResults.NotFound();
            if (!Scope.CanManage(user, sc.Committee!.Path)) return TypedResults.Forbid();
            var ids = memberIds.Distinct().ToList();
            var valid = await db.Members.Where(m => ids.Contains(m.Id) && m.CommitteeId == sc.CommitteeId).Select(m => m.Id).ToListAsync(ct);
            if (ids.Except(valid).ToList() is { Count: > 0 } wrong)
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["memberIds"] = [$"委员 {string.Join("、", wrong)} 不属于{sc.Committee.Name}，不能加入其专门委员会。"] });
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await db.SpecialCommitteeMembers.Where(m => m.SpecialCommitteeId == id).ExecuteDeleteAsync(ct);
            db.SpecialCommitteeMembers.AddRange(valid.Select(m => new Activities.SpecialCommitteeMember { SpecialCommitteeId = id, MemberId = m }));
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return TypedResults.NoContent();
        });
    }

    /// <summary>404 with a problem body naming the unknown committee code.</summary>
    public static NotFound<ProblemDetails> NotFound(string code) =>
        TypedResults.NotFound(new ProblemDetails { Title = "未找到", Detail = $"未找到代码为“{code}”的政协组织。", Status = 404 });
}

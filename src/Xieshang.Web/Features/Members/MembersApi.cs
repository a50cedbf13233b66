using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Features.Committees;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Members;

/// <summary>
/// Body of <c>POST /api/members</c> and <c>PUT /api/members/{id}</c>. Values use the roster's words:
/// <c>gender</c> 男/女, <c>ethnicGroup</c> 汉族 or its code, <c>party</c> full or short name (民盟),
/// <c>sectorId</c> a sector of the committee, <c>birthMonth</c> as on a roster (1968.05), <c>position</c>
/// Chairperson…Member, <c>term</c> 九届 or 9.
/// </summary>
public sealed record MemberInput(
    string? CommitteeCode, string? Name, string? Gender, string? EthnicGroup, string? BirthMonth, string? Party,
    int? SectorId, string? Position, string? Term, string? WorkUnit, string? Phone, string? Email, bool? IsActive);

/// <summary>Full member record; contacts and birth month are masked unless the viewer manages the member or is the member.</summary>
public sealed record MemberDetail(
    int Id, string Name, string Gender, string EthnicGroupCode, string EthnicGroup, string? BirthMonth, string PartyCode, string Party,
    int SectorId, string Sector, string Position, int Term, string WorkUnit, string Phone, string Email, bool IsActive,
    string CommitteeCode, string CommitteeName, bool CanManage);

/// <summary>Members API: list with filters, detail, create, edit, deactivate. All scope-checked.</summary>
public static class MembersApi
{
    public static void MapMembersApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/members").WithTags("Members").RequireAuthorization(Policies.SignedIn);

        // GET /api/members?committee=&sector=&party=&position=&term=&active=&q=&order=stroke|pinyin&page=&pageSize= → {items,total}
        api.MapGet("", async Task<Results<Ok<Paged<MemberListItem>>, NotFound<ProblemDetails>, ForbidHttpResult>> (
            [AsParameters] MemberFilter filter, AppDbContext db, CurrentUser user, CancellationToken ct) =>
        {
            if (user.Roles.Count == 0 || user.Roles.SetEquals([Roles.HandlingUnit])) return TypedResults.Forbid();
            string? path = null;
            if (filter.Committee is { Length: > 0 } code)
            {
                path = await db.Committees.Where(c => c.Code == code).Select(c => c.Path).FirstOrDefaultAsync(ct);
                if (path is null) return CommitteesApi.NotFound(code);
                if (!Scope.CanRead(user, path)) return TypedResults.Forbid();
            }
            return TypedResults.Ok((await MemberQueries.ListAsync(db, user, filter, ct, path))!);
        });

        api.MapGet("/{id:int}", async Task<Results<Ok<MemberDetail>, NotFound, ForbidHttpResult>> (int id, AppDbContext db, CurrentUser user, CancellationToken ct) =>
        {
            var m = await db.Members.AsNoTracking().Include(x => x.Committee).Include(x => x.Sector).FirstOrDefaultAsync(x => x.Id == id, ct);
            if (m is null) return TypedResults.NotFound();
            if (!Scope.CanRead(user, m.CommitteePath) && user.MemberId != m.Id) return TypedResults.Forbid();
            return TypedResults.Ok(await DetailAsync(db, user, m, ct));
        });

        api.MapPost("", async Task<Results<Created<MemberDetail>, ValidationProblem, NotFound<ProblemDetails>, ForbidHttpResult>> (
            MemberInput input, AppDbContext db, IAuthorizationService auth, HttpContext ctx, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            if (string.IsNullOrWhiteSpace(input.CommitteeCode))
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["committeeCode"] = ["请指定委员所属政协组织的代码（committeeCode），如 520201"] });
            var committee = await db.Committees.FirstOrDefaultAsync(c => c.Code == input.CommitteeCode, ct);
            if (committee is null) return CommitteesApi.NotFound(input.CommitteeCode);
            if (!(await auth.AuthorizeAsync(ctx.User, committee, Scope.Manage)).Succeeded) return TypedResults.Forbid();
            var m = new Member { CommitteeId = committee.Id, CommitteePath = committee.Path, CreatedAt = clock.GetUtcNow() };
            var errors = await MemberRules.ApplyAsync(db, m, input, committee.Id, clock, ct);
            if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
            db.Members.Add(m);
            await db.SaveChangesAsync(ct);
            m.Committee = committee;
            return TypedResults.Created($"/api/members/{m.Id}", await DetailAsync(db, user, m, ct));
        }).DisableAntiforgery();

        api.MapPut("/{id:int}", async Task<Results<Ok<MemberDetail>, ValidationProblem, NotFound, ForbidHttpResult>> (
            int id, MemberInput input, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var m = await db.Members.Include(x => x.Committee).FirstOrDefaultAsync(x => x.Id == id, ct);
            if (m is null) return TypedResults.NotFound();
            if (!Scope.CanManage(user, m.CommitteePath)) return TypedResults.Forbid();
            var errors = await MemberRules.ApplyAsync(db, m, input, m.CommitteeId, clock, ct);
            if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
            await db.SaveChangesAsync(ct);
            return TypedResults.Ok(await DetailAsync(db, user, m, ct));
        }).DisableAntiforgery();

        // Deactivation keeps the record (duty files and proposals refer to it); it can be reactivated by PUT isActive=true.
        api.MapPost("/{id:int}/deactivate", async Task<Results<NoContent, NotFound, ForbidHttpResult>> (
            int id, AppDbContext db, CurrentUser user, TimeProvider clock, CancellationToken ct) =>
        {
            var m = await db.Members.FirstOrDefaultAsync(x => x.Id == id, ct);
            if (m is null) return TypedResults.NotFound();
            if (!Scope.CanManage(user, m.CommitteePath)) return TypedResults.Forbid();
            m.IsActive = false;
            m.UpdatedAt = clock.GetUtcNow();
            await db.SaveChangesAsync(ct);
            return TypedResults.NoContent();
        }).DisableAntiforgery();
    }

    /// <summary>Builds the detail record, masking contacts for viewers who do not manage the member.</summary>
    public static async Task<MemberDetail> DetailAsync(AppDbContext db, CurrentUser user, Member m, CancellationToken ct)
    {
        var open = Scope.SeesContacts(user, m);
        var ethnic = await db.EthnicGroups.Where(e => e.Code == m.EthnicGroupCode).Select(e => e.Name).FirstOrDefaultAsync(ct) ?? "";
        var party = await db.Parties.Where(p => p.Code == m.PartyCode).Select(p => p.ShortName).FirstOrDefaultAsync(ct) ?? "";
        var sector = m.Sector?.Name ?? await db.Sectors.Where(s => s.Id == m.SectorId).Select(s => s.Name).FirstOrDefaultAsync(ct) ?? "";
        var committee = m.Committee ?? await db.Committees.FirstAsync(c => c.Id == m.CommitteeId, ct);
        return new MemberDetail(m.Id, m.Name, m.Gender.ToString(), m.EthnicGroupCode, ethnic,
            open ? m.BirthMonth?.ToString("yyyy-MM") : null, m.PartyCode, party, m.SectorId, sector, m.Position.ToString(), m.Term,
            m.WorkUnit, open ? m.Phone : MemberQueries.MaskPhone(m.Phone), open ? m.Email : MemberQueries.MaskEmail(m.Email),
            m.IsActive, committee.Code, committee.Name, Scope.CanManage(user, m.CommitteePath));
    }
}

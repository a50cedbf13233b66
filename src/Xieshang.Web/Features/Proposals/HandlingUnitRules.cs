using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Proposals;

/// <summary>A unit account just created: its user name and the initial password (shown once, never stored in clear).</summary>
public sealed record UnitAccountCreated(string UserName, string Password);

/// <summary>
/// Handling units (承办单位): the one place that checks and saves them and creates their accounts, for
/// <c>POST/PUT /api/handling-units</c> and the page <c>/proposals/units</c> alike. Only staff managing the unit's
/// committee (or above) and administrators change units.
/// </summary>
public static class HandlingUnitRules
{
    /// <summary>
    /// Adds a unit: 400 no committee, a code that is not the committee code, a dot and letters, digits, <c>-</c> or <c>_</c>
    /// (at most 40 characters), or a missing or over-long name; 403 outside the caller's management; 409 a code in use.
    /// </summary>
    public static async Task<(HandlingUnitDto? Unit, ProposalError? Error)> CreateAsync(AppDbContext db, CurrentUser user, HandlingUnitInput input, CancellationToken ct)
    {
        var c = await db.Committees.AsNoTracking().FirstOrDefaultAsync(x => x.Code == (input.Committee ?? "").Trim(), ct);
        if (c is null) return (null, new(400, "请指定承办单位所属的政协组织（committee）。", "committee"));
        if (!Scope.CanManage(user, c.Path)) return (null, new(403, "您无权为该政协组织设置承办单位。"));
        var code = (input.Code ?? "").Trim();
        var name = (input.Name ?? "").Trim();
        if (!code.StartsWith(c.Code + ".", StringComparison.Ordinal) || code.Length > 40 || code.Length <= c.Code.Length + 1
            || !code[(c.Code.Length + 1)..].All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_'))
            return (null, new(400, $"单位代码须为“{c.Code}.”加英文字母或数字（如 {c.Code}.edu），不超过 40 个字符。", "code"));
        if (name.Length is 0 or > 100) return (null, new(400, "请填写单位全称（不超过 100 个字）。", "name"));
        if (await db.HandlingUnits.AnyAsync(u => u.Code == code, ct)) return (null, new(409, $"单位代码 {code} 已存在。", "code"));
        db.HandlingUnits.Add(new HandlingUnit { Code = code, Name = name, CommitteeId = c.Id, CommitteePath = c.Path, IsActive = input.Active ?? true });
        await db.SaveChangesAsync(ct);
        return (new HandlingUnitDto(code, name, c.Code, input.Active ?? true), null);
    }

    /// <summary>Renames or (de)activates unit <paramref name="code"/>: 404 unknown, 403 outside the caller's management, 400 a missing or over-long name.</summary>
    public static async Task<(HandlingUnitDto? Unit, ProposalError? Error)> UpdateAsync(AppDbContext db, CurrentUser user, string code, HandlingUnitInput input, CancellationToken ct)
    {
        var u = await db.HandlingUnits.FirstOrDefaultAsync(x => x.Code == code, ct);
        if (u is null) return (null, new(404, $"未找到承办单位 {code}。"));
        if (!Scope.CanManage(user, u.CommitteePath)) return (null, new(403, "您无权修改该承办单位。"));
        var name = (input.Name ?? u.Name).Trim();
        if (name.Length is 0 or > 100) return (null, new(400, "请填写单位全称（不超过 100 个字）。", "name"));
        u.Name = name;
        u.IsActive = input.Active ?? u.IsActive;
        await db.SaveChangesAsync(ct);
        var committeeCode = await db.Committees.Where(c => c.Id == u.CommitteeId).Select(c => c.Code).FirstAsync(ct);
        return (new HandlingUnitDto(u.Code, u.Name, committeeCode, u.IsActive), null);
    }

    /// <summary>User name of a unit's account: <c>unit.</c> + the unit code.</summary>
    public static string AccountName(string unitCode) => "unit." + unitCode;

    /// <summary>
    /// Creates the account of unit <paramref name="code"/> (user name <see cref="AccountName"/>, role <c>unit</c>, display name
    /// the unit's name, bound to the unit) with a generated password returned once: 404 unknown unit, 403 outside the
    /// caller's management, 409 an inactive unit or an account that exists already.
    /// </summary>
    public static async Task<(UnitAccountCreated? Account, ProposalError? Error)> CreateAccountAsync(AppDbContext db, UserManager<AppUser> users, CurrentUser user,
        string code, CancellationToken ct)
    {
        var u = await db.HandlingUnits.AsNoTracking().FirstOrDefaultAsync(x => x.Code == code, ct);
        if (u is null) return (null, new(404, $"未找到承办单位 {code}。"));
        if (!Scope.CanManage(user, u.CommitteePath)) return (null, new(403, "您无权为该承办单位开设账号。"));
        if (!u.IsActive) return (null, new(409, $"{u.Name}已停用，不能开设账号。"));
        var userName = AccountName(u.Code);
        if (await users.FindByNameAsync(userName) is not null) return (null, new(409, $"账号 {userName} 已存在。"));
        var password = DatabaseInitializer.GeneratePassword();
        var account = new AppUser { UserName = userName, DisplayName = u.Name, HandlingUnitId = u.Id };
        var r = await users.CreateAsync(account, password);
        if (!r.Succeeded) return (null, new(400, "账号未能创建：" + string.Join("；", r.Errors.Select(e => e.Description))));
        await users.AddToRoleAsync(account, Roles.HandlingUnit);
        return (new UnitAccountCreated(userName, password), null);
    }

    /// <summary>Unit codes of <paramref name="unitIds"/> that already have an account.</summary>
    public static Task<List<int>> WithAccountAsync(AppDbContext db, IReadOnlyCollection<int> unitIds, CancellationToken ct) =>
        db.Users.Where(x => x.HandlingUnitId != null && unitIds.Contains(x.HandlingUnitId.Value)).Select(x => x.HandlingUnitId!.Value).Distinct().ToListAsync(ct);
}

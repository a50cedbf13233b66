using System.Security.Claims;

namespace Xieshang.Web.Infrastructure.Auth;

/// <summary>Claim types the platform adds to every principal (cookie and bearer alike).</summary>
public static class AppClaims
{
    public const string CommitteeId = "xs:committee_id";
    public const string CommitteeCode = "xs:committee_code";
    /// <summary>Materialised scope path of the account's committee, e.g. <c>/CN/520000/520200/</c>.</summary>
    public const string CommitteePath = "xs:committee_path";
    public const string MemberId = "xs:member_id";
    /// <summary>Id of the handling unit (承办单位) a unit account belongs to.</summary>
    public const string HandlingUnitId = "xs:unit_id";
}

/// <summary>
/// The signed-in account as the rules see it, read from the principal's claims (no database hit).
/// Anonymous principals give <see cref="Anonymous"/>.
/// </summary>
public sealed record CurrentUser(string UserName, IReadOnlySet<string> Roles, int? CommitteeId, string? CommitteeCode, string? CommitteePath, int? MemberId)
{
    public static readonly CurrentUser Anonymous = new("", new HashSet<string>(), null, null, null, null);

    public bool IsAuthenticated => UserName.Length > 0;
    public bool IsAdmin => Roles.Contains(Auth.Roles.Admin);
    public bool IsStaff => Roles.Contains(Auth.Roles.Staff);
    public bool IsLeader => Roles.Contains(Auth.Roles.Leader);
    public bool IsMember => Roles.Contains(Auth.Roles.Member);
    public bool IsHandlingUnit => Roles.Contains(Auth.Roles.HandlingUnit);

    /// <summary>Account id (Identity's user id); empty when anonymous.</summary>
    public string UserId { get; init; } = "";
    /// <summary>Display name (e.g. <c>张三</c>, <c>六盘水市教育局</c>); the user name when none is set.</summary>
    public string DisplayName { get; init; } = "";
    /// <summary>The handling unit of a unit account (null for every other account).</summary>
    public int? HandlingUnitId { get; init; }

    /// <summary>Reads the claims written by <see cref="AppClaimsFactory"/>.</summary>
    public static CurrentUser From(ClaimsPrincipal? principal)
    {
        if (principal?.Identity?.IsAuthenticated != true) return Anonymous;
        static int? Int(string? s) => int.TryParse(s, out var v) ? v : null;
        return new CurrentUser(
            principal.Identity.Name ?? "",
            principal.FindAll(ClaimTypes.Role).Select(c => c.Value).ToHashSet(),
            Int(principal.FindFirstValue(AppClaims.CommitteeId)),
            principal.FindFirstValue(AppClaims.CommitteeCode),
            principal.FindFirstValue(AppClaims.CommitteePath),
            Int(principal.FindFirstValue(AppClaims.MemberId)))
        {
            UserId = principal.FindFirstValue(ClaimTypes.NameIdentifier) ?? "",
            DisplayName = principal.FindFirstValue(ClaimTypes.GivenName) ?? principal.Identity.Name ?? "",
            HandlingUnitId = Int(principal.FindFirstValue(AppClaims.HandlingUnitId)),
        };
    }
}

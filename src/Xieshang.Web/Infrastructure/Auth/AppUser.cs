using Microsoft.AspNetCore.Identity;

namespace Xieshang.Web.Infrastructure.Auth;

/// <summary>
/// An account. Staff, leaders and members are bound to one committee (<see cref="CommitteeId"/>);
/// a member account also links to its <see cref="MemberId"/>. Administrators have no committee.
/// </summary>
public sealed class AppUser : IdentityUser
{
    public string DisplayName { get; set; } = "";
    public int? CommitteeId { get; set; }
    public int? MemberId { get; set; }
    /// <summary>The handling unit (承办单位) of a unit account; null otherwise.</summary>
    public int? HandlingUnitId { get; set; }
    /// <summary>Time of the first failed sign-in of the current failure window; failures older than one minute are forgotten.</summary>
    public DateTimeOffset? FailureWindowStart { get; set; }
}

/// <summary>Role names (DOMAIN.md §3). Stored as Identity roles; checked only through <see cref="Policies"/>.</summary>
public static class Roles
{
    /// <summary>System administrator: everything, accounts, reference data.</summary>
    public const string Admin = "admin";
    /// <summary>Committee staff (机关工作人员): manages their committee and those below it.</summary>
    public const string Staff = "staff";
    /// <summary>Committee leader (主席, 副主席, 秘书长): reads everything in scope.</summary>
    public const string Leader = "leader";
    /// <summary>Member (委员): own profile and what is shared with them.</summary>
    public const string Member = "member";
    /// <summary>Handling unit (承办单位): only the proposals assigned to it.</summary>
    public const string HandlingUnit = "unit";

    /// <summary>Every role, in the order they are created.</summary>
    public static readonly string[] All = [Admin, Staff, Leader, Member, HandlingUnit];
}

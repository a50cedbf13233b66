namespace Xieshang.Web.Features.Members;

/// <summary>
/// A committee member's gender (性别) as recorded on the official roster.
/// </summary>
/// <remarks>
/// The numeric values are persisted; never renumber them. There is deliberately no
/// "unknown" member: an unknown gender is modelled as a <c>null</c> <see cref="Gender"/>?.
/// Roster cells are parsed with
/// <see cref="Xieshang.Web.Infrastructure.Text.RosterValues.TryParseGender(string?, out Gender, out string)"/>.
/// </remarks>
public enum Gender
{
    /// <summary>男 (male).</summary>
    Male = 1,

    /// <summary>女 (female).</summary>
    Female = 2,
}

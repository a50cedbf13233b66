namespace Xieshang.Web.Components.Shared;

/// <summary>Display formats shared by the pages.</summary>
public static class Format
{
    /// <summary>Committees work on Beijing time, whatever the server's zone.</summary>
    private static readonly TimeZoneInfo Beijing = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    /// <summary><c>2026-03-14 09:30</c> in Beijing time.</summary>
    public static string Time(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Beijing).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Resource key of a position (<c>StandingMember</c> → <c>Position.StandingMember</c>).</summary>
    public static string PositionKey(string position) => "Position." + position;

    /// <summary>Resource key of a gender (<c>Female</c> → <c>Gender.Female</c>).</summary>
    public static string GenderKey(string gender) => "Gender." + gender;

    /// <summary>
    /// Resource key of a member field, by its <see cref="Features.Members.MemberField"/> name or its entity property name
    /// as the audit log records it (<c>WorkUnit</c> → <c>Field.WorkUnit</c>, <c>PartyCode</c> → <c>Field.Party</c>).
    /// </summary>
    public static string FieldKey(string field) => "Field." + field switch
    {
        "EthnicGroupCode" => "EthnicGroup",
        "PartyCode" => "Party",
        "SectorId" => "Sector",
        "CommitteeId" => "Committee",
        _ => field,
    };

    /// <summary>Entity properties the audit log records that say nothing to a reader (keys and copies).</summary>
    public static readonly IReadOnlySet<string> HiddenAuditFields = new HashSet<string> { "Id", "CommitteePath", "CreatedAt", "UpdatedAt" };

    /// <summary>The text cut to <paramref name="max"/> characters with an ellipsis.</summary>
    public static string Shorten(string text, int max) => text.Length <= max ? text : text[..max] + "…";
}

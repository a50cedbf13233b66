using System.ComponentModel.DataAnnotations;

namespace Xieshang.Web.Features.Members;

/// <summary>
/// Limits of the roster import, bound from the <c>Roster</c> configuration section and validated on start
/// (<see cref="RosterApi.AddRoster"/>).
/// </summary>
public sealed class RosterOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Roster";

    /// <summary>Largest accepted .xlsx file, in bytes (default 10 MB = 10,485,760). Larger uploads are refused before they are read.</summary>
    [Range(1, long.MaxValue)]
    public long MaxFileBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Most data rows (non-empty rows below the header) one file may hold (default 20,000).</summary>
    [Range(1, 1_000_000)]
    public int MaxRows { get; set; } = 20_000;
}

using System.Globalization;

namespace Xieshang.Web.Components.Shared;

/// <summary>
/// Lenient reading of query-string values on the pages. Pages bind every query parameter as a string
/// (<c>[SupplyParameterFromQuery] string?</c>): a typed <c>int?</c> or <c>bool?</c> parameter makes the framework
/// throw, and the user sees an error page, for a hand-edited or stale link such as <c>?page=abc</c>. Here a value
/// that does not parse, or lies outside its range, is simply ignored (null, or the default).
/// </summary>
public static class QueryValue
{
    /// <summary>Largest page number a list accepts: far beyond any real list, small enough that <c>(page - 1) * size</c> cannot overflow.</summary>
    public const int MaxPage = 100_000;

    /// <summary>The whole number in <paramref name="text"/> when it lies in <paramref name="min"/>…<paramref name="max"/>; otherwise null.</summary>
    public static int? Int(string? text, int min = 0, int max = int.MaxValue) =>
        int.TryParse(text?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max ? v : null;

    /// <summary><c>true</c> or <c>false</c> (any case); anything else null.</summary>
    public static bool? Bool(string? text) => bool.TryParse(text?.Trim(), out var v) ? v : null;

    /// <summary>
    /// A checkbox that follows a hidden field of the same name holding <c>false</c>, so that unticking it is sent too
    /// (<c>below=false</c> unticked, <c>below=false&amp;below=true</c> ticked): true when any value is <c>true</c>,
    /// false when a value is <c>false</c> and none is <c>true</c>, otherwise (absent, unreadable) <paramref name="absent"/>.
    /// </summary>
    public static bool Checkbox(IReadOnlyList<string?>? values, bool absent)
    {
        var read = (values ?? []).Select(Bool).ToList();
        return read.Contains(true) || (!read.Contains(false) && absent);
    }

    /// <summary>A page number: 1 unless <paramref name="text"/> is a number from 1 to <see cref="MaxPage"/>.</summary>
    public static int Page(string? text) => Int(text, 1, MaxPage) ?? 1;
}

using System.Globalization;
using System.Net.Mail;
using System.Text;
using System.Text.RegularExpressions;
using Xieshang.Web.Features.Members;

namespace Xieshang.Web.Infrastructure.Text;

/// <summary>
/// Parsers for cell values as committee rosters (委员名册, usually Excel sheets filled in by hand)
/// contain them: birth months, phone numbers, e-mail addresses, gender and term (届次).
/// </summary>
/// <remarks>
/// Every parser follows the <c>TryParse</c> pattern: it returns <c>true</c> with the normalised
/// value and <c>error == ""</c>, or <c>false</c> with the type's default value and a short
/// Simplified Chinese message in <c>error</c> that quotes the offending cell and says what to
/// write instead, ready to show next to the roster row. Full-width digits and punctuation
/// (<c>１９６８．０５</c>), the ideographic space and stray spaces are accepted everywhere.
/// All members are pure and thread-safe.
/// </remarks>
public static partial class RosterValues
{
    private const string BirthMonthHint = "请使用 1968.05 或 1968年5月 格式";

    /// <summary>
    /// Parses a birth month (出生年月) cell.
    /// </summary>
    /// <param name="cell">
    /// The cell value as read from a spreadsheet or form:
    /// <list type="bullet">
    /// <item><see cref="DateTime"/>, <see cref="DateTimeOffset"/> or <see cref="DateOnly"/>: its year and month;</item>
    /// <item>a number (<see cref="double"/>, <see cref="float"/>, <see cref="decimal"/>, integer types):
    /// an integer 190001–209912 is <c>yyyyMM</c>, an integer 19000101–20991231 is <c>yyyyMMdd</c>;
    /// a fraction between 1900 and 2100 is a decimal year.month as typed into a numeric cell
    /// (<c>1968.05</c> = May; a <see cref="decimal"/> keeps its scale, so <c>1968.10m</c> is October);
    /// any other number is an Excel serial date (OLE Automation date, as in <see cref="DateTime.FromOADate(double)"/>);</item>
    /// <item>a string: <c>1968.05</c>, <c>1968.5</c>, <c>1968.10</c> (October), <c>1968.1</c> (January),
    /// <c>1968年5月</c>, <c>1968年05月</c>, <c>1968年5月12日</c>, <c>1968-05-12</c>, <c>1968/5/12</c>,
    /// <c>1968.5.12</c>, <c>1968-05</c>, <c>1968/05</c>, <c>196805</c>, <c>19680512</c>, optionally with a
    /// trailing time (<c>1968/5/12 0:00:00</c>), with full-width characters and spaces anywhere;</item>
    /// <item>any other object: its invariant-culture string, parsed as above.</item>
    /// </list>
    /// </param>
    /// <param name="today">The current date; months after today's month are refused.</param>
    /// <param name="month">On success the first day of the birth month, otherwise <c>default</c>.</param>
    /// <param name="error">
    /// <c>""</c> on success, otherwise one of: <c>出生年月为空</c> (null, <see cref="DBNull"/>, blank);
    /// <c>无法识别的出生年月“…”，请使用 1968.05 或 1968年5月 格式</c> (unknown shape, month outside
    /// 1–12, impossible day such as 1968-02-30, unreadable serial number); a message that the
    /// year is before 1900; a message that the month is in the future; and, for a <see cref="double"/>
    /// or <see cref="float"/> cell holding <c>yyyy.1</c>, a message that the number cannot tell
    /// January (<c>1968.01</c>) from October (<c>1968.10</c>, which a numeric cell stores as
    /// 1968.1) and that the column should be formatted as text.
    /// </param>
    /// <returns><c>true</c> when <paramref name="month"/> holds a valid birth month.</returns>
    public static bool TryParseBirthMonth(object? cell, DateOnly today, out DateOnly month, out string error)
    {
        month = default;
        switch (cell)
        {
            case null or DBNull:
                error = "出生年月为空";
                return false;
            case DateTime dateTime:
                return CheckBirthMonth(dateTime.Year, dateTime.Month, 1, today, FormatCell(dateTime), out month, out error);
            case DateTimeOffset dateTimeOffset:
                return CheckBirthMonth(dateTimeOffset.Year, dateTimeOffset.Month, 1, today, FormatCell(dateTimeOffset), out month, out error);
            case DateOnly dateOnly:
                return CheckBirthMonth(dateOnly.Year, dateOnly.Month, 1, today, FormatCell(dateOnly), out month, out error);
            case double number:
                return TryParseBirthMonthNumber(number, number.ToString("R", CultureInfo.InvariantCulture), today, out month, out error);
            case float number:
                return TryParseBirthMonthNumber(number, number.ToString("R", CultureInfo.InvariantCulture), today, out month, out error);
            case decimal number:
                return TryParseBirthMonthDecimal(number, today, out month, out error);
            case sbyte or byte or short or ushort or int or uint or long or ulong:
                return TryParseBirthMonthDecimal(Convert.ToDecimal(cell, CultureInfo.InvariantCulture), today, out month, out error);
            case string text:
                return TryParseBirthMonthText(text, today, out month, out error);
            default:
                return TryParseBirthMonthText(Convert.ToString(cell, CultureInfo.InvariantCulture), today, out month, out error);
        }
    }

    /// <summary>
    /// Parses a phone number (联系电话): a mainland mobile number or a landline with area code.
    /// </summary>
    /// <param name="raw">
    /// The cell text. Full-width digits and punctuation are accepted; spaces, hyphens and dashes
    /// (<c>- － – — ‐ ‑ −</c>) and parentheses around the area code are ignored; a leading
    /// <c>+86</c>, <c>86</c> or <c>0086</c> is dropped when 11 digits follow.
    /// </param>
    /// <param name="phone">
    /// On success: <c>""</c> for empty input (the phone is optional); 11 ASCII digits for a mobile
    /// number (<c>1[3-9]</c> followed by 9 digits), e.g. <c>13812345678</c>; or
    /// <c>area-number</c> for a landline, e.g. <c>0858-8221234</c>, where the area code has 3–4
    /// digits starting with <c>0</c> and the local number 7–8 digits starting with 2–9. A cell written
    /// as exactly two groups (<c>0858-8221234</c>, <c>(0858)8221234</c>, <c>0858 8221234</c>) keeps its
    /// split; otherwise the area code is split off by the national plan: <c>010</c> and <c>02x</c>
    /// are 3 digits, all others 4 (<c>08588221234</c> → <c>0858-8221234</c>).
    /// Otherwise <c>""</c>.
    /// </param>
    /// <param name="error"><c>""</c> on success, otherwise <c>无法识别的电话号码“…”，…</c> (also for
    /// several numbers in one cell, extensions, foreign numbers and landlines without area code).</param>
    /// <returns><c>true</c> when the cell is empty or holds one valid phone number.</returns>
    public static bool TryParsePhone(string? raw, out string phone, out string error)
    {
        phone = "";
        error = "";
        var text = ToHalfWidth(raw ?? "").Trim();
        if (text.Length == 0)
        {
            return true;
        }

        // Split into digit groups at spaces, dashes and parentheses; anything else is fatal.
        var groups = new List<string>();
        var digits = new StringBuilder(text.Length);
        var group = new StringBuilder();
        var plus = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsAsciiDigit(c))
            {
                group.Append(c);
                digits.Append(c);
            }
            else if (char.IsWhiteSpace(c) || IsDash(c) || c is '(' or ')')
            {
                EndGroup();
            }
            else if (c == '+' && digits.Length == 0 && !plus)
            {
                plus = true;
            }
            else
            {
                return PhoneError(raw!, out error);
            }
        }

        EndGroup();

        var all = digits.ToString();
        if (plus || all.Length is 13 or 15)
        {
            // International prefix: only China, and only in front of an 11-digit number.
            var prefix = all.Length switch
            {
                13 when all.StartsWith("86", StringComparison.Ordinal) => 2,
                15 when !plus && all.StartsWith("0086", StringComparison.Ordinal) => 4,
                _ => -1,
            };
            if (prefix < 0)
            {
                return PhoneError(raw!, out error);
            }

            all = all[prefix..];
            if (!MobileRegex().IsMatch(all))
            {
                return PhoneError(raw!, out error);
            }

            phone = all;
            return true;
        }

        if (MobileRegex().IsMatch(all))
        {
            phone = all;
            return true;
        }

        if (groups.Count == 2 && IsAreaCode(groups[0]) && IsLocalNumber(groups[1]))
        {
            phone = groups[0] + "-" + groups[1];
            return true;
        }

        if (all.StartsWith('0'))
        {
            var areaLength = all.StartsWith("010", StringComparison.Ordinal) || all.StartsWith("02", StringComparison.Ordinal) ? 3 : 4;
            if (all.Length > areaLength && IsLocalNumber(all[areaLength..]))
            {
                phone = all[..areaLength] + "-" + all[areaLength..];
                return true;
            }
        }

        return PhoneError(raw!, out error);

        void EndGroup()
        {
            if (group.Length > 0)
            {
                groups.Add(group.ToString());
                group.Clear();
            }
        }

        static bool IsAreaCode(string s) => s.Length is 3 or 4 && s[0] == '0';

        static bool IsLocalNumber(string s) => s.Length is 7 or 8 && s[0] is >= '2' and <= '9' && s.All(char.IsAsciiDigit);

        static bool IsDash(char c) => c is '-' or '\u2010' or '\u2011' or '\u2012' or '\u2013' or '\u2014' or '\u2212' or '\uFE63';
    }

    /// <summary>
    /// Parses an e-mail address (电子邮箱).
    /// </summary>
    /// <param name="raw">
    /// The cell text. Surrounding whitespace is trimmed; full-width characters (<c>＠</c>,
    /// <c>．</c>, full-width letters and digits) and the ideographic full stop <c>。</c> (a common
    /// input-method slip for <c>.</c>) are converted to ASCII.
    /// </param>
    /// <param name="email">
    /// On success the address with the domain lower-cased and the local part as written
    /// (<c>Zhang.San＠Example．COM</c> → <c>Zhang.San@example.com</c>), or <c>""</c> for empty input
    /// (e-mail is optional); otherwise <c>""</c>.
    /// </param>
    /// <param name="error"><c>""</c> on success, otherwise <c>无法识别的电子邮箱“…”，…</c>. Refused:
    /// whitespace inside, display-name forms (<c>张三 &lt;zs@qq.com&gt;</c>), anything
    /// <see cref="MailAddress"/> rejects, a domain without a dot, with empty labels or starting
    /// or ending with a dot or hyphen, and addresses longer than 254 characters.</param>
    /// <returns><c>true</c> when the cell is empty or holds one valid address.</returns>
    public static bool TryParseEmail(string? raw, out string email, out string error)
    {
        email = "";
        error = "";
        var text = ToHalfWidth(raw ?? "").Replace('\u3002', '.').Trim();
        if (text.Length == 0)
        {
            return true;
        }

        var at = text.IndexOf('@');
        if (text.Length > 254 || at <= 0 || at != text.LastIndexOf('@') || text.Any(char.IsWhiteSpace))
        {
            return EmailError(raw!, out error);
        }

        var local = text[..at];
        var domain = text[(at + 1)..].ToLowerInvariant();
        var candidate = local + "@" + domain;
        if (!domain.Contains('.')
            || domain.StartsWith('.') || domain.EndsWith('.') || domain.StartsWith('-') || domain.EndsWith('-')
            || domain.Contains("..", StringComparison.Ordinal)
            || !MailAddress.TryCreate(candidate, out var address)
            || address.Address != candidate
            || address.DisplayName.Length != 0)
        {
            return EmailError(raw!, out error);
        }

        email = candidate;
        return true;
    }

    /// <summary>
    /// Parses a gender (性别) cell.
    /// </summary>
    /// <param name="raw">
    /// <c>男</c>, <c>男性</c>, <c>男士</c>, <c>M</c>, <c>Male</c> or <c>女</c>, <c>女性</c>, <c>女士</c>,
    /// <c>F</c>, <c>Female</c>; Latin forms in any case, full-width or not, surrounding spaces ignored.
    /// </param>
    /// <param name="gender">On success <see cref="Gender.Male"/> or <see cref="Gender.Female"/>; otherwise <c>default</c> (0, not a defined member).</param>
    /// <param name="error"><c>""</c> on success; <c>性别为空，请填写“男”或“女”</c> for a blank cell;
    /// <c>无法识别的性别“…”，请填写“男”或“女”</c> otherwise.</param>
    /// <returns><c>true</c> when the cell names a gender.</returns>
    public static bool TryParseGender(string? raw, out Gender gender, out string error)
    {
        gender = default;
        var text = RemoveWhitespace(ToHalfWidth(raw ?? "")).ToLowerInvariant();
        switch (text)
        {
            case "":
                error = "性别为空，请填写“男”或“女”";
                return false;
            case "男" or "男性" or "男士" or "m" or "male":
                gender = Gender.Male;
                error = "";
                return true;
            case "女" or "女性" or "女士" or "f" or "female":
                gender = Gender.Female;
                error = "";
                return true;
            default:
                error = $"无法识别的性别“{raw!.Trim()}”，请填写“男”或“女”";
                return false;
        }
    }

    /// <summary>
    /// Parses a term (届次) of the committee.
    /// </summary>
    /// <param name="raw">
    /// An optional <c>第</c>, then the number in Chinese numerals (<c>九</c>, <c>十</c>, <c>十四</c>,
    /// <c>二十一</c>, <c>九十九</c>) or digits, ASCII or full-width (<c>14</c>, <c>１４</c>), then an
    /// optional <c>届</c>: <c>九届</c>, <c>第九届</c>, <c>十四届</c>, <c>第14届</c>, <c>9</c>, <c>９</c>.
    /// Spaces anywhere are ignored.
    /// </param>
    /// <param name="term">On success the term number, 1–99; otherwise 0.</param>
    /// <param name="error"><c>""</c> on success; <c>届次为空</c> for a blank cell;
    /// <c>无法识别的届次“…”，…</c> for any other shape or a number outside 1–99.</param>
    /// <returns><c>true</c> when the cell names a term 1–99.</returns>
    public static bool TryParseTerm(string? raw, out int term, out string error)
    {
        term = 0;
        var text = RemoveWhitespace(ToHalfWidth(raw ?? ""));
        if (text.Length == 0)
        {
            error = "届次为空";
            return false;
        }

        var match = TermRegex().Match(text);
        if (match.Success)
        {
            var number = match.Groups["digits"].Success
                ? int.Parse(match.Groups["digits"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture)
                : ChineseNumeral(match.Groups["tens"].Value, match.Groups["ten"].Success, match.Groups["units"].Value);
            if (number is >= 1 and <= 99)
            {
                term = number;
                error = "";
                return true;
            }
        }

        error = $"无法识别的届次“{raw!.Trim()}”，请填写如“第九届”“十四届”或 14 的届次（1–99）";
        return false;

        static int ChineseNumeral(string tens, bool hasTen, string units)
        {
            var unitValue = units.Length == 0 ? 0 : ChineseDigit(units[0]);
            if (!hasTen)
            {
                return unitValue;
            }

            return (tens.Length == 0 ? 1 : ChineseDigit(tens[0])) * 10 + unitValue;
        }

        static int ChineseDigit(char c) => "一二三四五六七八九".IndexOf(c) + 1;
    }

    /// <summary>
    /// Converts full-width ASCII variants to ASCII: U+FF01–U+FF5E (<c>！</c>…<c>～</c>, including
    /// full-width digits, letters, <c>＠</c> and <c>．</c>) become U+0021–U+007E and the ideographic
    /// space U+3000 becomes a space U+0020. All other characters, including the ideographic full
    /// stop <c>。</c> and half-width katakana, are returned unchanged.
    /// </summary>
    /// <param name="s">Any string; <c>null</c> is not allowed.</param>
    /// <returns>The converted string (the same instance when nothing needed converting).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="s"/> is <c>null</c>.</exception>
    public static string ToHalfWidth(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var first = s.AsSpan().IndexOfAnyInRange('\uFF01', '\uFF5E');
        var space = s.IndexOf('\u3000');
        if (first < 0 && space < 0)
        {
            return s;
        }

        return string.Create(s.Length, s, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                span[i] = c switch
                {
                    >= '\uFF01' and <= '\uFF5E' => (char)(c - 0xFEE0),
                    '\u3000' => ' ',
                    _ => c,
                };
            }
        });
    }

    private static bool TryParseBirthMonthText(string? raw, DateOnly today, out DateOnly month, out string error)
    {
        month = default;
        var display = raw?.Trim() ?? "";
        var text = ToHalfWidth(display).Replace('\u3002', '.').Trim();
        if (text.Length == 0)
        {
            error = "出生年月为空";
            return false;
        }

        text = RemoveWhitespace(TrailingTimeRegex().Replace(text, ""));
        var match = BirthChineseRegex().Match(text);
        if (!match.Success)
        {
            match = BirthSeparatedRegex().Match(text);
        }

        if (!match.Success)
        {
            match = BirthCompactRegex().Match(text);
        }

        if (!match.Success)
        {
            error = UnrecognisedBirthMonth(display);
            return false;
        }

        var year = int.Parse(match.Groups["y"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture);
        var monthNumber = int.Parse(match.Groups["m"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture);
        var day = match.Groups["d"].Success
            ? int.Parse(match.Groups["d"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture)
            : 1;
        return CheckBirthMonth(year, monthNumber, day, today, display, out month, out error);
    }

    /// <summary>
    /// A binary floating-point cell: <paramref name="display"/> is its shortest round-trip text
    /// in its own precision, so a <see cref="float"/> 1968.11 reads "1968.11", not 1968.1099853….
    /// </summary>
    private static bool TryParseBirthMonthNumber(double number, string display, DateOnly today, out DateOnly month, out string error)
    {
        month = default;
        if (!double.IsFinite(number) || Math.Abs(number) > 1e9
            || !decimal.TryParse(display, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            error = UnrecognisedBirthMonth(display);
            return false;
        }

        // A typed 1968.10 is stored as the number 1968.1, indistinguishable from 1968.1 (January).
        if (value is > 1900m and < 2100m && display.EndsWith(".1", StringComparison.Ordinal))
        {
            error = $"数值单元格“{display}”无法区分 1 月和 10 月，请将该列设为文本格式后填写 1968.01 或 1968.10";
            return false;
        }

        return TryParseBirthMonthDecimal(value, today, out month, out error, display);
    }

    private static bool TryParseBirthMonthDecimal(decimal number, DateOnly today, out DateOnly month, out string error, string? display = null)
    {
        month = default;
        display ??= number.ToString(CultureInfo.InvariantCulture);
        var isInteger = number == decimal.Truncate(number);
        if (isInteger && number is >= 190001m and <= 209912m)
        {
            var value = (int)number;
            return CheckBirthMonth(value / 100, value % 100, 1, today, display, out month, out error);
        }

        if (isInteger && number is >= 19000101m and <= 20991231m)
        {
            var value = (int)number;
            return CheckBirthMonth(value / 10000, value / 100 % 100, value % 100, today, display, out month, out error);
        }

        if (!isInteger && number is > 1900m and < 2100m)
        {
            // Decimal year.month typed into a numeric cell: the digits after the point are the month.
            return TryParseBirthMonthText(number.ToString(CultureInfo.InvariantCulture), today, out month, out error);
        }

        if (number is >= 1900m and < 2100m)
        {
            // A bare year: no month.
            return Fail(UnrecognisedBirthMonth(display), out month, out error);
        }

        DateTime date;
        try
        {
            date = DateTime.FromOADate((double)number);
        }
        catch (ArgumentException)
        {
            return Fail(UnrecognisedBirthMonth(display), out month, out error);
        }

        return CheckBirthMonth(date.Year, date.Month, 1, today, display, out month, out error);

        static bool Fail(string message, out DateOnly month, out string error)
        {
            month = default;
            error = message;
            return false;
        }
    }

    private static bool CheckBirthMonth(int year, int monthNumber, int day, DateOnly today, string display, out DateOnly month, out string error)
    {
        month = default;
        if (monthNumber is < 1 or > 12 || year is < 1 or > 9999 || day < 1 || day > DateTime.DaysInMonth(year, monthNumber))
        {
            error = UnrecognisedBirthMonth(display);
            return false;
        }

        if (year < 1900)
        {
            error = $"出生年月“{display}”早于 1900 年，请检查";
            return false;
        }

        var candidate = new DateOnly(year, monthNumber, 1);
        if (candidate > new DateOnly(today.Year, today.Month, 1))
        {
            error = $"出生年月“{display}”晚于当前月份，请检查";
            return false;
        }

        month = candidate;
        error = "";
        return true;
    }

    private static string UnrecognisedBirthMonth(string display) => $"无法识别的出生年月“{display}”，{BirthMonthHint}";

    private static string FormatCell(DateTime value) => value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string FormatCell(DateTimeOffset value) => value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string FormatCell(DateOnly value) => value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static bool PhoneError(string raw, out string error)
    {
        error = $"无法识别的电话号码“{raw.Trim()}”，请填写 11 位手机号（如 13812345678）或带区号的固定电话（如 0858-8221234）";
        return false;
    }

    private static bool EmailError(string raw, out string error)
    {
        error = $"无法识别的电子邮箱“{raw.Trim()}”，请填写如 name@example.com 的地址";
        return false;
    }

    private static string RemoveWhitespace(string s)
    {
        if (!s.Any(char.IsWhiteSpace))
        {
            return s;
        }

        var builder = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            if (!char.IsWhiteSpace(c))
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    [GeneratedRegex(@"^1[3-9][0-9]{9}$", RegexOptions.CultureInvariant)]
    private static partial Regex MobileRegex();

    [GeneratedRegex(@"^(?<y>[0-9]{4})年(?<m>[0-9]{1,2})月(?:(?<d>[0-9]{1,2})日?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex BirthChineseRegex();

    [GeneratedRegex(@"^(?<y>[0-9]{4})(?<sep>[./-])(?<m>[0-9]{1,2})(?:\k<sep>(?<d>[0-9]{1,2}))?$", RegexOptions.CultureInvariant)]
    private static partial Regex BirthSeparatedRegex();

    [GeneratedRegex(@"^(?<y>[0-9]{4})(?<m>[0-9]{2})(?<d>[0-9]{2})?$", RegexOptions.CultureInvariant)]
    private static partial Regex BirthCompactRegex();

    [GeneratedRegex(@"(?:T|\s+)[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?$", RegexOptions.CultureInvariant)]
    private static partial Regex TrailingTimeRegex();

    [GeneratedRegex(@"^第?(?:(?<digits>[0-9]{1,3})|(?<tens>[一二三四五六七八九])?(?<ten>十)(?<units>[一二三四五六七八九])?|(?<units>[一二三四五六七八九]))届?$", RegexOptions.CultureInvariant)]
    private static partial Regex TermRegex();
}

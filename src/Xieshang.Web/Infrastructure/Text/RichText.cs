using Ganss.Xss;

namespace Xieshang.Web.Infrastructure.Text;

/// <summary>
/// Server-side sanitising of rich text (agendas, later proposal bodies) against an allow-list before it is
/// stored: paragraphs, line breaks, emphasis, lists, headings h3–h5, tables and links (http, https, mailto,
/// relative). Scripts, styles, event handlers, iframes and other URL schemes are removed.
/// </summary>
public static partial class RichText
{
    [System.Text.RegularExpressions.GeneratedRegex(@"<\s*/?\s*(p|br|div|ul|ol|li|table|tr|h[1-6]|blockquote)\b", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex BlockTag();

    private static readonly HtmlSanitizer Sanitizer = Create();

    private static HtmlSanitizer Create()
    {
        var s = new HtmlSanitizer(new HtmlSanitizerOptions
        {
            AllowedTags = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
                { "p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "h3", "h4", "h5", "blockquote", "table", "thead", "tbody", "tr", "th", "td", "a", "span" },
            AllowedAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "href", "title", "colspan", "rowspan" },
            AllowedSchemes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "http", "https", "mailto" },
            UriAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "href" },
        });
        return s;
    }

    /// <summary>Escapes the HTML-significant characters of plain text only (·, 𠮷 and other text stay readable in storage).</summary>
    private static string EncodeText(string text) =>
        text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;");

    /// <summary>
    /// Returns <paramref name="html"/> with everything outside the allow-list removed; empty for null or blank input.
    /// Text without any tag (typed into a plain text box) is HTML-encoded with its line breaks kept as <c>&lt;br&gt;</c>.
    /// </summary>
    public static string Sanitize(string? html)
    {
        if (string.IsNullOrWhiteSpace(html)) return "";
        var text = html.Trim().Replace("\r\n", "\n");
        if (!text.Contains('<'))
            return string.Join("<br>", text.Split('\n').Select(EncodeText));
        // Typed lines with a little inline markup (<b>…</b>) keep their line breaks; real block markup is left as written.
        if (!BlockTag().IsMatch(text)) text = text.Replace("\n", "<br>\n");
        return Sanitizer.Sanitize(text).Trim();
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"<\s*(br|/p|/div|/li|/tr|/h[1-6]|/blockquote)\b[^>]*>", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex LineEnd();

    [System.Text.RegularExpressions.GeneratedRegex(@"<[^>]*>")]
    private static partial System.Text.RegularExpressions.Regex AnyTag();

    /// <summary>
    /// Plain text of sanitised HTML: tags removed, entities decoded, line breaks where lines and blocks ended (for
    /// search, excerpts, character counts and Word documents). Empty for null.
    /// </summary>
    public static string ToPlainText(string? html)
    {
        if (string.IsNullOrEmpty(html)) return "";
        var text = AnyTag().Replace(LineEnd().Replace(html, "\n"), "");
        return System.Net.WebUtility.HtmlDecode(text).Replace("\r\n", "\n").Trim();
    }
}

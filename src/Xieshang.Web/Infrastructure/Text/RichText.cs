using Ganss.Xss;

namespace Xieshang.Web.Infrastructure.Text;

/// <summary>
/// Server-side sanitising of rich text (agendas, later proposal bodies) against an allow-list before it is
/// stored: paragraphs, line breaks, emphasis, lists, headings h3–h5, tables and links (http, https, mailto,
/// relative). Scripts, styles, event handlers, iframes and other URL schemes are removed.
/// </summary>
public static class RichText
{
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

    /// <summary>
    /// Returns <paramref name="html"/> with everything outside the allow-list removed; empty for null or blank input.
    /// Text without any tag (typed into a plain text box) is HTML-encoded with its line breaks kept as <c>&lt;br&gt;</c>.
    /// </summary>
    public static string Sanitize(string? html)
    {
        if (string.IsNullOrWhiteSpace(html)) return "";
        if (!html.Contains('<'))
            return string.Join("<br>", html.Trim().Replace("\r\n", "\n").Split('\n').Select(System.Net.WebUtility.HtmlEncode));
        return Sanitizer.Sanitize(html).Trim();
    }
}

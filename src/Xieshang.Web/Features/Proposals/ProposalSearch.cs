using System.Text.RegularExpressions;

namespace Xieshang.Web.Features.Proposals;

/// <summary>
/// Chinese full-text search over proposals. PLACEHOLDER being replaced by the search work (jieba.NET segmentation,
/// PostgreSQL tsvector / SQLite token match); the signatures are fixed.
/// </summary>
public static partial class ProposalSearch
{
    /// <summary>Segmented words of the title, the body (HTML) and the replies (HTML), separated by single spaces.</summary>
    public static string BuildSearchText(string title, string bodyHtml, IEnumerable<string> replyHtml) =>
        string.Join(' ', new[] { title, Tags().Replace(bodyHtml, " ") }.Concat(replyHtml.Select(r => Tags().Replace(r, " "))));

    /// <summary>Proposals whose search text contains every word of <paramref name="text"/>.</summary>
    public static IQueryable<Proposal> Matching(this IQueryable<Proposal> q, string text) =>
        q.Where(p => p.SearchText.Contains(text.Trim()));

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tags();
}

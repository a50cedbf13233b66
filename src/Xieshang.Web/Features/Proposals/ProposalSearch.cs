using System.Diagnostics;
using System.Globalization;
using System.Linq.Expressions;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using JiebaNet.Segmenter;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
using NpgsqlTypes;

namespace Xieshang.Web.Features.Proposals;

/// <summary>
/// Chinese full-text search over proposals. <see cref="Proposal.SearchText"/> holds the words of the title, the body and
/// the replies as jieba.NET cuts them in search mode (<c>教育局</c> also yields <c>教育</c>), lower-cased, without
/// punctuation and stop words, separated by single spaces; a query is cut in precise mode and every one of its words must
/// be a word of the text (AND). On PostgreSQL the words are matched through the stored generated tsvector column
/// <see cref="SearchVectorColumn"/> (configuration <c>simple</c>, GIN index); on SQLite as whole tokens of the
/// space-separated column.
/// </summary>
public static partial class ProposalSearch
{
    /// <summary>Shadow property (PostgreSQL only) holding <c>to_tsvector('simple', "SearchText")</c>, stored and GIN-indexed.</summary>
    public const string SearchVectorColumn = "SearchVector";

    /// <summary>Most words a query keeps (longer queries are cut to their first words).</summary>
    public const int MaxQueryWords = 32;

    /// <summary>Segmented words of the title, the body (HTML) and the replies (HTML), separated by single spaces.</summary>
    public static string BuildSearchText(string title, string bodyHtml, IEnumerable<string> replyHtml)
    {
        var sb = new StringBuilder();
        var seg = ChineseSegmenter.Instance;
        seg.AppendWords(sb, title, forSearch: true);
        seg.AppendWords(sb, PlainText(bodyHtml), forSearch: true);
        foreach (var r in replyHtml) seg.AppendWords(sb, PlainText(r), forSearch: true);
        return sb.ToString();
    }

    /// <summary>The distinct words of a query (precise mode), at most <see cref="MaxQueryWords"/>, in order.</summary>
    public static IReadOnlyList<string> QueryWords(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        var sb = new StringBuilder();
        ChineseSegmenter.Instance.AppendWords(sb, text, forSearch: false);
        return sb.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).Take(MaxQueryWords).ToList();
    }

    /// <summary>
    /// Proposals whose search text contains every word of <paramref name="text"/> (AND). A text with no words (empty,
    /// only punctuation or stop words) leaves the query unchanged. The SQL is chosen by the model in use: the
    /// PostgreSQL model has the tsvector column, the SQLite one has not.
    /// </summary>
    public static IQueryable<Proposal> Matching(this IQueryable<Proposal> q, string text)
    {
        var words = QueryWords(text);
        if (words.Count == 0) return q;
        if (HasSearchVector(q.Expression))
        {
            // plainto_tsquery ANDs the words and parses them exactly as to_tsvector parsed the column.
            var query = string.Join(' ', words);
            return q.Where(p => EF.Property<NpgsqlTsVector>(p, SearchVectorColumn).Matches(EF.Functions.PlainToTsQuery("simple", query)));
        }
        foreach (var w in words)
        {
            var token = " " + w + " ";
            q = q.Where(p => (" " + p.SearchText + " ").Contains(token));
        }
        return q;
    }

    /// <summary>Plain text of sanitised HTML: tags become spaces, entities are decoded, runs of white space collapse.</summary>
    public static string PlainText(string? html)
    {
        if (string.IsNullOrEmpty(html)) return "";
        var text = WebUtility.HtmlDecode(Tags().Replace(html, " "));
        return Spaces().Replace(text, " ").Trim();
    }

    /// <summary>True when the query's EF Core model (PostgreSQL's) has the search vector; false for SQLite and for LINQ to objects.</summary>
    private static bool HasSearchVector(Expression e)
    {
        var finder = new RootFinder();
        finder.Visit(e);
        // The model of any EF Core root (a query may start from another entity set) tells which provider it is for.
        return finder.Root?.EntityType.Model.FindEntityType(typeof(Proposal))?.FindProperty(SearchVectorColumn) is not null;
    }

    private sealed class RootFinder : ExpressionVisitor
    {
        public EntityQueryRootExpression? Root;

        [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(node))]
        public override Expression? Visit(Expression? node)
        {
            if (Root is null && node is EntityQueryRootExpression r) Root = r;
            return Root is null ? base.Visit(node) : node;
        }

        protected override Expression VisitExtension(Expression node) => node is EntityQueryRootExpression ? node : base.VisitExtension(node);
    }

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tags();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}

/// <summary>
/// The one jieba.NET segmenter of the process (loading its 350,000-word dictionary takes about half a second and some
/// 100 MB, so it is created once, on first use, and shared: cutting is thread-safe). Its files ship in <c>jieba/</c>
/// beside the app (see the web project file). Text is NFKC-normalised (full-width letters and digits become ASCII),
/// cut, lower-cased; punctuation and the package's stop words are dropped; characters beyond the BMP (GB 18030 rare
/// characters such as 𠀀, CJK extension B and later) are kept whole, one word each, since jieba would split their
/// surrogate pairs.
/// </summary>
public sealed class ChineseSegmenter
{
    private static readonly Lazy<ChineseSegmenter> Shared = new(() => new ChineseSegmenter(DefaultDirectory), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The shared segmenter.</summary>
    public static ChineseSegmenter Instance => Shared.Value;

    /// <summary>Folder of the dictionary files: <c>jieba/</c> under the app's base directory.</summary>
    public static string DefaultDirectory => Path.Combine(AppContext.BaseDirectory, "jieba");

    private readonly JiebaSegmenter _jieba;
    private readonly HashSet<string> _stopWords;
    private readonly Dictionary<string, float> _idf;

    /// <summary>How long loading took (dictionary and the first cut).</summary>
    public TimeSpan LoadTime { get; }

    /// <summary>Inverse document frequency of jieba's general corpus for a word (its median for unknown words).</summary>
    public float PriorIdf(string word) => _idf.TryGetValue(word, out var v) ? v : MedianIdf;

    /// <summary>Median of <see cref="PriorIdf"/> over the dictionary (jieba's value for unknown words).</summary>
    public float MedianIdf { get; }

    private ChineseSegmenter(string directory)
    {
        var sw = Stopwatch.StartNew();
        if (!File.Exists(Path.Combine(directory, "dict.txt")))
            throw new FileNotFoundException($"jieba.NET dictionary not found in {directory} (the web project copies it to the output).");
        ConfigManager.ConfigFileBaseDir = directory;
        _jieba = new JiebaSegmenter();
        _stopWords = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(Path.Combine(directory, "stopwords.txt")))
            if (line.Trim().Trim('\uFEFF') is { Length: > 0 } w) _stopWords.Add(w.ToLowerInvariant());
        _idf = new Dictionary<string, float>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(Path.Combine(directory, "idf.txt")))
        {
            var i = line.LastIndexOf(' ');
            if (i > 0 && float.TryParse(line.AsSpan(i + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                _idf[line[..i].ToLowerInvariant()] = v;
        }
        var sorted = _idf.Values.Order().ToArray();
        MedianIdf = sorted.Length > 0 ? sorted[sorted.Length / 2] : 10f;
        _ = _jieba.Cut("预热分词器").ToList();
        LoadTime = sw.Elapsed;
    }

    /// <summary>The words of <paramref name="text"/> (search mode or precise mode), in order, repeats kept.</summary>
    public List<string> Words(string? text, bool forSearch)
    {
        var sb = new StringBuilder();
        AppendWords(sb, text, forSearch);
        return sb.Length == 0 ? [] : [.. sb.ToString().Split(' ')];
    }

    /// <summary>Appends the words of <paramref name="text"/> to <paramref name="sb"/>, each preceded by a space unless first.</summary>
    public void AppendWords(StringBuilder sb, string? text, bool forSearch)
    {
        if (string.IsNullOrWhiteSpace(text)) return;
        text = text.Normalize(NormalizationForm.FormKC);
        // Runs of BMP text go to jieba; a character beyond the BMP is a word of its own; white space separates.
        var start = 0;
        for (var i = 0; i < text.Length;)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                Cut(sb, text, start, i, forSearch);
                if (Rune.IsLetterOrDigit(Rune.GetRuneAt(text, i))) Add(sb, text.Substring(i, 2));
                i += 2;
                start = i;
            }
            else if (char.IsSurrogate(text[i]) || char.IsWhiteSpace(text[i]) || char.IsControl(text[i]))
            {
                Cut(sb, text, start, i, forSearch);
                start = ++i;
            }
            else i++;
        }
        Cut(sb, text, start, text.Length, forSearch);
    }

    private void Cut(StringBuilder sb, string text, int from, int to, bool forSearch)
    {
        if (to <= from) return;
        var run = text[from..to];
        var words = forSearch ? _jieba.CutForSearch(run, hmm: true) : _jieba.Cut(run, cutAll: false, hmm: true);
        foreach (var w in words)
            if (Normalise(w) is { } n && !_stopWords.Contains(n)) Add(sb, n);
    }

    private static void Add(StringBuilder sb, string word)
    {
        if (sb.Length > 0) sb.Append(' ');
        sb.Append(word);
    }

    /// <summary>A token lower-cased with everything but letters and digits removed (a dot between digits stays: 3.5); null when nothing is left.</summary>
    private static string? Normalise(string token)
    {
        var keep = true;
        foreach (var c in token)
            if (!char.IsLetterOrDigit(c) || char.IsUpper(c)) { keep = false; break; }
        if (keep) return token.Length > 0 ? token : null;
        var sb = new StringBuilder(token.Length);
        for (var i = 0; i < token.Length; i++)
        {
            var c = token[i];
            if (char.IsLetterOrDigit(c)) sb.Append(char.ToLowerInvariant(c));
            else if (c == '.' && i > 0 && i + 1 < token.Length && char.IsDigit(token[i - 1]) && char.IsDigit(token[i + 1])) sb.Append(c);
        }
        return sb.Length > 0 ? sb.ToString() : null;
    }
}

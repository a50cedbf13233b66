using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Xieshang.Web.Features.Proposals;

namespace Xieshang.Web.Features.Demo;

/// <summary>
/// The hand-written proposal corpus (<c>Features/Demo/Data/proposals.json</c>, an embedded resource): 205 proposals to the
/// Liupanshui city committee, 2022–2026. 165 of them come in groups of 4–5 on the same <see cref="CorpusProposal.Matter"/>
/// (40 matters such as 农村寄宿制学校营养餐 or 城区停车难), written by different members in different years with their
/// own titles, wording, emphasis and suggestions, as real repeated proposals are; the other 40 are single proposals on
/// other matters (keys starting with <c>x-</c>), several of them close in vocabulary to a group (traffic lights next to
/// parking, myopia next to mental health, rural e-commerce next to the kiwi cold chain). The matter is the relevance
/// label of the similar-proposal evaluation (<see cref="EvaluateSimilar"/>); the demo drives the same texts through the
/// proposal rules.
/// </summary>
public static class DemoCorpus
{
    private const string ResourceName = "Xieshang.Web.Demo.proposals.json";

    private static readonly Lazy<IReadOnlyList<CorpusProposal>> All = new(Read);

    /// <summary>Every proposal of the corpus, in file order (ids 1…n).</summary>
    public static IReadOnlyList<CorpusProposal> Proposals => All.Value;

    private static IReadOnlyList<CorpusProposal> Read()
    {
        using var stream = typeof(DemoCorpus).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource {ResourceName} is missing.");
        var file = JsonSerializer.Deserialize<CorpusFile>(stream, new JsonSerializerOptions { PropertyNameCaseInsensitive = true })
            ?? throw new InvalidOperationException($"{ResourceName} is empty.");
        return file.Proposals;
    }

    /// <summary>The body as the product stores it: the three parts under their headings, as paragraphs.</summary>
    public static string BodyHtml(CorpusProposal p)
    {
        static string P(string s) => "<p>" + WebUtility.HtmlEncode(s) + "</p>";
        return new StringBuilder()
            .Append(P("一、现状")).Append(P(p.Situation))
            .Append(P("二、问题分析")).Append(P(p.Analysis))
            .Append(P("三、具体建议")).Append(P(p.Suggestions))
            .ToString();
    }

    /// <summary>Title and body as plain text (what a member types; the query of the evaluation).</summary>
    public static string PlainText(CorpusProposal p) => $"{p.Title}\n{p.Situation}\n{p.Analysis}\n{p.Suggestions}";

    /// <summary>
    /// The similar-proposal evaluation: every proposal goes into a fresh <see cref="SimilarIndex"/> with the search text the
    /// product builds (<see cref="ProposalSearch.BuildSearchText"/> of title, body and, when <paramref name="withReplies"/>,
    /// its unit reply); then each proposal of a matter with others queries the index with its title and body, itself is
    /// dropped, and the first <paramref name="k"/> hits are judged (relevant = same matter).
    /// </summary>
    public static SimilarQuality EvaluateSimilar(bool withReplies = true, int k = 5)
    {
        var corpus = Proposals;
        var index = new SimilarIndex();
        foreach (var p in corpus)
            index.Upsert(p.Id, "/CN/520000/520200/",
                ProposalSearch.BuildSearchText(p.Title, BodyHtml(p), withReplies && p.Reply is { } r ? [r.Text] : []));
        var byId = corpus.ToDictionary(p => p.Id);
        var sizes = corpus.GroupBy(p => p.Matter).ToDictionary(g => g.Key, g => g.Count());
        var queries = corpus.Where(p => sizes[p.Matter] > 1).ToList();
        double precision = 0, normalised = 0, hit1 = 0, rr = 0, recall = 0;
        var misses = new List<(CorpusProposal Query, CorpusProposal Top)>();
        foreach (var q in queries)
        {
            var hits = index.Query(PlainText(q), null, k + 1).Where(h => h.Id != q.Id).Take(k).Select(h => byId[h.Id]).ToList();
            var relevant = sizes[q.Matter] - 1;
            var found = hits.Count(h => h.Matter == q.Matter);
            precision += (double)found / k;
            normalised += (double)found / Math.Min(k, relevant);
            recall += (double)found / relevant;
            var first = hits.FindIndex(h => h.Matter == q.Matter);
            if (first >= 0) rr += 1.0 / (first + 1);
            if (first == 0) hit1++;
            else if (hits.Count > 0) misses.Add((q, hits[0]));
        }
        var n = queries.Count;
        return new SimilarQuality(corpus.Count, sizes.Count(s => s.Value > 1), sizes.Count(s => s.Value == 1), n, k,
            precision / n, normalised / n, recall / n, hit1 / n, rr / n, misses);
    }
}

/// <summary>Result of <see cref="DemoCorpus.EvaluateSimilar"/>.</summary>
/// <param name="Documents">Proposals in the index.</param>
/// <param name="Matters">Matters with several proposals (the labelled groups).</param>
/// <param name="Singles">Single proposals (distractors).</param>
/// <param name="Queries">Queries run (every proposal of a group).</param>
/// <param name="K">Cut-off.</param>
/// <param name="PrecisionAtK">Mean share of the first K hits on the same matter (at most 0.6–0.8 here: 3–4 others exist).</param>
/// <param name="NormalisedPrecisionAtK">Mean of found / min(K, relevant others): 1.0 when every possible slot is right.</param>
/// <param name="RecallAtK">Mean share of the other proposals on the matter found in the first K.</param>
/// <param name="HitAt1">Share of queries whose first hit is on the same matter.</param>
/// <param name="Mrr">Mean reciprocal rank of the first hit on the same matter (0 when none in the first K).</param>
/// <param name="Misses">Queries whose first hit was on another matter, with that hit.</param>
public sealed record SimilarQuality(int Documents, int Matters, int Singles, int Queries, int K,
    double PrecisionAtK, double NormalisedPrecisionAtK, double RecallAtK, double HitAt1, double Mrr,
    IReadOnlyList<(CorpusProposal Query, CorpusProposal Top)> Misses);

/// <summary>One proposal of the corpus.</summary>
/// <param name="Id">1-based position in the file.</param>
/// <param name="Matter">Matter key (the relevance label); <c>x-</c> keys are single proposals.</param>
/// <param name="Topic">The matter in Chinese.</param>
/// <param name="Year">Year written (its plenary session).</param>
/// <param name="Sector">Sector (界别) of the member who wrote it, one of the demo sector names.</param>
/// <param name="Proposer">A fixed proposer name (the demo adds such a member), or null: a generated demo member.</param>
/// <param name="Title">Title, at most 40 characters.</param>
/// <param name="Situation">现状.</param>
/// <param name="Analysis">问题分析.</param>
/// <param name="Suggestions">具体建议.</param>
/// <param name="Unit">Handling unit code suffix (<c>edu</c>, <c>health</c>, <c>transport</c>, <c>agri</c>, <c>env</c>) or null.</param>
/// <param name="Reply">The unit's reply of an older proposal, if written.</param>
public sealed record CorpusProposal(int Id, string Matter, string Topic, int Year, string Sector, string? Proposer, string Title,
    string Situation, string Analysis, string Suggestions, string? Unit, CorpusReply? Reply);

/// <summary>The unit's reply of an older proposal: class A/B/C and text.</summary>
public sealed record CorpusReply([property: JsonPropertyName("class")] string Class, string Text);

internal sealed record CorpusFile(string Description, List<CorpusProposal> Proposals);

using Xieshang.Web.Features.Demo;

namespace Xieshang.Bench;

/// <summary>
/// Similar-proposal quality on the labelled corpus (<see cref="DemoCorpus.EvaluateSimilar"/>), with and without the
/// replies in the index; no database, no app process. The same numbers are asserted (with a margin) by SimilarQualityTests.
/// </summary>
public static class QualityBench
{
    public static void Run(bool listMisses)
    {
        Console.WriteLine();
        Console.WriteLine("| index holds | proposals | matters | singles | queries | P@5 | P@5 / possible | recall@5 | hit@1 | MRR |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var (name, withReplies) in new[] { ("title, body, reply", true), ("title, body", false) })
        {
            var r = DemoCorpus.EvaluateSimilar(withReplies);
            Console.WriteLine($"| {name} | {r.Documents} | {r.Matters} | {r.Singles} | {r.Queries} | {r.PrecisionAtK:0.000} | " +
                $"{r.NormalisedPrecisionAtK:0.000} | {r.RecallAtK:0.000} | {r.HitAt1:0.000} | {r.Mrr:0.000} |");
            if (listMisses)
                foreach (var (q, top) in r.Misses) Console.WriteLine($"  first hit off the matter: [{q.Matter}] {q.Title} → [{top.Matter}] {top.Title}");
        }
    }
}

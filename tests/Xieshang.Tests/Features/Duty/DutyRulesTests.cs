using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Xieshang.Web.Features.Duty;

namespace Xieshang.Tests.Features.Duty;

/// <summary>Pure rules of the duty slice: grade thresholds, their configuration, and rule resolution.</summary>
public sealed class DutyRulesTests
{
    private static readonly DutyOptions Defaults = new();

    [Theory]
    [InlineData("84.99", DutyGrade.Competent)]
    [InlineData("85", DutyGrade.Excellent)]
    [InlineData("120", DutyGrade.Excellent)]
    [InlineData("60", DutyGrade.Competent)]
    [InlineData("59.99", DutyGrade.Talk)]
    [InlineData("0", DutyGrade.Talk)]
    [InlineData("-20", DutyGrade.Talk)]
    public void Grades_follow_the_thresholds_at_their_boundaries(string total, DutyGrade expected)
    {
        var t = decimal.Parse(total, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(expected, DutyGrades.Of(t, Defaults));
        Assert.Equal(expected == DutyGrade.Talk, DutyGrades.IsTalk(t, Defaults));
    }

    [Fact]
    public void Grade_names_and_codes_are_the_printed_ones()
    {
        Assert.Equal(("优秀", "excellent"), (DutyGrades.Name(DutyGrade.Excellent), DutyGrades.Code(DutyGrade.Excellent)));
        Assert.Equal(("称职", "competent"), (DutyGrades.Name(DutyGrade.Competent), DutyGrades.Code(DutyGrade.Competent)));
        Assert.Equal(("约谈", "talk"), (DutyGrades.Name(DutyGrade.Talk), DutyGrades.Code(DutyGrade.Talk)));
        Assert.Equal(60m, DutyGrades.TalkBelow(Defaults));
    }

    [Fact]
    public void Thresholds_come_from_configuration_and_bad_ones_stop_the_start()
    {
        var options = Build(("Duty:Grades:Excellent", "90"), ("Duty:Grades:Competent", "70.5"));
        Assert.Equal(90m, options.Grades.Excellent);
        Assert.Equal(70.5m, options.Grades.Competent);
        Assert.Equal(DutyGrade.Competent, DutyGrades.Of(89.99m, options));
        Assert.Equal(DutyGrade.Talk, DutyGrades.Of(70.49m, options));

        var e = Assert.Throws<OptionsValidationException>(() => Build(("Duty:Grades:Excellent", "60"), ("Duty:Grades:Competent", "60")));
        Assert.Contains("must be higher than Duty:Grades:Competent", e.Message);
        Assert.Throws<OptionsValidationException>(() => Build(("Duty:Grades:Competent", "-1")));
        Assert.Throws<OptionsValidationException>(() => Build(("Duty:MaxEvidenceBytes", "0")));
    }

    private static DutyOptions Build(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        builder.AddDuty();
        using var host = builder.Build();
        // What ValidateOnStart runs at start-up.
        return host.Services.GetRequiredService<IOptions<DutyOptions>>().Value;
    }

    private const string City = "/CN/520000/520200/";
    private const string Zhongshan = "/CN/520000/520200/520201/";
    private const string Liuzhi = "/CN/520000/520200/520203/";

    private static ScoringRule Rule(int id, string path, decimal points, DateOnly from, DateOnly? to = null) =>
        new() { Id = id, Code = "attend.plenary", CommitteePath = path, Points = points, EffectiveFrom = from, EffectiveTo = to, Category = DutyCategory.Attendance };

    [Fact]
    public void A_committees_own_rule_beats_its_ancestors_which_beat_the_default_within_their_dates()
    {
        var set = new ScoringRuleSet(
        [
            Rule(1, "", 8, new(2000, 1, 1)),
            Rule(2, City, 6, new(2024, 1, 1), new(2024, 12, 31)),
            Rule(3, Zhongshan, 12, new(2024, 7, 1)),
        ]);
        decimal? At(string path, int y, int m, int d) => set.Resolve("attend.plenary", path, DutyTestData.Day(y, m, d))?.Points;

        Assert.Equal(8m, At(Zhongshan, 2023, 12, 31));   // before the city's rule: default
        Assert.Equal(6m, At(Zhongshan, 2024, 3, 1));     // the city's rule applies to its districts
        Assert.Equal(12m, At(Zhongshan, 2024, 7, 1));    // the district's own from its first day
        Assert.Equal(6m, At(Liuzhi, 2024, 7, 1));        // another district keeps the city's
        Assert.Equal(8m, At(Liuzhi, 2025, 1, 1));        // the city's ended: default again
        Assert.Equal(12m, At(Zhongshan, 2025, 1, 1));    // the district's is open-ended
        Assert.Equal(8m, At("/CN/520000/520100/", 2024, 3, 1)); // another city: default
        Assert.Null(set.Resolve("attend.unknown", Zhongshan, DutyTestData.Day(2024, 1, 1)));
        // Day boundaries are China Standard Time: 2024-06-30 16:30 UTC is already 1 July in Beijing.
        Assert.Equal(12m, set.Resolve("attend.plenary", Zhongshan, new DateTimeOffset(2024, 6, 30, 16, 30, 0, TimeSpan.Zero))?.Points);
        Assert.Equal(6m, set.Resolve("attend.plenary", Zhongshan, new DateTimeOffset(2024, 6, 30, 15, 30, 0, TimeSpan.Zero))?.Points);
    }

    [Fact]
    public void Among_versions_of_one_committee_the_later_start_wins_and_ties_go_to_the_newer_rule()
    {
        var set = new ScoringRuleSet([Rule(5, City, 3, new(2024, 1, 1)), Rule(4, City, 5, new(2024, 6, 1)), Rule(9, City, 7, new(2024, 6, 1))]);
        Assert.Equal(3m, set.Resolve("attend.plenary", Zhongshan, DutyTestData.Day(2024, 5, 31))?.Points);
        Assert.Equal(7m, set.Resolve("attend.plenary", Zhongshan, DutyTestData.Day(2024, 6, 1))?.Points);
    }

    [Fact]
    public void Paths_above_a_committee_run_from_the_default_to_the_committee()
    {
        Assert.Equal(["", "/CN/", "/CN/520000/", City, Zhongshan], ScoringRules.PathsAbove(Zhongshan));
    }

    [Fact]
    public void Default_rules_weigh_quality_over_counts()
    {
        decimal P(string code) => ScoringDefaults.All.Single(d => d.Code == code).Points;
        Assert.True(P("instruction.upper") > P("attend.plenary") * 3);
        Assert.True(P("opinion.adopted.upper") > P("proposal.filed"));
        Assert.True(P("proposal.excellent") > P("proposal.filed"));
        Assert.True(P("absent.plenary") < 0);
        Assert.All(ScoringDefaults.All, d => Assert.False(string.IsNullOrWhiteSpace(d.Rationale)));
        Assert.Equal(ScoringDefaults.All.Count, ScoringDefaults.All.Select(d => d.Code).Distinct().Count());
        Assert.All(DutyClaims.ClaimableCodes, c => Assert.Contains(ScoringDefaults.All, d => d.Code == c));
    }
}

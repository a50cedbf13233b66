using Xieshang.Web.Features.Outcomes;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Features.Demo;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Consultations;

namespace Xieshang.Tests.Features.Consultations;

/// <summary>
/// The recommendation forms of the consultation page (leader instruction, milestone) on the demo's 专题协商: staff post
/// them (post-redirect-get), bad input shows the rule's Chinese message and changes nothing, a member sees no form and
/// a member's post changes nothing.
/// </summary>
public abstract class ConsultationRecommendationFormsTests(AppFactory app)
{
    private static FormUrlEncodedContent Form(string token, string handler, params (string, string)[] fields) =>
        new(new Dictionary<string, string>(fields.Select(f => KeyValuePair.Create(f.Item1, f.Item2)))
            { ["__RequestVerificationToken"] = token, ["_handler"] = handler });

    [Fact]
    public async Task Staff_record_an_instruction_and_finish_a_milestone_members_see_no_forms()
    {
        var (id, rid, milestone) = await app.WithDbAsync(async db =>
        {
            var c = await db.Consultations.FirstAsync(x => x.Type == ConsultationType.Thematic);
            var r = await ConsultationQueries.Recommendations(db, c.Id).FirstAsync(x => x.Adoption == AdoptionStatus.PartlyAdopted);
            var m = await db.OutcomeMilestones.Where(x => x.DoneOn == null).Select(x => new { x.Id, RecommendationId = x.OutcomeId }).FirstAsync();
            return (c.Id, r.Id, m);
        });
        var url = $"/consultations/{id}";
        var staff = await app.SignedInPageClientAsync("staff.520200");
        var page = await staff.GetHtmlAsync(url);
        Assert.Contains($"instruction-{rid}", page);
        Assert.Contains($"milestone-{milestone.RecommendationId}", page);
        var token = PageClient.Token(page);

        var bad = await staff.PostAsync(url, Form(token, $"instruction-{rid}", ("leader", "副市长"), ("level", "city"), ("text", ""), ("on", "2026-01-05")));
        Assert.Contains("请填写批示内容", await bad.HtmlAsync());
        Assert.Equal(0, await app.WithDbAsync(db => db.OutcomeInstructions.CountAsync(i => i.OutcomeId == rid)));

        var today = DateOnly.FromDateTime(DateTimeOffset.UtcNow.AddHours(8).UtcDateTime);
        var ok = await staff.PostAsync(url, Form(token, $"instruction-{rid}", ("leader", "副市长"), ("level", "city"),
            ("text", "请市卫生健康局会同市财政局评估从业补贴。"), ("on", today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))));
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        Assert.Contains("请市卫生健康局会同市财政局评估从业补贴。", await staff.GetHtmlAsync(ok.Target()));
        var instruction = await app.WithDbAsync(db => db.OutcomeInstructions.SingleAsync(i => i.OutcomeId == rid));
        Assert.Equal(("副市长", Web.Features.Opinions.OpinionLevel.City), (instruction.LeaderName, instruction.Level));
        // The instruction earns the recommendation's members a duty record.
        var proposer = await app.WithDbAsync(async db => (await db.Outcomes.SingleAsync(r => r.Id == rid)).MemberIds[0]);
        Assert.True(await app.WithDbAsync(db => db.DutyRecords.AnyAsync(d => d.Source == ConsultationRules.DutySource && d.SourceId == id && d.RuleCode == "instruction" && d.MemberId == proposer)));

        var done = await staff.PostAsync(url, Form(token, $"milestone-{milestone.RecommendationId}", ("milestone", milestone.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("title", ""), ("due", "")));
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.Equal(today, await app.WithDbAsync(db => db.OutcomeMilestones.Where(m => m.Id == milestone.Id).Select(m => m.DoneOn).SingleAsync()));
        var added = await staff.PostAsync(url, Form(token, $"milestone-{rid}", ("title", "完成从业补贴财政评估"), ("due", today.AddDays(30).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))));
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        Assert.Equal(today.AddDays(30), await app.WithDbAsync(db => db.OutcomeMilestones.Where(m => m.OutcomeId == rid && m.Title == "完成从业补贴财政评估").Select(m => m.DueOn).SingleAsync()));

        var member = await app.SignedInPageClientAsync("member.520200");
        var seen = await member.GetAsync(url);
        if (seen.StatusCode == HttpStatusCode.OK)
        {
            var html = await seen.HtmlAsync();
            Assert.DoesNotContain($"instruction-{rid}", html);
            Assert.DoesNotContain("milestone-", html);
            var posted = await member.PostAsync(url, Form(PageClient.Token(html), $"instruction-{rid}", ("leader", "某人"), ("level", "city"), ("text", "冒充批示"), ("on", "2026-01-05")));
            Assert.NotEqual(HttpStatusCode.Redirect, posted.StatusCode);
        }
        else Assert.Equal(HttpStatusCode.Forbidden, seen.StatusCode);
        var other = await app.SignedInPageClientAsync("staff.520204");
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync(url)).StatusCode);
        Assert.Equal(1, await app.WithDbAsync(db => db.OutcomeInstructions.CountAsync(i => i.OutcomeId == rid)));
    }
}

public sealed class ConsultationRecommendationFormsSqliteTests(DemoProposalsSqliteFactory f) : ConsultationRecommendationFormsTests(f), IClassFixture<DemoProposalsSqliteFactory>;
public sealed class ConsultationRecommendationFormsPostgresTests(DemoProposalsPostgresFactory f) : ConsultationRecommendationFormsTests(f), IClassFixture<DemoProposalsPostgresFactory>;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Proposals;
using S = Xieshang.Web.Features.Proposals.ProposalStatus;

namespace Xieshang.Tests.Features.Proposals;

/// <summary>
/// The proposal workflow through the real API on SQLite and PostgreSQL: every edge of <see cref="ProposalWorkflow.Edges"/>
/// taken by its actor (200, the state it leads to, one timeline step), refused for every other role (403 when they see the
/// proposal, 404 when they do not), every action not on the graph in a state refused with 409, unknown actions 404; and the
/// longer paths — merging, re-handling, return of an assignment within and after 10 working days, lead and co-units,
/// separate units, refusal converted into a public-opinion item, key / supervised / excellent proposals with duty records.
/// </summary>
public abstract class ProposalWorkflowTests(AppFactory app)
{
    /// <summary>Every state of the graph.</summary>
    public static TheoryData<string> States() => new(Enum.GetNames<S>());

    /// <summary>Every action code a person can send (system follow-on steps excluded).</summary>
    private static readonly string[] ActionCodes =
        ProposalWorkflow.Edges.Where(e => e.Actor != ProposalActors.System).Select(e => e.Action).Distinct().ToArray();

    /// <summary>
    /// Whether a role sees a proposal the scenario drove to <paramref name="s"/> (DOMAIN.md §3/§4.3): the proposer always;
    /// co-signers once invited; the office and the committee's leaders once it reached the office (our withdrawn proposal was
    /// withdrawn as a draft, so it never did); units once assigned; other members of the committee once filed; other
    /// committees' staff and unassigned units never.
    /// </summary>
    private static bool Sees(string role, S s) => role switch
    {
        "proposer" => true,
        "co-signer" => s is not (S.Draft or S.Withdrawn),
        "office" or "leader" or "supervisor" => s is not (S.Draft or S.CoSigning or S.Withdrawn),
        "unit" or "co-unit" => s is S.Assigned or S.Handling or S.Replied or S.Rated or S.Closed or S.Rehandling,
        "bystander" => ProposalWorkflow.IsFiled(s),
        _ => false,
    };

    /// <summary>The workflow roles a person holds toward the scenario's proposal in <paramref name="s"/>.</summary>
    private static string[] ActorsOf(string role, S s) => role switch
    {
        "proposer" => [ProposalActors.Proposer],
        "co-signer" when s == S.CoSigning => [ProposalActors.CoSigner],
        "office" => [ProposalActors.Office],
        "supervisor" when ProposalWorkflow.IsFiled(s) => [ProposalActors.Supervisor], // the scenario marks every filed proposal key
        "unit" when s is S.Assigned or S.Handling or S.Rehandling => [ProposalActors.Unit],
        "co-unit" when Sees("co-unit", s) => [ProposalActors.CoUnit],
        _ => [],
    };

    /// <summary>The state after a successful action, follow-on steps included (second co-signer still pending; one replying unit).</summary>
    private static S After(S from, string action, string actor, S edgeTo) => (from, action, actor) switch
    {
        (S.Draft, "submit", _) => S.CoSigning,
        (S.Assigned, "return-assignment", ProposalActors.Unit) => S.Filed, // the lead unit returned it: co-units lapse, the office reassigns
        (S.Handling or S.Rehandling, "reply", _) => S.Replied,
        (S.Replied, "rate", _) => S.Rated,
        _ => edgeTo,
    };

    [Theory]
    [MemberData(nameof(States))]
    public async Task Every_action_is_taken_by_its_actor_only_and_refused_for_everyone_else(string state)
    {
        var s = Enum.Parse<S>(state);
        var scenario = await ProposalScenario.CreateAsync(app);
        var cast = scenario.Cast;

        // Refusals on one proposal: nothing may change.
        var id = await scenario.InStateAsync(s);
        var before = await scenario.StateAsync(id);
        var eventsBefore = await app.WithDbAsync(db => db.ProposalEvents.CountAsync(e => e.ProposalId == id));
        var failures = new List<string>();
        foreach (var (role, user) in cast.Roles)
            foreach (var action in ActionCodes)
            {
                var edges = ProposalWorkflow.Edges.Where(e => e.From == s && e.Action == action).ToList();
                var mine = edges.Where(e => ActorsOf(role, s).Contains(e.Actor)).ToList();
                if (mine.Count > 0 && Sees(role, s)) continue; // taken below on a fresh proposal
                var expected = !Sees(role, s) ? HttpStatusCode.NotFound : edges.Count == 0 ? HttpStatusCode.Conflict : HttpStatusCode.Forbidden;
                var (status, body) = await scenario.TryAsync(user, id, action, scenario.DataFor(action, id, intoId: id));
                if (status != expected) failures.Add($"{state}/{action} as {role}: expected {(int)expected}, got {(int)status} {body}");
                else if (!body.GetProperty("detail").GetString()!.Any(ch => ch >= 0x4e00 && ch <= 0x9fff))
                    failures.Add($"{state}/{action} as {role}: refusal without a Chinese message: {body}");
            }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(before, await scenario.StateAsync(id));
        Assert.Equal(eventsBefore, await app.WithDbAsync(db => db.ProposalEvents.CountAsync(e => e.ProposalId == id)));

        // Unknown actions are 404 for anyone who sees the proposal.
        var unknown = await scenario.TryAsync(cast.Proposer, id, "frobnicate");
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.Contains("没有", unknown.Body.GetProperty("detail").GetString());

        // Each edge with each role holding its actor: a fresh proposal, 200, the next state, one more timeline step.
        foreach (var (role, user) in cast.Roles)
        {
            if (!Sees(role, s)) continue;
            foreach (var edge in ProposalWorkflow.Edges.Where(e => e.From == s && e.Actor != ProposalActors.System && ActorsOf(role, s).Contains(e.Actor)))
            {
                var fresh = (s, edge.Action, edge.Actor) == (S.Handling, "return-assignment", ProposalActors.Unit)
                    ? await HandledByAnotherUnitAsync(scenario) // the lead unit of the scenario already contacted the proposer and may no longer return it
                    : await scenario.InStateAsync(s);
                var (_, version) = await scenario.StateAsync(fresh);
                var steps = await app.WithDbAsync(db => db.ProposalEvents.CountAsync(e => e.ProposalId == fresh));
                int? into = edge.Action == "merge" ? await scenario.SubmittedAsync("关于并案目标的提案") : null;
                DateOnly? due = null;
                if (edge.Action == "extend")
                {
                    var office = await scenario.DetailAsync(cast.Office, fresh);
                    var lead = office.GetProperty("assignments").EnumerateArray().First(a => a.GetProperty("role").GetString() == "lead");
                    due = DateOnly.Parse(lead.GetProperty("dueOn").GetString()!).AddDays(7);
                }
                var (status, body) = await scenario.TryAsync(user, fresh, edge.Action, scenario.DataFor(edge.Action, fresh, into, due));
                var expectedState = After(s, edge.Action, edge.Actor, edge.To);
                if (status != HttpStatusCode.OK) { failures.Add($"{state}/{edge.Action} as {role} ({edge.Actor}): expected 200, got {(int)status} {body}"); continue; }
                Assert.Equal(ProposalScenario.Code(expectedState), body.GetProperty("status").GetString());
                var (now, newVersion) = await scenario.StateAsync(fresh);
                Assert.Equal(expectedState, now);
                Assert.Equal(version + 1, newVersion);
                Assert.Equal(steps + 1, await app.WithDbAsync(db => db.ProposalEvents.CountAsync(e => e.ProposalId == fresh)));
                var last = (await scenario.DetailAsync(cast.Proposer, fresh)).GetProperty("history").EnumerateArray().Last();
                Assert.Equal(edge.Action, last.GetProperty("action").GetString());
                Assert.Equal(ProposalScenario.Code(s), last.GetProperty("from").GetString());
                Assert.Equal(ProposalScenario.Code(expectedState), last.GetProperty("to").GetString());
                Assert.Equal(edge.Actor, last.GetProperty("actor").GetString());
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>A proposal assigned separately to edu and agri, in hand because agri contacted the proposer; edu has not started.</summary>
    private static async Task<int> HandledByAnotherUnitAsync(ProposalScenario scenario)
    {
        var id = await scenario.InStateAsync(S.Filed);
        await scenario.ActAsync(scenario.Cast.Office, id, "assign", new { mode = "separate", units = new[] { "520200.edu", "520200.agri" } });
        await scenario.ActAsync("unit.520200.agri", id, "contact", scenario.DataFor("contact"));
        return id;
    }

    [Fact]
    public async Task The_graph_is_served_as_data_and_system_steps_cannot_be_sent()
    {
        var scenario = await ProposalScenario.CreateAsync(app);
        var edges = await (await scenario.As("member.520201")).GetFromJsonAsync<JsonElement>("/api/proposals/workflow");
        Assert.Equal(ProposalWorkflow.Edges.Count, edges.GetArrayLength());
        Assert.Contains(edges.EnumerateArray(), e => e.GetProperty("from").GetString() == "filed" && e.GetProperty("action").GetString() == "assign"
            && e.GetProperty("actor").GetString() == "office" && e.GetProperty("to").GetString() == "assigned" && e.GetProperty("actionName").GetString() == "交办");

        // The rules' follow-on steps are edges of the actor "system", which no person holds.
        var id = await scenario.InStateAsync(S.Handling);
        var before = await scenario.StateAsync(id);
        foreach (var user in new[] { scenario.Cast.Office, scenario.Cast.Unit, scenario.Cast.Proposer })
            Assert.Equal(HttpStatusCode.Forbidden, (await scenario.TryAsync(user, id, ProposalWorkflow.AllReplied)).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await scenario.TryAsync(scenario.Cast.Office, id, ProposalWorkflow.AllRated)).Status);
        Assert.Equal(before, await scenario.StateAsync(id));
    }

    [Fact]
    public async Task Merging_makes_the_proposers_co_proposers_links_both_ways_and_records_their_duty()
    {
        var scenario = await ProposalScenario.CreateAsync(app);
        var c = scenario.Cast;
        var target = await scenario.SubmittedAsync("关于加强中小学心理健康教育的建议");
        var merged = await scenario.CreateAsync(title: "关于重视青少年心理健康的建议");
        await scenario.ActAsync(c.Proposer, merged, "submit");
        await scenario.ActAsync(c.CoSigner, merged, "sign");
        await scenario.ActAsync(c.CoSigner2, merged, "decline");
        // The target is by another member: member.520200's proposal is merged into the bystander's.
        var byTarget = await scenario.SubmittedAsync("关于加强校园心理咨询室建设的建议", c.Bystander);
        var after = await scenario.ActAsync(c.Office, merged, "merge", new { intoId = byTarget, comment = "同一事项" });
        Assert.Equal("merged", after.GetProperty("status").GetString());
        Assert.Equal(byTarget, after.GetProperty("mergedInto").GetProperty("id").GetInt32());

        var t = await scenario.DetailAsync(c.Office, byTarget);
        var coSigners = t.GetProperty("coSigners").EnumerateArray().ToList();
        Assert.Contains(coSigners, x => x.GetProperty("memberId").GetInt32() == c.ProposerMemberId && x.GetProperty("fromMerge").GetBoolean() && x.GetProperty("status").GetString() == "signed");
        Assert.Contains(coSigners, x => x.GetProperty("memberId").GetInt32() == c.CoSignerMemberId && x.GetProperty("status").GetString() == "signed");
        Assert.DoesNotContain(coSigners, x => x.GetProperty("memberId").GetInt32() == c.CoSigner2MemberId); // declined: does not join
        Assert.Contains(t.GetProperty("mergedFrom").EnumerateArray(), x => x.GetProperty("id").GetInt32() == merged);
        var step = t.GetProperty("history").EnumerateArray().Last();
        Assert.Equal("merge", step.GetProperty("action").GetString());
        Assert.Contains($"#{merged}", step.GetProperty("comment").GetString());

        // The merged proposal's proposer now sees the target (as a co-proposer) and may not merge a proposal into itself or a closed one.
        Assert.Equal(HttpStatusCode.OK, await scenario.GetStatusAsync(c.Proposer, $"/api/proposals/{byTarget}"));
        var self = await scenario.SubmittedAsync("关于并案自身的提案");
        Assert.Equal(HttpStatusCode.BadRequest, (await scenario.TryAsync(c.Office, self, "merge", new { intoId = self })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await scenario.TryAsync(c.Office, self, "merge", new { })).Status);
        var closed = await scenario.InStateAsync(S.Closed, "已办结的提案");
        Assert.Equal(HttpStatusCode.Conflict, (await scenario.TryAsync(c.Office, self, "merge", new { intoId = closed })).Status);
        Assert.Equal(S.Submitted, (await scenario.StateAsync(self)).Status);

        // Filing the target: its first proposer earns proposal.filed, the joined proposers proposal.cosigned.
        await scenario.ActAsync(c.Office, byTarget, "file");
        var duty = await app.WithDbAsync(db => db.DutyRecords.AsNoTracking().Where(d => d.Source == ProposalRules.DutySource && d.SourceId == byTarget)
            .Select(d => new { d.MemberId, d.RuleCode }).ToListAsync());
        Assert.Contains(duty, d => d.MemberId == c.BystanderMemberId && d.RuleCode == "proposal.filed");
        Assert.Contains(duty, d => d.MemberId == c.ProposerMemberId && d.RuleCode == "proposal.cosigned");
        Assert.Contains(duty, d => d.MemberId == c.CoSignerMemberId && d.RuleCode == "proposal.cosigned");
        Assert.DoesNotContain(duty, d => d.MemberId == c.CoSigner2MemberId);
        Assert.Empty(await app.WithDbAsync(db => db.DutyRecords.Where(d => d.Source == ProposalRules.DutySource && d.SourceId == merged).ToListAsync()));
        _ = target;
    }

    [Fact]
    public async Task A_dissatisfied_rating_sends_it_back_for_a_second_round_that_ends_rated_and_closed()
    {
        var scenario = await ProposalScenario.CreateAsync(app);
        var c = scenario.Cast;
        var id = await scenario.InStateAsync(S.Replied, "关于加快农村公路提质改造的建议");
        var firstDue = (await scenario.DetailAsync(c.Office, id)).GetProperty("assignments").EnumerateArray().First(a => a.GetProperty("role").GetString() == "lead");
        Assert.Equal(1, firstDue.GetProperty("round").GetInt32());

        // Dissatisfied needs a reason.
        Assert.Equal(HttpStatusCode.BadRequest, (await scenario.TryAsync(c.Proposer, id, "rate", new { satisfaction = "dissatisfied" })).Status);
        var back = await scenario.ActAsync(c.Proposer, id, "rate", new { satisfaction = "dissatisfied", comment = "没有回应具体建议。" });
        Assert.Equal("rehandling", back.GetProperty("status").GetString());
        var lead = back.GetProperty("assignments").EnumerateArray().First(a => a.GetProperty("role").GetString() == "lead");
        Assert.Equal(2, lead.GetProperty("round").GetInt32());
        Assert.Equal("active", lead.GetProperty("status").GetString());
        var today = ChinaDay();
        var cal = await app.WithDbAsync(db => WorkCalendar.LoadAsync(db, today, today.AddMonths(6), CancellationToken.None));
        Assert.Equal(cal.AddMonths(today, 3), DateOnly.Parse(lead.GetProperty("dueOn").GetString()!));
        var eduUser = await ProposalScenario.UserIdOfAsync(app, c.Unit);
        Assert.True(await app.WithDbAsync(db => db.Notifications.AnyAsync(n => n.UserId == eduUser && n.Link == $"/proposals/{id}" && n.Kind == "proposal.rehandle")));

        // A second reply needs a second-round contact; the co-unit cannot reply.
        var early = await scenario.TryAsync(c.Unit, id, "reply", scenario.DataFor("reply"));
        Assert.Equal(HttpStatusCode.Conflict, early.Status);
        Assert.Contains("沟通", early.Body.GetProperty("detail").GetString());
        await scenario.ActAsync(c.Unit, id, "contact", new { method = "visit", summary = "上门走访提案人。" });
        Assert.Equal(HttpStatusCode.Forbidden, (await scenario.TryAsync(c.CoUnit, id, "reply", scenario.DataFor("reply"))).Status);
        var second = await scenario.ActAsync(c.Unit, id, "reply", new { @class = "B", text = "<p>第二次答复：已列入三年计划。</p>", @public = false });
        Assert.Equal("replied", second.GetProperty("status").GetString());
        var replies = (await scenario.DetailAsync(c.Proposer, id)).GetProperty("replies").EnumerateArray().ToList();
        Assert.Equal([1, 2], replies.Select(r => r.GetProperty("round").GetInt32()).ToArray());

        var rated = await scenario.ActAsync(c.Proposer, id, "rate", new { satisfaction = "basically-satisfied" });
        Assert.Equal("rated", rated.GetProperty("status").GetString());
        var ratings = (await scenario.DetailAsync(c.Office, id)).GetProperty("ratings").EnumerateArray().Select(r => (r.GetProperty("round").GetInt32(), r.GetProperty("satisfaction").GetString())).ToList();
        Assert.Equal([(1, "dissatisfied"), (2, "basically-satisfied")], ratings);
        Assert.Equal(HttpStatusCode.Conflict, (await scenario.TryAsync(c.Proposer, id, "rate", new { satisfaction = "satisfied" })).Status);
        var closed = await scenario.ActAsync(c.Office, id, "close");
        Assert.Equal("closed", closed.GetProperty("status").GetString());
        Assert.True(closed.GetProperty("closedAt").ValueKind == JsonValueKind.String);
    }

    [Fact]
    public async Task A_unit_returns_a_misassigned_proposal_within_ten_working_days_and_not_after_it_started_or_later()
    {
        var scenario = await ProposalScenario.CreateAsync(app);
        var c = scenario.Cast;
        var id = await scenario.InStateAsync(S.Filed, "关于完善城市公交线网的建议");
        await scenario.ActAsync(c.Office, id, "assign", new { mode = "single", units = new[] { "520200.edu" } });
        Assert.Equal(HttpStatusCode.BadRequest, (await scenario.TryAsync(c.Unit, id, "return-assignment", new { reason = " " })).Status);
        var returned = await scenario.ActAsync(c.Unit, id, "return-assignment", new { reason = "公交线网属于交通运输部门职责。" });
        Assert.Equal("filed", returned.GetProperty("status").GetString()); // the caller may still be told the outcome
        Assert.Equal(HttpStatusCode.NotFound, await scenario.GetStatusAsync(c.Unit, $"/api/proposals/{id}"));
        var office = await scenario.DetailAsync(c.Office, id);
        Assert.Equal("filed", office.GetProperty("status").GetString());
        var a = Assert.Single(office.GetProperty("assignments").EnumerateArray());
        Assert.Equal("returned", a.GetProperty("status").GetString());
        Assert.Equal("公交线网属于交通运输部门职责。", a.GetProperty("returnReason").GetString());
        var staff = await ProposalScenario.UserIdOfAsync(app, c.Office);
        Assert.True(await app.WithDbAsync(db => db.Notifications.AnyAsync(n => n.UserId == staff && n.Kind == "proposal.assignment-returned" && n.Link == $"/proposals/{id}")));

        // Reassigned to transport: the new unit has 10 working days from today.
        var again = await scenario.ActAsync(c.Office, id, "assign", new { mode = "single", units = new[] { "520200.transport" } });
        Assert.Equal("assigned", again.GetProperty("status").GetString());
        var today = ChinaDay();
        var cal = await app.WithDbAsync(db => WorkCalendar.LoadAsync(db, today, today.AddMonths(6), CancellationToken.None));
        var t = again.GetProperty("assignments").EnumerateArray().First(x => x.GetProperty("unit").GetString() == "520200.transport");
        Assert.Equal(cal.AddWorkingDays(today, 10), DateOnly.Parse(t.GetProperty("returnDueOn").GetString()!));

        // After the unit started handling it cannot return it.
        await scenario.ActAsync(c.OtherUnit, id, "contact", scenario.DataFor("contact"));
        var late = await scenario.TryAsync(c.OtherUnit, id, "return-assignment", new { reason = "不属于本单位职责。" });
        Assert.Equal(HttpStatusCode.Conflict, late.Status);
        Assert.Equal(S.Handling, (await scenario.StateAsync(id)).Status);

        // After 10 working days: the return deadline in the database is moved into the past; the return is refused.
        var id2 = await scenario.InStateAsync(S.Filed, "关于改善农村人居环境的建议");
        await scenario.ActAsync(c.Office, id2, "assign", new { mode = "single", units = new[] { "520200.edu" } });
        await app.WithDbAsync(db => db.Assignments.Where(x => x.ProposalId == id2).ExecuteUpdateAsync(u => u.SetProperty(x => x.ReturnDueOn, today.AddDays(-1))));
        var expired = await scenario.TryAsync(c.Unit, id2, "return-assignment", new { reason = "不属于本单位职责。" });
        Assert.Equal(HttpStatusCode.Conflict, expired.Status);
        Assert.Contains("退回期限已过", expired.Body.GetProperty("detail").GetString());
        Assert.Equal(S.Assigned, (await scenario.StateAsync(id2)).Status);
    }

    [Fact]
    public async Task Only_the_lead_unit_replies_and_co_units_send_their_views_to_it()
    {
        var scenario = await ProposalScenario.CreateAsync(app);
        var c = scenario.Cast;
        var id = await scenario.InStateAsync(S.Assigned, "关于加强基层医疗卫生服务能力建设的建议");
        var coView = await scenario.DetailAsync(c.CoUnit, id);
        var co = Assert.Single(coView.GetProperty("assignments").EnumerateArray()); // a co-unit sees only its own assignment
        Assert.Equal("co-unit", co.GetProperty("role").GetString());
        Assert.Equal(["return-assignment", "send-views"], coView.GetProperty("actions").EnumerateArray().Select(x => x.GetString()).Order().ToArray());

        Assert.Equal(HttpStatusCode.Forbidden, (await scenario.TryAsync(c.CoUnit, id, "contact", scenario.DataFor("contact"))).Status);
        await scenario.ActAsync(c.CoUnit, id, "send-views", new { text = "<p>卫生健康局意见：建议增加乡村医生培训。</p>" });
        var leadView = await scenario.DetailAsync(c.Unit, id);
        var views = leadView.GetProperty("assignments").EnumerateArray().First(x => x.GetProperty("role").GetString() == "co-unit");
        Assert.Contains("增加乡村医生培训", views.GetProperty("views").GetString());
        var eduUser = await ProposalScenario.UserIdOfAsync(app, c.Unit);
        Assert.True(await app.WithDbAsync(db => db.Notifications.AnyAsync(n => n.UserId == eduUser && n.Kind == "proposal.views")));
        // Views once sent: the co-unit's part is done.
        Assert.Equal(HttpStatusCode.Forbidden, (await scenario.TryAsync(c.CoUnit, id, "send-views", new { text = "再次提交" })).Status);

        await scenario.ActAsync(c.Unit, id, "contact", scenario.DataFor("contact"));
        Assert.Equal(HttpStatusCode.Forbidden, (await scenario.TryAsync(c.CoUnit, id, "reply", scenario.DataFor("reply"))).Status);
        var replied = await scenario.ActAsync(c.Unit, id, "reply", scenario.DataFor("reply"));
        Assert.Equal("replied", replied.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Separate_units_each_reply_and_are_each_rated_before_the_proposal_is_rated()
    {
        var scenario = await ProposalScenario.CreateAsync(app);
        var c = scenario.Cast;
        var id = await scenario.InStateAsync(S.Filed, "关于统筹推进城乡供水一体化的建议");
        await scenario.ActAsync(c.Office, id, "assign", new { mode = "separate", units = new[] { "520200.edu", "520200.health" } });
        foreach (var u in new[] { c.Unit, c.CoUnit }) await scenario.ActAsync(u, id, "contact", scenario.DataFor("contact"));
        var first = await scenario.ActAsync(c.Unit, id, "reply", scenario.DataFor("reply"));
        Assert.Equal("handling", first.GetProperty("status").GetString()); // the other unit has not replied yet
        Assert.Equal(HttpStatusCode.Conflict, (await scenario.TryAsync(c.Proposer, id, "rate", scenario.DataFor("rate"))).Status);
        var both = await scenario.ActAsync(c.CoUnit, id, "reply", new { @class = "C", text = "<p>因条件限制留作参考。</p>", @public = false });
        Assert.Equal("replied", both.GetProperty("status").GetString());

        // Two replies: the proposer names the unit.
        var which = await scenario.TryAsync(c.Proposer, id, "rate", new { satisfaction = "satisfied" });
        Assert.Equal(HttpStatusCode.BadRequest, which.Status);
        Assert.Equal("unit", which.Body.GetProperty("field").GetString());
        var one = await scenario.ActAsync(c.Proposer, id, "rate", new { satisfaction = "satisfied", unit = "520200.edu" });
        Assert.Equal("replied", one.GetProperty("status").GetString());
        var two = await scenario.ActAsync(c.Proposer, id, "rate", new { satisfaction = "basically-satisfied", unit = "520200.health" });
        Assert.Equal("rated", two.GetProperty("status").GetString());
        Assert.Equal(2, two.GetProperty("ratings").GetArrayLength());
        // Each unit sees its own rating only.
        var healthView = await scenario.DetailAsync(c.CoUnit, id);
        Assert.Equal(["520200.health"], healthView.GetProperty("ratings").EnumerateArray().Select(r => r.GetProperty("unit").GetString()).ToArray());
        var healthText = ProposalScopeTests.AllText(healthView);
        Assert.Contains("基本满意", healthText);
        Assert.DoesNotContain("六盘水市教育局的答复评价", healthText); // not another unit's rating, not even on the timeline
    }

    [Fact]
    public async Task A_refusal_converted_into_an_opinion_creates_the_item_and_links_it()
    {
        var scenario = await ProposalScenario.CreateAsync(app);
        var c = scenario.Cast;
        var id = await scenario.InStateAsync(S.UnderReview, "关于小区停车难问题的反映");
        var res = await scenario.ActAsync(c.Office, id, "reject", new { ground = "no-suggestion", explanation = "没有具体建议，转为社情民意信息。", convertTo = "opinion" });
        Assert.Equal("not-filed", res.GetProperty("status").GetString());
        Assert.Equal("opinion", res.GetProperty("convertedTo").GetString());
        Assert.Equal("no-suggestion", res.GetProperty("notFiledGround").GetString());
        var (opinionId, item) = await app.WithDbAsync(async db =>
        {
            var p = await db.Proposals.AsNoTracking().FirstAsync(x => x.Id == id);
            var o = await db.OpinionItems.AsNoTracking().FirstOrDefaultAsync(x => x.SourceProposalId == id);
            return (p.ConvertedOpinionId, o);
        });
        Assert.NotNull(item);
        Assert.Equal(item.Id, opinionId);
        Assert.Equal(c.ProposerMemberId, item.AuthorMemberId);
        Assert.Equal("关于小区停车难问题的反映", item.Title);
        var proposerNotice = await app.WithDbAsync(db => db.Notifications.AnyAsync(n => n.MemberId == c.ProposerMemberId && n.Kind == "proposal.not-filed" && n.Body.Contains("社情民意")));
        Assert.True(proposerNotice);

        // Bad refusals change nothing.
        var other = await scenario.InStateAsync(S.Submitted, "关于另一事项的建议");
        foreach (var bad in new object[] { new { explanation = "x" }, new { ground = "nonsense", explanation = "x" }, new { ground = "personal" },
            new { ground = "personal", explanation = "x", convertTo = "fax" } })
            Assert.Equal(HttpStatusCode.BadRequest, (await scenario.TryAsync(c.Office, other, "reject", bad)).Status);
        Assert.Equal(S.Submitted, (await scenario.StateAsync(other)).Status);
        Assert.False(await app.WithDbAsync(db => db.OpinionItems.AnyAsync(o => o.SourceProposalId == other)));
    }

    [Fact]
    public async Task Key_supervised_and_excellent_proposals_and_their_duty_records()
    {
        var scenario = await ProposalScenario.CreateAsync(app);
        var c = scenario.Cast;
        var id = await scenario.CreateAsync(title: "关于发展山地特色农业的建议");
        await scenario.ActAsync(c.Proposer, id, "submit");
        await scenario.ActAsync(c.CoSigner, id, "sign");
        await scenario.ActAsync(c.CoSigner2, id, "decline");
        await scenario.ActAsync(c.Office, id, "file");

        // Filed: first proposer and signed co-signer earn points; the decliner none.
        async Task<List<(int Member, string Rule)>> DutyAsync() => (await app.WithDbAsync(db => db.DutyRecords.AsNoTracking()
            .Where(d => d.Source == ProposalRules.DutySource && d.SourceId == id).Select(d => new { d.MemberId, d.RuleCode }).ToListAsync()))
            .Select(d => (d.MemberId, d.RuleCode)).Order().ToList();
        Assert.Equal(new List<(int, string)> { (c.ProposerMemberId, "proposal.filed"), (c.CoSignerMemberId, "proposal.cosigned") }.Order().ToList(), await DutyAsync());

        // Mark key: the leader must be a leader of this committee or above.
        Assert.Equal(HttpStatusCode.BadRequest, (await scenario.TryAsync(c.Office, id, "mark-key", new { leaderId = "leader.520201" })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await scenario.TryAsync(c.Office, id, "mark-key", new { leaderId = "staff.520200" })).Status);
        var key = await scenario.ActAsync(c.Office, id, "mark-key", new { leaderId = c.Supervisor });
        Assert.True(key.GetProperty("isKey").GetBoolean());
        Assert.Contains((c.ProposerMemberId, "proposal.key"), await DutyAsync());
        var supervisorId = await ProposalScenario.UserIdOfAsync(app, c.Supervisor);
        Assert.True(await app.WithDbAsync(db => db.Notifications.AnyAsync(n => n.UserId == supervisorId && n.Kind == "proposal.key")));

        // Supervision by the named leader (and not by another leader) once it is in hand.
        await scenario.ActAsync(c.Office, id, "assign", new { mode = "single", units = new[] { "520200.agri" } });
        Assert.Equal(HttpStatusCode.Forbidden, (await scenario.TryAsync(c.Leader, id, "supervise", new { text = "督办" })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await scenario.TryAsync(c.Supervisor, id, "supervise", new { text = "" })).Status);
        var sup = await scenario.ActAsync(c.Supervisor, id, "supervise", new { text = "赴农业农村局督办，听取办理进展。" });
        Assert.Contains(sup.GetProperty("supervisions").EnumerateArray(), s => s.GetProperty("text").GetString() == "赴农业农村局督办，听取办理进展。");

        // Handled and replied class A, rated satisfied, excellent.
        await scenario.ActAsync("unit.520200.agri", id, "contact", scenario.DataFor("contact"));
        await scenario.ActAsync("unit.520200.agri", id, "reply", new { @class = "A", text = "<p>已采纳。</p>", @public = true });
        await scenario.ActAsync(c.Proposer, id, "rate", new { satisfaction = "satisfied" });
        Assert.Equal(HttpStatusCode.BadRequest, (await scenario.TryAsync(c.Office, id, "mark-excellent", new { year = 1999 })).Status);
        var year = ChinaDay().Year;
        var excellent = await scenario.ActAsync(c.Office, id, "mark-excellent", new { year });
        Assert.Equal(year, excellent.GetProperty("excellentYear").GetInt32());
        var duty = await DutyAsync();
        Assert.Contains((c.ProposerMemberId, "proposal.excellent"), duty);
        Assert.Contains((c.ProposerMemberId, "proposal.satisfied"), duty);
        Assert.DoesNotContain(duty, d => d.Member == c.CoSigner2MemberId);
        // Closing keeps them.
        await scenario.ActAsync(c.Office, id, "close");
        Assert.Equal(duty, await DutyAsync());
    }

    private static DateOnly ChinaDay() => Xieshang.Web.Infrastructure.ChinaTime.DayOf(DateTimeOffset.UtcNow);
}

public sealed class ProposalWorkflowSqliteTests(SqliteAppFactory app) : ProposalWorkflowTests(app), IClassFixture<SqliteAppFactory>;
public sealed class ProposalWorkflowPostgresTests(PostgresAppFactory app) : ProposalWorkflowTests(app), IClassFixture<PostgresAppFactory>;

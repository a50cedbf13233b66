using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Demo;
using Xieshang.Web.Features.Outcomes;
using Xieshang.Web.Features.Proposals;
using Xieshang.Web.Features.Studios;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Tests.Features.Demo;

/// <summary>
/// The demo's members' studios as a newcomer finds them at first start (issue 6 §4): published studios in their committees'
/// townships with members on duty, a reception day and a held free clinic, citizens' messages in every state with response
/// times over several days, and the conversions to a proposal draft and a public-opinion draft with their links; the public
/// pages show no member's phone number.
/// </summary>
public abstract class DemoStudiosTests(AppFactory app)
{
    [Fact]
    public async Task Five_published_studios_lie_in_their_committees_townships_with_members_on_duty()
    {
        var townships = app.Services.GetRequiredService<Townships>();
        var (studios, accounts) = await app.WithDbAsync(async db => (
            await db.Studios.AsNoTracking().Include(s => s.Committee).Include(s => s.Sector).Include(s => s.Members).ThenInclude(m => m.Member).OrderBy(s => s.Id).ToListAsync(),
            await db.Users.Where(u => u.UserName!.StartsWith("member.")).ToDictionaryAsync(u => u.UserName!, u => u.MemberId)));
        Assert.Equal(5, studios.Count);
        Assert.All(studios, s => Assert.True(s.IsPublished, s.Name));
        Assert.Equal(["520201", "520203", "520204", "520281"], studios.Select(s => s.Committee!.Code).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal([StudioKind.Sector, StudioKind.Township, StudioKind.Park], studios.Select(s => s.Kind).Distinct().Order());
        Assert.Contains(studios, s => s.Sector?.Name == "农业界");
        Assert.Contains(studios, s => s.Sector?.Name == "医药卫生界");
        foreach (var s in studios)
        {
            var t = townships.Find(s.TownshipCode);
            Assert.NotNull(t);
            Assert.Equal((t.Name, t.AreaCode), (s.TownshipName, s.CountyCode));
            Assert.True(Townships.InArea(t, s.Committee!.Level, s.Committee.Code), $"{s.Name}: {t.Name} is not in {s.Committee.Name}");
            if (s.SectorId is not null) Assert.Equal(s.CommitteeId, s.Sector!.CommitteeId);
            Assert.NotEmpty(s.Schedule);
            Assert.NotEmpty(s.Directions);
            Assert.Matches(@"^0858-\d{7}$", s.ContactPhone);
            Assert.True(s.Members.Count(m => m.OnDuty) >= 3, s.Name);
            Assert.Contains(s.Members, m => !m.OnDuty);
            Assert.All(s.Members, m => Assert.StartsWith(s.CommitteePath, m.Member!.CommitteePath, StringComparison.Ordinal));
            // The county's demo member account is on duty in its studios, so signing in as it shows the inbox.
            var own = accounts[$"member.{s.Committee.Code}"];
            Assert.Contains(s.Members, m => m.MemberId == own && m.OnDuty);
        }
    }

    [Fact]
    public async Task With_the_demo_proposals_every_demo_committee_has_a_current_session_for_studio_drafts()
    {
        // The same sessions as without the demo proposals (where DemoSessionsTests converts a message in each committee);
        // converting here would add studios and drafts the other tests of this shared demo count.
        var today = Xieshang.Web.Infrastructure.ChinaTime.DayOf(DateTimeOffset.UtcNow);
        foreach (var (code, _) in DemoSeeder.Committees)
        {
            var session = await app.WithDbAsync(async db => await ProposalRules.CurrentSessionAsync(db,
                await db.Committees.Where(c => c.Code == code).Select(c => c.Id).FirstAsync(), ProposalKind.BetweenSession, today, CancellationToken.None));
            Assert.True(session is not null, $"{code} has no current session");
            Assert.True(session.OpensOn <= today, $"{code}: {session.Term}-{session.Session} opens {session.OpensOn}");
        }
    }

    [Fact]
    public async Task The_public_studio_pages_show_no_member_phone_and_no_citizen_phone()
    {
        var (studios, phones, citizens) = await app.WithDbAsync(async db => (
            await db.Studios.AsNoTracking().Select(s => new { s.Id, s.Name }).ToListAsync(),
            await db.StudioMembers.Select(m => m.Member!.Phone).Where(p => p != "").Distinct().ToListAsync(),
            await db.StudioMessages.Where(m => m.Phone != "").Select(m => m.Phone).ToListAsync()));
        Assert.NotEmpty(phones);
        Assert.NotEmpty(citizens);
        var anonymous = app.CreatePageClient();
        var list = await anonymous.GetHtmlAsync("/studios");
        foreach (var s in studios)
        {
            Assert.Contains(s.Name, list);
            var page = await anonymous.GetHtmlAsync($"/studios/{s.Id}");
            var json = await (await anonymous.GetAsync($"/api/public/studios/{s.Id}")).Content.ReadAsStringAsync();
            Assert.Contains(s.Name, page);
            foreach (var secret in phones.Concat(citizens))
            {
                Assert.DoesNotContain(secret, page);
                Assert.DoesNotContain(secret, json);
            }
        }
        // The tracking page of an answered message shows the answer, not the phone.
        var answered = await app.WithDbAsync(db => db.StudioMessages.AsNoTracking().FirstAsync(m => m.Status == StudioMessageStatus.Answered && m.Phone != ""));
        var track = await anonymous.GetHtmlAsync($"/studios/track/{answered.TrackingCode}");
        Assert.Contains(answered.Answer[..20], track);
        Assert.DoesNotContain(answered.Phone, track);
        var api = await anonymous.GetFromJsonAsync<JsonElement>($"/api/studio-messages/{answered.TrackingCode}");
        Assert.Equal("answered", api.GetProperty("status").GetString());
        Assert.DoesNotContain(answered.Phone, api.GetRawText());
    }

    [Fact]
    public async Task Messages_are_new_answered_converted_and_closed_with_response_times_over_several_days()
    {
        var messages = await app.WithDbAsync(db => db.StudioMessages.AsNoTracking().ToListAsync());
        foreach (var s in Enum.GetValues<StudioMessageStatus>()) Assert.Contains(messages, m => m.Status == s);
        Assert.All(messages, m => Assert.True(m.CreatedAt < DateTimeOffset.UtcNow && m.TrackingCode.Length == 10 && m.ClientKey.Length == 64));
        Assert.Equal(messages.Count, messages.Select(m => m.TrackingCode).Distinct().Count());
        var hours = messages.Where(m => m.Status == StudioMessageStatus.Answered).Select(m => (m.AnsweredAt!.Value - m.CreatedAt).TotalHours).Order().ToList();
        Assert.True(hours.Count >= 6);
        Assert.True(hours[0] < 12 && hours[^1] > 24 * 4, $"response times {string.Join(", ", hours)}");
        Assert.All(messages.Where(m => m.Status == StudioMessageStatus.Answered), m => Assert.NotNull(m.AnsweredByMemberId));

        // The office's list gives each studio its response statistics.
        var staff = await app.ClientAsAsync("staff.520200");
        var list = await staff.GetFromJsonAsync<JsonElement>("/api/studios");
        var responses = list.EnumerateArray().Select(s => s.GetProperty("response")).ToList();
        Assert.Equal(5, responses.Count);
        Assert.Contains(responses, r => r.GetProperty("medianHours").ValueKind == JsonValueKind.Number && r.GetProperty("medianHours").GetDouble() > 24);
        Assert.Contains(responses, r => r.GetProperty("withinThreeWorkingDays").ValueKind == JsonValueKind.Number && r.GetProperty("withinThreeWorkingDays").GetDouble() < 1);
    }

    [Fact]
    public async Task A_message_became_a_proposal_draft_of_the_member_on_duty_and_another_an_opinion_draft_both_linked()
    {
        var (converted, links, member) = await app.WithDbAsync(async db => (
            await db.StudioMessages.AsNoTracking().Include(m => m.Studio).Where(m => m.Status == StudioMessageStatus.Converted).ToListAsync(),
            await db.WorkLinks.AsNoTracking().Where(l => l.FromType == WorkItemType.StudioMessage).ToListAsync(),
            await db.Users.Where(u => u.UserName == "member.520204").Select(u => u.MemberId).SingleAsync()));
        Assert.Equal(2, converted.Count);
        var toProposal = Assert.Single(converted, m => m.ConvertedProposalId is not null);
        var toOpinion = Assert.Single(converted, m => m.ConvertedOpinionId is not null);
        Assert.Contains(links, l => l.FromId == toProposal.Id && l.ToType == WorkItemType.Proposal && l.ToId == toProposal.ConvertedProposalId);
        Assert.Contains(links, l => l.FromId == toOpinion.Id && l.ToType == WorkItemType.OpinionItem && l.ToId == toOpinion.ConvertedOpinionId);
        var (proposal, opinion) = await app.WithDbAsync(async db => (
            await db.Proposals.AsNoTracking().SingleAsync(p => p.Id == toProposal.ConvertedProposalId),
            await db.OpinionItems.AsNoTracking().SingleAsync(o => o.Id == toOpinion.ConvertedOpinionId)));
        Assert.Equal(ProposalStatus.Draft, proposal.Status);
        Assert.Equal(member, proposal.ProposerMemberId);
        Assert.Equal(toProposal.Studio!.CommitteeId, proposal.CommitteeId);
        Assert.Contains("冷库", proposal.Body);
        Assert.DoesNotContain(toProposal.Phone, proposal.Body);
        Assert.Contains("电梯", opinion.Body);

        // Signed in as member.520204 the newcomer finds the draft and the message in the studio's inbox.
        var client = await app.ClientAsAsync("member.520204");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/proposals/{proposal.Id}")).StatusCode);
        var inbox = await (await app.SignedInPageClientAsync("member.520204")).GetHtmlAsync($"/studios/{toProposal.StudioId}/messages");
        Assert.Contains("猕猴桃", inbox);
    }

    [Fact]
    public async Task A_reception_day_is_coming_and_a_free_clinic_was_held_and_a_second_start_adds_nothing()
    {
        var activities = await app.WithDbAsync(db => db.StudioActivities.AsNoTracking().Include(a => a.Activity).ToListAsync());
        var now = DateTimeOffset.UtcNow;
        var reception = Assert.Single(activities, a => a.Kind == StudioActivityKind.Reception).Activity!;
        Assert.True(reception.StartsAt > now && reception.Status == Web.Features.Activities.ActivityStatus.Published);
        var clinic = Assert.Single(activities, a => a.Kind == StudioActivityKind.Service).Activity!;
        Assert.True(clinic.StartsAt < now && clinic.AttendanceConfirmedAt is not null);
        var (notices, duties) = await app.WithDbAsync(async db => (
            await db.Notifications.CountAsync(n => n.Link == $"/activities/{reception.Id}"),
            await db.DutyRecords.CountAsync(d => d.Source == "activity" && d.SourceId == clinic.Id)));
        Assert.True(notices > 0);
        Assert.True(duties > 0);

        Task<int[]> Counts() => app.WithDbAsync(async db => new[]
        {
            await db.Studios.CountAsync(), await db.StudioMembers.CountAsync(), await db.StudioMessages.CountAsync(), await db.StudioActivities.CountAsync(),
            await db.Proposals.CountAsync(), await db.OpinionItems.CountAsync(), await db.WorkLinks.CountAsync(),
        });
        var before = await Counts();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            await DemoSeeder.SeedAsync(db, users, AppFactory.DemoPassword, TimeProvider.System, NullLogger.Instance, CancellationToken.None, proposals: true);
            await DemoStudios.SeedAsync(db, app.Services.GetRequiredService<Townships>(), TimeProvider.System, CancellationToken.None);
        }
        Assert.Equal(before, await Counts());
    }
}

public sealed class DemoStudiosSqliteTests(DemoProposalsSqliteFactory f) : DemoStudiosTests(f), IClassFixture<DemoProposalsSqliteFactory>;
public sealed class DemoStudiosPostgresTests(DemoProposalsPostgresFactory f) : DemoStudiosTests(f), IClassFixture<DemoProposalsPostgresFactory>;

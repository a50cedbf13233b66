using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Features.Proposals;
using Xieshang.Web.Infrastructure;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Demo;

/// <summary>
/// The demo's proposal work (issue 4): the five handling units of the 六盘水 city government with one account each
/// (<c>unit.520200.edu</c>, <c>.health</c>, <c>.transport</c>, <c>.agri</c>, <c>.env</c>), the plenary sessions of 六盘水
/// and its counties (九届一次 to 五次 in the January of the last five years, and 十届一次, the demo's coming plenary; always,
/// see <see cref="SeedSessionsAsync"/>), two
/// more member accounts of the city (<c>member.520200.2</c> 阿依古丽·买买提 and <c>member.520200.3</c> 杨𬱖, so a demo
/// proposal can be co-signed by someone who can sign in), and the hand-written corpus
/// (<see cref="DemoCorpus"/>) driven through <see cref="ProposalRules"/> at the dates it was written: older proposals
/// replied, rated and closed, last year's in hand or waiting for a rating, this year's submitted, under review, filed,
/// co-signing or still drafts; one not filed, one merged, one key proposal supervised by the secretary-general, one
/// excellent. The notices those steps produced are removed afterwards (they would describe a past nobody lived).
/// </summary>
public static class DemoProposals
{
    /// <summary>The five demo units: code and name.</summary>
    public static readonly (string Code, string Name)[] Units =
    [
        ("520200.edu", "六盘水市教育局"), ("520200.health", "六盘水市卫生健康局"), ("520200.transport", "六盘水市交通运输局"),
        ("520200.agri", "六盘水市农业农村局"), ("520200.env", "六盘水市生态环境局"),
    ];


    /// <summary>Creates the units and their accounts (always with the demo), and with <paramref name="proposals"/> the sessions and proposals.</summary>
    public static async Task SeedAsync(AppDbContext db, UserManager<AppUser> users, string password, bool proposals, TimeProvider clock, CancellationToken ct)
    {
        var city = await db.Committees.FirstAsync(c => c.Code == "520200", ct);
        foreach (var (code, name) in Units)
        {
            var unit = await db.HandlingUnits.FirstOrDefaultAsync(u => u.Code == code, ct);
            if (unit is null)
            {
                db.HandlingUnits.Add(unit = new HandlingUnit { Code = code, Name = name, CommitteeId = city.Id, CommitteePath = city.Path });
                await db.SaveChangesAsync(ct);
            }
            if (await users.FindByNameAsync("unit." + code) is not null) continue;
            var user = new AppUser { UserName = "unit." + code, DisplayName = name, HandlingUnitId = unit.Id };
            var r = await users.CreateAsync(user, password);
            if (!r.Succeeded) throw new InvalidOperationException($"Demo account unit.{code}: {string.Join("; ", r.Errors.Select(e => e.Description))}");
            await users.AddToRoleAsync(user, Roles.HandlingUnit);
        }
        await SeedSessionsAsync(db, clock, ct);
        if (!proposals) return;

        // One transaction for the whole simulated history: a thousand small commits would cost a minute of fsyncs on SQLite.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await SeedProposalsAsync(db, city, clock, ct);
        // Two more city members sign in (their names are the corpus's fixed ones), so demo proposals can be co-signed.
        foreach (var (userName, name) in new[] { ("member.520200.2", "阿依古丽·买买提"), ("member.520200.3", "杨𬱖") })
        {
            var memberId = await db.Members.Where(m => m.CommitteeId == city.Id && m.Name == name).Select(m => (int?)m.Id).FirstOrDefaultAsync(ct);
            if (memberId is null || await users.FindByNameAsync(userName) is not null) continue;
            var user = new AppUser { UserName = userName, DisplayName = name, CommitteeId = city.Id, MemberId = memberId };
            var r = await users.CreateAsync(user, password);
            if (!r.Succeeded) throw new InvalidOperationException($"Demo account {userName}: {string.Join("; ", r.Errors.Select(e => e.Description))}");
            await users.AddToRoleAsync(user, Roles.Member);
        }
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// The plenary sessions of every demo committee that has members (<see cref="DemoSeeder.Committees"/>): 九届一次 to
    /// 五次 on 10 January of the last five years and 十届一次 in 24 days (the demo's coming plenary, DemoActivities), set by
    /// each committee's office through <see cref="ProposalSessions.ReplaceAsync"/>, so every demo committee has a current
    /// session and its members can write proposals (a studio message can become a draft) with or without the demo proposals.
    /// A committee that already has sessions keeps them.
    /// </summary>
    private static async Task SeedSessionsAsync(AppDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var today = ChinaTime.DayOf(clock.GetUtcNow());
        var coming = today.AddDays(24);
        var sessions = Enumerable.Range(1, 5).Select(n => new DateOnly(today.Year - (5 - n), 1, 10))
            .Select((opens, i) => new ProposalSessionDto(9, i + 1, opens.Year, opens, opens.AddDays(3)))
            .Append(new ProposalSessionDto(10, 1, coming.Year, coming, coming.AddDays(3))).ToList();
        foreach (var (code, _) in DemoSeeder.Committees)
        {
            var c = await db.Committees.AsNoTracking().FirstAsync(x => x.Code == code, ct);
            if (await db.ProposalSessions.AnyAsync(s => s.CommitteeId == c.Id, ct)) continue;
            var office = await DemoAccounts.AsAsync(db, "staff." + code, Roles.Staff, code, c.Name, ct);
            if (await ProposalSessions.ReplaceAsync(db, office, code, sessions, ct) is { Error: { } e })
                throw new InvalidOperationException($"Demo sessions of {code}: {e.Message}");
        }
    }

    /// <summary>
    /// Writes one proposal closed years ago as the record the workflow left: filed with the next number of its session,
    /// assigned to one unit, contacted, replied, rated and closed, each step on the timeline, duty records through
    /// <see cref="ProposalRules.RecordDutiesAsync"/>. Replaying a thousand old steps through the rules would cost the
    /// first start half a minute; what they would leave behind is the same.
    /// </summary>
    private static async Task<int> ImportClosedAsync(AppDbContext db, Committees.Committee city, CorpusProposal cp, int proposerId, int sectorId,
        IReadOnlyDictionary<int, string> names, int[] coSigners, DateTimeOffset written, HandlingUnit unit, CorpusReply reply, string satisfaction,
        Dictionary<(int, int), int> sequences, WorkCalendar calendar, CancellationToken ct)
    {
        var session = await ProposalRules.CurrentSessionAsync(db, city.Id, ProposalKind.Plenary, ChinaTime.DayOf(written), ct)
            ?? throw new InvalidOperationException("Demo sessions are missing.");
        if (!sequences.TryGetValue((session.Term, session.Session), out var seq))
            seq = await db.Proposals.Where(x => x.CommitteeId == city.Id && x.Term == session.Term && x.Session == session.Session).MaxAsync(x => x.Sequence, ct) ?? 0;
        sequences[(session.Term, session.Session)] = ++seq;
        var body = Infrastructure.Text.RichText.Sanitize(DemoCorpus.BodyHtml(cp));
        var replyText = Infrastructure.Text.RichText.Sanitize(reply.Text);
        var replyClass = ProposalRules.ParseClass(reply.Class)!.Value;
        var sat = ProposalRules.ParseSatisfaction(satisfaction)!.Value;
        DateTimeOffset At(int days) => written.AddDays(days);
        var assignedOn = ChinaTime.DayOf(At(10));
        var p = new Proposal
        {
            CommitteeId = city.Id, CommitteePath = city.Path, Status = ProposalStatus.Closed, Kind = ProposalKind.Plenary, ProposerType = ProposerType.Member,
            ProposerMemberId = proposerId, ProposerName = names[proposerId], SectorId = sectorId, CreatedByUserId = "", Title = cp.Title, Body = body,
            Term = session.Term, Session = session.Session, Year = session.Year, Sequence = seq, Number = ProposalRules.FormatNumber(session.Term, session.Session, seq),
            CreatedAt = At(0), SubmittedAt = At(1), FiledAt = At(8), ClosedAt = At(90), UpdatedAt = At(90), AssignmentMode = AssignmentMode.Single,
            SearchText = ProposalSearch.BuildSearchText(cp.Title, body, [replyText]),
            CoSigners = coSigners.Select((m, k) => new ProposalCoSigner { MemberId = m, Status = CoSignStatus.Signed, AnsweredAt = At(1), SortOrder = k }).ToList(),
            Assignments =
            [
                new Assignment
                {
                    HandlingUnitId = unit.Id, Role = AssignmentRole.Single, Status = AssignmentStatus.Done, AssignedAt = At(10), DoneAt = At(60),
                    ReturnDueOn = calendar.AddWorkingDays(assignedOn, 10), DueOn = calendar.AddMonths(assignedOn, 3), LatestDueOn = calendar.AddMonths(assignedOn, 6),
                },
            ],
        };
        db.Proposals.Add(p);
        await db.SaveChangesAsync(ct);
        var a = p.Assignments[0];
        db.ContactLogs.Add(new ContactLog
        {
            ProposalId = p.Id, AssignmentId = a.Id, HandlingUnitId = unit.Id, Method = ContactMethod.Phone, ContactedOn = ChinaTime.DayOf(At(30)),
            Persons = $"{names[proposerId]}委员；{unit.Name}办公室", Summary = "就办理思路和时间安排征求提案人意见，提案人表示认可。", RecordedAt = At(30),
        });
        var r = new Reply { ProposalId = p.Id, AssignmentId = a.Id, HandlingUnitId = unit.Id, Class = replyClass, Text = replyText, IsPublic = true, RepliedAt = At(60), OnTime = true };
        db.Replies.Add(r);
        await db.SaveChangesAsync(ct);
        db.Ratings.Add(new Rating { ProposalId = p.Id, ReplyId = r.Id, HandlingUnitId = unit.Id, Satisfaction = sat, Comment = "办理认真，答复具体。", RatedAt = At(75) });
        (string Action, ProposalStatus From, ProposalStatus To, string Actor, string Who, int Day, string Comment)[] steps =
        [
            ("create", ProposalStatus.Draft, ProposalStatus.Draft, ProposalActors.Proposer, names[proposerId], 0, ""),
            ("submit", ProposalStatus.Draft, ProposalStatus.Submitted, ProposalActors.Proposer, names[proposerId], 1, ""),
            ("file", ProposalStatus.Submitted, ProposalStatus.Filed, ProposalActors.Office, "六盘水市政协提案委员会办公室", 8, ""),
            ("assign", ProposalStatus.Filed, ProposalStatus.Assigned, ProposalActors.Office, "六盘水市政协提案委员会办公室", 10, $"单办：{unit.Name}（单办）"),
            ("contact", ProposalStatus.Assigned, ProposalStatus.Handling, ProposalActors.Unit, unit.Name, 30, $"{unit.Name}电话沟通。"),
            ("reply", ProposalStatus.Handling, ProposalStatus.Replied, ProposalActors.Unit, unit.Name, 60, $"{unit.Name}答复（{ProposalRules.ClassName(replyClass)}，公开）。"),
            ("rate", ProposalStatus.Replied, ProposalStatus.Rated, ProposalActors.Proposer, names[proposerId], 75, $"对{unit.Name}的答复评价：{ProposalRules.SatisfactionName(sat)}。"),
            ("close", ProposalStatus.Rated, ProposalStatus.Closed, ProposalActors.Office, "六盘水市政协提案委员会办公室", 90, ""),
        ];
        db.ProposalEvents.AddRange(steps.Select(x => new ProposalEvent
        {
            ProposalId = p.Id, Action = x.Action, FromStatus = x.From, ToStatus = x.To, Actor = x.Actor, ActorName = x.Who, At = At(x.Day), Comment = x.Comment,
            HandlingUnitId = x.Actor == ProposalActors.Unit ? unit.Id : null,
        }));
        await ProposalRules.RecordDutiesAsync(db, p, TimeProvider.System, ct);
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        return p.Id;
    }

    /// <summary>The department a proposal without a named unit goes to, by the words of its topic and title.</summary>
    private static string UnitFor(CorpusProposal cp)
    {
        var text = cp.Topic + cp.Title;
        bool Has(params string[] words) => words.Any(text.Contains);
        if (Has("医", "卫生", "健康", "养老", "疾", "药")) return "health";
        if (Has("交通", "公交", "道路", "停车", "出行", "客运", "物流")) return "transport";
        if (Has("学", "教育", "校", "教师", "儿童")) return "edu";
        if (Has("水", "河", "污", "生态", "环境", "垃圾", "绿", "塌陷", "地质")) return "env";
        return "agri";
    }

    private static async Task SeedProposalsAsync(AppDbContext db, Committees.Committee city, TimeProvider realClock, CancellationToken ct)
    {
        var firstNotice = await db.Notifications.MaxAsync(n => (long?)n.Id, ct) ?? 0;
        var firstMail = await db.OutboxMails.MaxAsync(m => (long?)m.Id, ct) ?? 0;
        var members = await db.Members.AsNoTracking().Where(m => m.CommitteeId == city.Id && m.IsActive && m.Position == Members.Position.Member)
            .Select(m => new { m.Id, m.Name, m.SectorId, Sector = m.Sector!.Name }).OrderBy(m => m.Id).ToListAsync(ct);
        var ownMember = await db.Users.Where(u => u.UserName == "member.520200").Select(u => u.MemberId).FirstOrDefaultAsync(ct);
        var staffId = await db.Users.Where(u => u.UserName == "staff.520200").Select(u => u.Id).FirstAsync(ct);
        var leader = await db.Users.Where(u => u.UserName == "leader.520200").Select(u => new { u.Id, u.UserName }).FirstAsync(ct);
        var units = await db.HandlingUnits.Where(u => u.CommitteeId == city.Id).ToDictionaryAsync(u => u.Code, ct);
        var options = new ProposalOptions();
        var office = new CurrentUser("staff.520200", new HashSet<string> { Roles.Staff }, city.Id, city.Code, city.Path, null)
            { UserId = staffId, DisplayName = "六盘水市政协提案委员会办公室" };
        CurrentUser MemberUser(int id, string name) => new($"demo.member.{id}", new HashSet<string> { Roles.Member }, city.Id, city.Code, city.Path, id) { DisplayName = name };
        CurrentUser UnitUser(HandlingUnit u) => new("unit." + u.Code, new HashSet<string> { Roles.HandlingUnit }, null, null, null, null)
            { HandlingUnitId = u.Id, DisplayName = u.Name };

        // Fixed proposer names of the corpus become demo members (renaming generated ones), so rare names are shown.
        var used = new HashSet<int> { ownMember ?? 0 };
        var bySector = members.Where(m => m.Id != ownMember).GroupBy(m => m.Sector).ToDictionary(g => g.Key, g => g.Select(m => m.Id).ToList());
        var fixedNames = new Dictionary<string, int>();
        var rr = 0;
        int ProposerFor(CorpusProposal cp)
        {
            if (cp.Id % 9 == 0 && ownMember is { } own) return own; // the demo member writes some, so their list is not empty
            var pool = bySector.TryGetValue(cp.Sector, out var s) && s.Count > 0 ? s : members.Select(m => m.Id).Where(id => id != ownMember).ToList();
            return pool[rr++ % pool.Count];
        }
        foreach (var name in DemoCorpus.Proposals.Select(p => p.Proposer).OfType<string>().Distinct())
        {
            var id = members.First(m => m.Id != ownMember && !fixedNames.ContainsValue(m.Id)).Id;
            var m = await db.Members.FirstAsync(x => x.Id == id, ct);
            m.SetName(name);
            fixedNames[name] = id;
        }
        await db.SaveChangesAsync(ct);
        var names = await db.Members.AsNoTracking().Where(m => m.CommitteeId == city.Id).ToDictionaryAsync(m => m.Id, m => m.Name, ct);

        var clock = new SimulatedClock(realClock.GetUtcNow());
        var thisYear = realClock.GetUtcNow().ToOffset(ChinaTime.Offset).Year;
        var corpus = DemoCorpus.Proposals.OrderBy(p => p.Year).ThenBy(p => p.Id).ToList();
        var ids = new Dictionary<int, int>();
        var sequences = new Dictionary<(int, int), int>();
        var calendar = await WorkCalendar.LoadAsync(db, new DateOnly(thisYear - 6, 1, 1), new DateOnly(thisYear, 12, 31), ct);
        var i = 0;
        var rejected = false;
        foreach (var cp in corpus)
        {
            i++;
            var age = thisYear - cp.Year; // 0: this year, 1: last year, ≥ 2: older
            // Written in the run-up to that year's plenary (or, this year, some weeks ago as a between-session proposal).
            var written = age == 0
                ? ChinaTime.StartOf(ChinaTime.DayOf(realClock.GetUtcNow()).AddDays(-40 + i % 30)).AddHours(10)
                : ChinaTime.StartOf(new DateOnly(cp.Year, 1, 2 + i % 6)).AddHours(9);
            clock.Now = written;
            var proposerId = cp.Proposer is { } fixedName ? fixedNames[fixedName] : ProposerFor(cp);
            var proposer = MemberUser(proposerId, names[proposerId]);
            var coSigners = i % 4 == 0 ? members.Where(m => m.Id != proposerId && m.Id != ownMember).Skip(i % 20).Take(1 + i % 3).Select(m => m.Id).ToArray() : [];
            var unit = units[$"520200.{cp.Unit ?? UnitFor(cp)}"];
            var reply = cp.Reply ?? new CorpusReply(i % 5 == 0 ? "C" : "B", $"经研究，{unit.Name}高度重视提案所提建议，已将相关措施纳入年度工作计划，将会同有关部门分步推进，并及时向提案人通报进展。");
            var satisfaction = reply.Class == "A" || i % 3 != 0 ? "satisfied" : "basically-satisfied";
            if (age >= 2)
            {
                // Closed years ago: imported as the record they left (the rules' steps, written at once), not replayed.
                ids[cp.Id] = await ImportClosedAsync(db, city, cp, proposerId, members.First(m => m.Id == proposerId).SectorId, names, coSigners, written, unit,
                    reply, satisfaction, sequences, calendar, ct);
                continue;
            }
            var (p, error, errors) = await ProposalRules.CreateAsync(db, new ProposalInput(cp.Title, DemoCorpus.BodyHtml(cp), age == 0 ? "between-session" : "plenary", coSigners),
                proposer, clock, ct);
            if (p is null) throw new InvalidOperationException($"Demo proposal {cp.Id}: {error?.Message ?? string.Join("; ", errors.SelectMany(e => e.Value))}");
            ids[cp.Id] = p.Id;

            async Task Do(CurrentUser who, string action, ProposalActionInput? input = null, double days = 0)
            {
                clock.Now = clock.Now.AddDays(days);
                // Every step the demo replays lies in the past: a reply, rating or closing dated after today would leave outcomes
                // adopted in the future (no valid progress day) and the dashboard's days counted from future dates.
                if (clock.Now > realClock.GetUtcNow()) throw new InvalidOperationException($"Demo proposal {cp.Id} {action}: dated {clock.Now:yyyy-MM-dd}, after today.");
                if (await ProposalRules.ExecuteAsync(db, p.Id, action, input ?? new(), [], who, options, clock, ct) is { } e)
                    throw new InvalidOperationException($"Demo proposal {cp.Id} {action}: {e.Message}");
            }

            // This year: spread over the early states.
            var stage = age == 0 ? i % 7 : age == 1 ? 10 + i % 4 : 20;
            if (stage == 0) continue; // a draft
            await Do(proposer, "submit");
            foreach (var co in coSigners)
            {
                if (stage == 1 && co == coSigners[^1]) break; // still co-signing
                await Do(MemberUser(co, names[co]), co % 5 == 0 ? "decline" : "sign", days: 0.2);
            }
            if (stage is 1 or 2) continue; // submitted (stage 1: still co-signing when it has co-signers)
            await Do(office, "review", days: 1);
            if (stage == 3) continue; // under review
            if (!rejected && age == 0 && stage == 4)
            {
                rejected = true;
                await Do(office, "reject", new() { Ground = "no-suggestion", Explanation = "提案所提建议较为笼统，缺少可操作的具体措施，建议完善后作为社情民意信息报送。", ConvertTo = "opinion" }, 2);
                continue;
            }
            await Do(office, "file", days: 2);
            if (stage == 4) continue; // filed, waiting for assignment
            var second = units.Values.FirstOrDefault(u => u.Id != unit.Id && i % 6 == 0);
            await Do(office, "assign", second is null
                ? new() { Mode = "single", Units = [unit.Code] }
                : new() { Mode = "lead", Units = [unit.Code, second.Code], Lead = unit.Code }, 5);
            if (stage is 5 or 6 || stage == 10) continue; // assigned, in hand
            var u = UnitUser(unit);
            await Do(u, "contact", new() { Method = i % 3 == 0 ? "face-to-face" : "phone", Persons = $"{names[proposerId]}委员；{unit.Name}办公室", Summary = "就办理思路和时间安排征求提案人意见，提案人表示认可。" }, 20);
            if (second is not null) await Do(UnitUser(second), "send-views", new() { Text = "我单位同意主办单位的办理意见，将在职责范围内配合落实。" }, 3);
            if (stage == 11) continue; // handling
            await Do(u, "reply", new() { Class = reply.Class, Text = reply.Text, Public = i % 7 != 0 }, 40);
            if (stage == 12) continue; // replied, waiting for the rating
            await Do(proposer, "rate", new() { Satisfaction = satisfaction, Comment = "办理认真，答复具体。" }, 10);
            if (stage == 13) continue; // rated
            await Do(office, "close", days: 5);
        }

        // One merged proposal (a second proposal on a matter already under review or filed this year), one key proposal
        // with supervision, one excellent proposal.
        var matterOf = corpus.ToDictionary(p => ids[p.Id], p => p.Matter);
        var reviewable = await db.Proposals.Where(x => x.CommitteeId == city.Id && (x.Status == ProposalStatus.Submitted || x.Status == ProposalStatus.UnderReview
            || x.Status == ProposalStatus.Filed || x.Status == ProposalStatus.Assigned)).OrderBy(x => x.Id).Select(x => new { x.Id, x.Status }).ToListAsync(ct);
        var pair = reviewable.Where(x => x.Status is ProposalStatus.Submitted or ProposalStatus.UnderReview)
            .SelectMany(x => reviewable.Where(y => y.Id != x.Id && matterOf[y.Id] == matterOf[x.Id]).Select(y => (From: x.Id, Into: y.Id)))
            .Cast<(int From, int Into)?>().FirstOrDefault();
        clock.Now = realClock.GetUtcNow().AddDays(-3);
        if (pair is { } mergeOf
            && await ProposalRules.ExecuteAsync(db, mergeOf.From, "merge", new() { IntoId = mergeOf.Into, Comment = "两件提案所提事项相同，并案办理。" }, [], office, options, clock, ct) is { } me)
            throw new InvalidOperationException($"Demo merge: {me.Message}");
        var inHand = await db.Proposals.Where(x => x.CommitteeId == city.Id && x.Status == ProposalStatus.Assigned).OrderBy(x => x.Id).Select(x => x.Id).FirstOrDefaultAsync(ct);
        if (inHand > 0)
        {
            await ProposalRules.ExecuteAsync(db, inHand, "mark-key", new() { LeaderId = leader.UserName, Comment = "经主席会议研究确定为年度重点提案。" }, [], office, options, clock, ct);
            var sup = new CurrentUser(leader.UserName!, new HashSet<string> { Roles.Leader }, city.Id, city.Code, city.Path, null) { UserId = leader.Id, DisplayName = "六盘水市政协秘书长" };
            clock.Now = clock.Now.AddDays(1);
            await ProposalRules.ExecuteAsync(db, inHand, "supervise", new() { Text = "召开督办协调会，听取承办单位办理进展，要求倒排工期、按时答复。" }, [], sup, options, clock, ct);
        }
        // Excellent proposals are chosen the year after: the latest closed one, for its session's year.
        var best = await db.Proposals.Where(x => x.CommitteeId == city.Id && x.Status == ProposalStatus.Closed).OrderByDescending(x => x.Year).ThenBy(x => x.Id)
            .Select(x => new { x.Id, x.Year }).FirstOrDefaultAsync(ct);
        if (best is not null
            && await ProposalRules.ExecuteAsync(db, best.Id, "mark-excellent", new() { Year = best.Year }, [], office, options, clock, ct) is { } ee)
            throw new InvalidOperationException($"Demo excellent: {ee.Message}");

        // The notices of that simulated past are not news to anyone.
        await db.Notifications.Where(n => n.Id > firstNotice).ExecuteDeleteAsync(ct);
        await db.OutboxMails.Where(m => m.Id > firstMail).ExecuteDeleteAsync(ct);
        db.ChangeTracker.Clear();
    }
}

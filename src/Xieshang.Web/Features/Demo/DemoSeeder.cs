using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Features.Committees;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Demo;

/// <summary>
/// The demo: the Liupanshui city committee (520200) and its four county-level committees, each with
/// the demo sector list and 60–250 generated members, plus the accounts <c>staff.520200</c>,
/// <c>staff.520201</c>, <c>staff.520204</c>, <c>leader.520200</c>, <c>leader.520201</c> and <c>member.{code}</c> for each of the five, all with
/// the password <c>Bootstrap:DemoPassword</c>. Runs once (skipped when <c>staff.520200</c> exists).
/// </summary>
public static class DemoSeeder
{
    /// <summary>Demo committees and how many members each gets.</summary>
    public static readonly (string Code, int Members)[] Committees =
        [("520200", 240), ("520201", 120), ("520203", 90), ("520204", 150), ("520281", 64)];

    public static async Task SeedAsync(AppDbContext db, UserManager<AppUser> users, string password, TimeProvider clock, ILogger logger, CancellationToken ct = default,
        bool proposals = true)
    {
        if (await users.FindByNameAsync("staff.520200") is not null) return;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var now = clock.GetUtcNow();
        var codes = Committees.Select(c => c.Code).ToArray();
        var committees = await db.Committees.Where(c => codes.Contains(c.Code)).ToDictionaryAsync(c => c.Code, ct);
        var memberIds = new Dictionary<string, int>();
        db.SuppressAudit = true;
        try
        {
            foreach (var (code, count) in Committees)
            {
                var c = committees[code];
                if (await db.Members.AnyAsync(m => m.CommitteeId == c.Id, ct)) continue;
                await ReferenceDataSeeder.ReplaceSectorsAsync(db, c.Id, ReferenceData.DemoSectors, ct);
                var sectors = await db.Sectors.Where(s => s.CommitteeId == c.Id).OrderBy(s => s.SortOrder).ToListAsync(ct);
                var members = new MemberGenerator(int.Parse(code)).Members(c, sectors, count, code == "520200" ? 9 : 10, now);
                db.Members.AddRange(members);
                await db.SaveChangesAsync(ct);
                memberIds[code] = members.First(m => m.Position == Members.Position.Member && m.IsActive).Id;
                // Every member of a committee that has special committees sits on one of them (round robin).
                var specials = await db.SpecialCommittees.Where(s => s.CommitteeId == c.Id).OrderBy(s => s.SortOrder).Select(s => s.Id).ToListAsync(ct);
                if (specials.Count > 0)
                {
                    db.SpecialCommitteeMembers.AddRange(members.Select((m, i) => new Activities.SpecialCommitteeMember { SpecialCommitteeId = specials[i % specials.Count], MemberId = m.Id }));
                    await db.SaveChangesAsync(ct);
                }
                db.ChangeTracker.Clear();
            }
        }
        finally
        {
            db.SuppressAudit = false;
        }

        async Task Account(string userName, string display, string role, string code, int? memberId = null)
        {
            var user = new AppUser { UserName = userName, DisplayName = display, CommitteeId = committees[code].Id, MemberId = memberId };
            var r = await users.CreateAsync(user, password);
            if (!r.Succeeded) throw new InvalidOperationException($"Demo account {userName}: {string.Join("; ", r.Errors.Select(e => e.Description))}");
            await users.AddToRoleAsync(user, role);
        }
        await Account("staff.520200", "六盘水市政协办公室", Roles.Staff, "520200");
        await Account("staff.520201", "钟山区政协办公室", Roles.Staff, "520201");
        await Account("staff.520204", "水城区政协办公室", Roles.Staff, "520204");
        await Account("leader.520200", "六盘水市政协秘书长", Roles.Leader, "520200");
        await Account("leader.520201", "钟山区政协秘书长", Roles.Leader, "520201");
        foreach (var (code, _) in Committees)
            if (memberIds.TryGetValue(code, out var mid))
            {
                var name = await db.Members.Where(m => m.Id == mid).Select(m => m.Name).FirstAsync(ct);
                await Account($"member.{code}", name, Roles.Member, code, mid);
            }
        db.SuppressAudit = true;
        try
        {
            await DemoActivities.SeedAsync(db, clock, ct);
            await DemoProposals.SeedAsync(db, users, password, proposals, clock, ct);
            if (proposals) await DemoConsultations.SeedAsync(db, clock, ct); // the same flag: the proposal office's demo work
            if (proposals) await DemoResearch.SeedAsync(db, clock, ct); // research, same-topic research, claimed topics (issue 6; needs the proposals' sessions)
            if (proposals) await DemoStudios.SeedAsync(db, Studios.Townships.Load(Path.Combine(AppContext.BaseDirectory, "Data", "Reference", "streets-guizhou.csv")), clock, ct);
            if (proposals) await DemoOutcomes.SeedAsync(db, clock, ct); // progress on the proposal replies' outcomes
            if (proposals) await DemoStudy.SeedAsync(db, clock, ct); // a course, lecture halls, reading groups with eight weeks of check-ins (issue 7)
        }
        finally
        {
            db.SuppressAudit = false;
        }
        logger.LogInformation("Demo committees, accounts, activities, handling units and proposals created in {Ms} ms", watch.ElapsedMilliseconds);
    }
}

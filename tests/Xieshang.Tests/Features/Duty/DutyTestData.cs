using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Duty;
using Xieshang.Web.Features.Members;

namespace Xieshang.Tests.Features.Duty;

/// <summary>
/// Test data for the duty slice: records written through the real <see cref="DutyLedger"/> (the one entry point),
/// scoring rules inserted as a committee would have set them, members picked from the demo committees.
/// </summary>
public static class DutyTestData
{
    /// <summary>China Standard Time.</summary>
    public static readonly TimeSpan China = TimeSpan.FromHours(8);

    /// <summary>Noon of a day in China Standard Time.</summary>
    public static DateTimeOffset Day(int year, int month, int day) => new(year, month, day, 12, 0, 0, China);

    /// <summary>Writes the events of one source object through <see cref="DutyLedger.ReplaceAsync"/> and saves.</summary>
    public static Task RecordAsync(AppFactory app, string source, int sourceId, params DutyEvent[] events) =>
        app.WithDbAsync(async db =>
        {
            await DutyLedger.ReplaceAsync(db, source, sourceId, events, app.Services.GetRequiredService<TimeProvider>(), CancellationToken.None);
            await db.SaveChangesAsync();
            return 0;
        });

    /// <summary>A duty event of <paramref name="memberId"/> under <paramref name="source"/>/<paramref name="sourceId"/>.</summary>
    public static DutyEvent Event(int memberId, string code, string source, int sourceId, DateTimeOffset at, string title = "测试履职", decimal quantity = 1) =>
        new(memberId, code, source, sourceId, title, $"/test/{sourceId}", at, quantity);

    /// <summary>The records of one member, ordered by id.</summary>
    public static Task<List<DutyRecord>> RecordsOfAsync(AppFactory app, int memberId) =>
        app.WithDbAsync(db => db.DutyRecords.AsNoTracking().Where(r => r.MemberId == memberId).OrderBy(r => r.Id).ToListAsync());

    /// <summary>Ids of the first <paramref name="count"/> active members of a committee after skipping <paramref name="skip"/>, excluding demo accounts' members.</summary>
    public static Task<int[]> MembersAsync(AppFactory app, string committeeCode, int count, int skip = 0) =>
        app.WithDbAsync(async db =>
        {
            var linked = await db.Users.Where(u => u.MemberId != null).Select(u => u.MemberId!.Value).ToListAsync();
            var ids = await db.Members.Where(m => m.Committee!.Code == committeeCode && m.IsActive).OrderBy(m => m.Id).Select(m => m.Id).ToListAsync();
            return ids.Where(id => !linked.Contains(id)).Skip(skip).Take(count).ToArray();
        });

    /// <summary>Inserts a committee's own scoring rule directly (as <c>PUT …/scoring-rules</c> would store it).</summary>
    public static Task<int> AddRuleAsync(AppFactory app, string committeeCode, string code, decimal points, DateOnly from, DateOnly? to = null) =>
        app.WithDbAsync(async db =>
        {
            var c = await db.Committees.FirstAsync(x => x.Code == committeeCode);
            var template = ScoringDefaults.All.Single(d => d.Code == code);
            var rule = new ScoringRule
            {
                CommitteeId = c.Id, CommitteePath = c.Path, Code = code, Category = template.Category, Name = template.Name, Points = points,
                EffectiveFrom = from, EffectiveTo = to, Rationale = "测试", UpdatedBy = "test", UpdatedAt = DateTimeOffset.UtcNow,
            };
            db.ScoringRules.Add(rule);
            await db.SaveChangesAsync();
            return rule.Id;
        });

    /// <summary>Creates a member of <paramref name="committeeCode"/> named <paramref name="name"/> (any sector of the committee).</summary>
    public static Task<int> CreateMemberAsync(AppFactory app, string committeeCode, string name) =>
        app.WithDbAsync(async db =>
        {
            var c = await db.Committees.FirstAsync(x => x.Code == committeeCode);
            var sector = await db.Sectors.Where(s => s.CommitteeId == c.Id).OrderBy(s => s.SortOrder).FirstAsync();
            var m = new Member { CommitteeId = c.Id, CommitteePath = c.Path, SectorId = sector.Id, Term = 9, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow };
            m.SetName(name);
            db.Members.Add(m);
            await db.SaveChangesAsync();
            return m.Id;
        });
}

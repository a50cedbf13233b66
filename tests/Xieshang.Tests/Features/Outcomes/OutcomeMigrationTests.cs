using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Xieshang.Tests.Support;
using Xieshang.Web.Features.Outcomes;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Tests.Features.Outcomes;

/// <summary>
/// The upgrade path of the outcomes port, on both providers: a database at the <c>Consultations</c> migration with a
/// recommendation, its leader instruction, milestone and an evidence file is migrated to the latest, and they are found as
/// an <see cref="Outcome"/> of the consultation with the same ids; new rows get fresh ids after them (sequences reset).
/// <see cref="Outcome.SubmittedOn"/> is the China day of the consultation's <c>submit</c> event (17:00Z is the next day in
/// China), else the minutes day of a consultation past that step, else empty.
/// </summary>
public sealed class OutcomeMigrationTests
{
    private const string Seed = """
        INSERT INTO "Committees" ("Id", "Code", "Name", "Level", "Path") VALUES (901, '990000', '测试政协', 2, '/CN/990000/');
        INSERT INTO "Consultations" ("Id", "CommitteeId", "CommitteePath", "Title", "Type", "Status", "Summary", "Place", "NoticeDays", "MaterialsDays", "MinutesDays",
            "Minutes", "Consensus", "Divergences", "Feedback", "CreatedBy", "CreatedAt", "UpdatedAt")
            VALUES (31, 901, '/CN/990000/', '升级测试协商', 2, 5, '', '', 10, 5, 5, '', '', '', '', 'staff', {0}, {0});
        INSERT INTO "Consultations" ("Id", "CommitteeId", "CommitteePath", "Title", "Type", "Status", "Summary", "Place", "NoticeDays", "MaterialsDays", "MinutesDays",
            "Minutes", "Consensus", "Divergences", "Feedback", "CreatedBy", "CreatedAt", "UpdatedAt", "MinutesAt")
            VALUES (32, 901, '/CN/990000/', '没有报送记录的协商', 2, 6, '', '', 10, 5, 5, '', '', '', '', 'staff', {0}, {0}, {4}),
                   (33, 901, '/CN/990000/', '尚未报送的协商', 2, 4, '', '', 10, 5, 5, '', '', '', '', 'staff', {0}, {0}, {4});
        INSERT INTO "ConsultationEvents" ("ConsultationId", "Action", "From", "To", "Note", "By", "At") VALUES (31, 'minutes', 4, 4, '', 'staff', {4}), (31, 'submit', 4, 5, '', 'staff', {3});
        INSERT INTO "ConsultationRecommendations" ("Id", "ConsultationId", "SortOrder", "Title", "Text", "Adoption", "AdoptingBody", "AdoptedOn", "AdoptionNote",
            "Percent", "Evidence", "ImplementedOn", "Feedback", "FeedbackOn", "MemberIds", "UpdatedAt")
            VALUES (58, 32, 1, '按纪要日期报送', '', 0, '', NULL, '', 0, '', NULL, '', NULL, {1}, {0}),
                   (59, 33, 1, '尚未报送', '', 0, '', NULL, '', 0, '', NULL, '', NULL, {1}, {0});
        INSERT INTO "ConsultationRecommendations" ("Id", "ConsultationId", "SortOrder", "Title", "Text", "Adoption", "AdoptingBody", "AdoptedOn", "AdoptionNote",
            "Percent", "Evidence", "ImplementedOn", "Feedback", "FeedbackOn", "MemberIds", "UpdatedAt")
            VALUES (57, 31, 1, '建设乡村旅游环线', '分三年建设。', 1, '测试市人民政府', '2026-03-01', '', 40, '一期完工', NULL, '', NULL, {1}, {0});
        INSERT INTO "RecommendationInstructions" ("Id", "RecommendationId", "LeaderName", "Level", "Text", "On", "RecordedBy") VALUES (73, 57, '市长', 2, '抓紧落实。', '2026-03-02', 'staff');
        INSERT INTO "RecommendationMilestones" ("Id", "RecommendationId", "Title", "DueOn", "DoneOn", "Note") VALUES (89, 57, '完成规划设计', '2026-04-01', NULL, '');
        INSERT INTO "ConsultationFiles" ("ConsultationId", "RecommendationId", "FileName", "ContentType", "Size", "Content", "UploadedBy", "UploadedAt")
            VALUES (31, 57, '佐证.txt', 'text/plain', 2, {2}, 'staff', {0});
        """;

    [Fact]
    public async Task Sqlite_recommendations_become_outcomes_keeping_ids()
    {
        var file = Path.Combine(Path.GetTempPath(), $"xs-upgrade-{Guid.NewGuid():N}.db");
        try
        {
            var options = new DbContextOptionsBuilder<SqliteAppDbContext>().UseSqlite($"Data Source={file}").Options;
            await using (var db = new SqliteAppDbContext(options))
            {
                await db.GetService<IMigrator>().MigrateAsync(Target(db));
                await db.Database.ExecuteSqlRawAsync(string.Format(Seed, DateTimeOffset.UtcNow.UtcTicks, "'[5,6]'", "X'6F6B'", Submit.UtcTicks, Minutes.UtcTicks));
                await db.Database.MigrateAsync();
            }
            await using (var db = new SqliteAppDbContext(options)) await AssertCopiedAsync(db);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Postgres_recommendations_become_outcomes_keeping_ids()
    {
        var name = $"xs_upgrade_{Guid.NewGuid():N}";
        var cs = await PostgresAppFactory.CreateDatabaseAsync(name);
        try
        {
            var options = new DbContextOptionsBuilder<PostgresAppDbContext>().UseNpgsql(cs).Options;
            await using (var db = new PostgresAppDbContext(options))
            {
                await db.GetService<IMigrator>().MigrateAsync(Target(db));
                // ExecuteSqlRaw formats its text, so the array literal {5,6} is written with doubled braces.
                await db.Database.ExecuteSqlRawAsync(string.Format(Seed, "now()", "'{{5,6}}'", "'\\x6f6b'::bytea", "'2026-02-27T17:00:00Z'", "'2026-02-20T02:00:00Z'"));
                await db.Database.MigrateAsync();
            }
            await using (var db = new PostgresAppDbContext(options)) await AssertCopiedAsync(db);
        }
        finally
        {
            await PostgresAppFactory.DropDatabaseAsync(name);
        }
    }

    /// <summary>The submit event: 17:00Z on 27 February is 28 February in China.</summary>
    private static readonly DateTimeOffset Submit = new(2026, 2, 27, 17, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Minutes = new(2026, 2, 20, 2, 0, 0, TimeSpan.Zero);

    private static string Target(DbContext db) => db.Database.GetMigrations().Single(m => m.EndsWith("_Consultations", StringComparison.Ordinal));

    private static async Task AssertCopiedAsync(AppDbContext db)
    {
        var o = await db.Outcomes.SingleAsync(x => x.Id == 57);
        Assert.Equal((OutcomeKind.Recommendation, WorkItemType.Consultation, 31, 901, "/CN/990000/"), (o.Kind, o.SourceType, o.SourceId, o.CommitteeId, o.CommitteePath));
        Assert.Equal(("建设乡村旅游环线", AdoptionStatus.Adopted, "测试市人民政府", new DateOnly(2026, 3, 1), 40, "一期完工"), (o.Title, o.Adoption, o.AdoptingBody, o.AdoptedOn!.Value, o.Percent, o.Evidence));
        Assert.Equal([5, 6], o.MemberIds);
        Assert.Equal(new DateOnly(2026, 2, 28), o.SubmittedOn);
        Assert.Equal(new DateOnly(2026, 2, 20), (await db.Outcomes.SingleAsync(x => x.Id == 58)).SubmittedOn);
        Assert.Null((await db.Outcomes.SingleAsync(x => x.Id == 59)).SubmittedOn);
        var i = await db.OutcomeInstructions.SingleAsync(x => x.OutcomeId == 57);
        Assert.Equal((73, "市长", "抓紧落实。"), (i.Id, i.LeaderName, i.Text));
        var m = await db.OutcomeMilestones.SingleAsync(x => x.OutcomeId == 57);
        Assert.Equal((89, "完成规划设计", new DateOnly(2026, 4, 1)), (m.Id, m.Title, m.DueOn!.Value));
        var f = await db.OutcomeFiles.SingleAsync(x => x.OutcomeId == 57);
        Assert.Equal(("佐证.txt", "ok"), (f.FileName, System.Text.Encoding.ASCII.GetString(f.Content)));
        Assert.Equal(0, await db.ConsultationFiles.CountAsync());
        // New rows are numbered after the copied ones.
        db.OutcomeMilestones.Add(new OutcomeMilestone { OutcomeId = 57, Title = "新节点" });
        var o2 = new Outcome { Kind = OutcomeKind.Recommendation, SourceType = WorkItemType.Consultation, SourceId = 31, CommitteeId = 901, CommitteePath = "/CN/990000/", Title = "新建议" };
        db.Outcomes.Add(o2);
        await db.SaveChangesAsync();
        Assert.True(o2.Id > 59);
        Assert.True(await db.OutcomeMilestones.MaxAsync(x => x.Id) > 89);
    }
}

using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;

namespace Xieshang.Web.Features.Outcomes;

/// <summary>
/// Data step of the <c>ResearchOutcomes</c> migration (both providers): the consultations' recommendations, their leader
/// instructions and milestones move from <c>ConsultationRecommendations</c> / <c>RecommendationInstructions</c> /
/// <c>RecommendationMilestones</c> into <c>Outcomes</c> (kind <see cref="OutcomeKind.Recommendation"/>, source the
/// consultation, scope copied from it) / <c>OutcomeInstructions</c> / <c>OutcomeMilestones</c> keeping their ids, and the
/// recommendations' evidence files from <c>ConsultationFiles</c> into <c>OutcomeFiles</c>. <see cref="Outcome.SubmittedOn"/>
/// is the China day the consultation was submitted for adoption (its first <c>submit</c> event, as the live rule sets it),
/// else — for a consultation already past that step without the event — the day of its minutes; null before submission.
/// PostgreSQL identity sequences are
/// moved past the copied ids. Called by ONE line at the end of each provider's <c>ResearchOutcomes.Up</c>
/// (<c>OutcomeMigrationSql.CopyRecommendations(migrationBuilder, "PostgreSQL")</c> / <c>"Sqlite"</c>): EF orders drops before
/// creates, so the call moves the drops of the old tables and of <c>ConsultationFiles.RecommendationId</c> after the copy.
/// The line must be added again whenever the migration is regenerated (<c>tools/remigrate.sh</c>).
/// </summary>
public static class OutcomeMigrationSql
{
    private static readonly string[] OldTables = ["ConsultationRecommendations", "RecommendationInstructions", "RecommendationMilestones"];

    /// <summary>Appends the copy to <paramref name="migrationBuilder"/> and moves the old tables' drops after it. <paramref name="provider"/>: <c>PostgreSQL</c> or <c>Sqlite</c>.</summary>
    public static void CopyRecommendations(MigrationBuilder migrationBuilder, string provider)
    {
        var ops = migrationBuilder.Operations;
        var moved = ops.Where(o => (o is DropTableOperation t && OldTables.Contains(t.Name))
            || (o is DropColumnOperation c && c.Table == "ConsultationFiles" && c.Name == "RecommendationId")).ToList();
        foreach (var m in moved) ops.Remove(m);
        foreach (var sql in Statements(provider)) migrationBuilder.Sql(sql);
        ops.AddRange(moved);
    }

    /// <summary>The SQL statements of the copy for <paramref name="provider"/>, in order.</summary>
    public static IReadOnlyList<string> Statements(string provider)
    {
        var pg = provider == "PostgreSQL";
        // China day (UTC+8) of a stored instant: timestamptz on PostgreSQL, UTC ticks on SQLite (SqliteAppDbContext).
        string Day(string at) => pg ? $"((({at}) AT TIME ZONE 'UTC') + interval '8 hours')::date" : $"date((({at}) - 621355968000000000) / 10000000, 'unixepoch', '+8 hours')";
        var submitted = $"""
            COALESCE((SELECT {Day("MIN(e.\"At\")")} FROM "ConsultationEvents" e WHERE e."ConsultationId" = c."Id" AND e."Action" = 'submit'),
                CASE WHEN c."Status" >= 5 AND c."MinutesAt" IS NOT NULL THEN {Day("c.\"MinutesAt\"")} END)
            """;
        List<string> list =
        [
            $"""
            INSERT INTO "Outcomes" ("Id", "Kind", "SourceType", "SourceId", "CommitteeId", "CommitteePath", "SortOrder", "Title", "Text", "SubmittedOn",
                "Adoption", "AdoptingBody", "AdoptedOn", "AdoptionNote", "ResponsibleUnitId", "Percent", "Evidence", "ImplementedOn", "Feedback", "FeedbackOn",
                "MemberIds", "LastProgressAt", "CreatedAt", "UpdatedAt")
            SELECT r."Id", 0, 5, r."ConsultationId", c."CommitteeId", c."CommitteePath", r."SortOrder", r."Title", r."Text", {submitted},
                r."Adoption", r."AdoptingBody", r."AdoptedOn", r."AdoptionNote", NULL, r."Percent", r."Evidence", r."ImplementedOn", r."Feedback", r."FeedbackOn",
                r."MemberIds", r."UpdatedAt", r."UpdatedAt", r."UpdatedAt"
            FROM "ConsultationRecommendations" r JOIN "Consultations" c ON c."Id" = r."ConsultationId";
            """,
            """
            INSERT INTO "OutcomeInstructions" ("Id", "OutcomeId", "LeaderName", "Level", "Text", "On", "RecordedBy")
            SELECT "Id", "RecommendationId", "LeaderName", "Level", "Text", "On", "RecordedBy" FROM "RecommendationInstructions";
            """,
            """
            INSERT INTO "OutcomeMilestones" ("Id", "OutcomeId", "Title", "DueOn", "DoneOn", "Note")
            SELECT "Id", "RecommendationId", "Title", "DueOn", "DoneOn", "Note" FROM "RecommendationMilestones";
            """,
            """
            INSERT INTO "OutcomeFiles" ("OutcomeId", "ProgressId", "FileName", "ContentType", "Content", "Size", "UploadedBy", "UploadedAt")
            SELECT "RecommendationId", NULL, "FileName", "ContentType", "Content", "Size", "UploadedBy", "UploadedAt" FROM "ConsultationFiles" WHERE "RecommendationId" IS NOT NULL;
            """,
            """DELETE FROM "ConsultationFiles" WHERE "RecommendationId" IS NOT NULL;""",
        ];
        if (pg)
            foreach (var table in new[] { "Outcomes", "OutcomeInstructions", "OutcomeMilestones" })
                list.Add($"""SELECT setval(pg_get_serial_sequence('"{table}"', 'Id'), COALESCE((SELECT MAX("Id") FROM "{table}"), 1), (SELECT MAX("Id") FROM "{table}") IS NOT NULL);""");
        return list;
    }
}

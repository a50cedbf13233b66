using System.Text;
using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Committees;

/// <summary>
/// Loads the reference data at first start: ethnic groups, parties, the committee tree (about 3,300),
/// a sector list per committee (34 national sectors for <c>CN</c>, 32 for local committees) and the
/// special committees of Liupanshui. Idempotent: does nothing for tables that already hold rows.
/// Callers hold the <c>seed</c> job lease so only one instance runs it.
/// </summary>
public static class ReferenceDataSeeder
{
    /// <summary>Seeds what is missing. <paramref name="referenceFolder"/> holds the division CSVs.</summary>
    public static async Task SeedAsync(AppDbContext db, string referenceFolder, ILogger logger, CancellationToken ct = default)
    {
        db.SuppressAudit = true;
        try
        {
            if (!await db.EthnicGroups.AnyAsync(ct))
            {
                db.EthnicGroups.AddRange(ReferenceData.EthnicGroups.Select(e => new EthnicGroup { Code = e.Code, Letters = e.Letters, Name = e.Name }));
                db.Parties.AddRange(ReferenceData.Parties.Select((p, i) => new Party { Code = p.Code, Name = p.Name, ShortName = p.Short, SortOrder = i + 1 }));
                await db.SaveChangesAsync(ct);
            }
            if (await db.Committees.AnyAsync(ct)) return;

            var tree = CommitteeTree.Load(referenceFolder);
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var ids = new Dictionary<string, int>();
            foreach (var level in tree.GroupBy(c => c.Level).OrderBy(g => g.Key))
            {
                var rows = level.Select(c => new Committee
                {
                    Code = c.Code, Name = c.Name, Level = c.Level, ParentCode = c.ParentCode, Path = c.Path,
                    ParentId = c.ParentCode is null ? null : ids[c.ParentCode],
                }).ToList();
                db.Committees.AddRange(rows);
                await db.SaveChangesAsync(ct);
                foreach (var r in rows) ids[r.Code] = r.Id;
                db.ChangeTracker.Clear();
            }
            await InsertSectorsAsync(db, ReferenceData.NationalSectors, "c.\"Code\" = 'CN'", ct);
            await InsertSectorsAsync(db, ReferenceData.LocalSectors, "c.\"Code\" <> 'CN'", ct);
            db.SpecialCommittees.AddRange(ReferenceData.LiupanshuiSpecialCommittees.Select((n, i) =>
                new SpecialCommittee { CommitteeId = ids["520200"], Name = n, SortOrder = i + 1 }));
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            logger.LogInformation("Reference data loaded: {Committees} committees", tree.Count);
        }
        finally
        {
            db.SuppressAudit = false;
        }
    }

    /// <summary>
    /// Replaces the sector list of one committee (used by the demo, whose committees use a shorter list).
    /// Only valid while no member references the committee's sectors.
    /// </summary>
    public static async Task ReplaceSectorsAsync(AppDbContext db, int committeeId, IReadOnlyList<string> names, CancellationToken ct = default)
    {
        await db.Sectors.Where(s => s.CommitteeId == committeeId).ExecuteDeleteAsync(ct);
        db.Sectors.AddRange(names.Select((n, i) => new Sector { CommitteeId = committeeId, Name = n, SortOrder = i + 1 }));
        await db.SaveChangesAsync(ct);
    }

    // One INSERT … SELECT per list: ~107,000 rows in well under a second on both providers, where
    // tracked entities would take tens of seconds. Names are compile-time constants, quoted defensively.
    private static Task InsertSectorsAsync(AppDbContext db, IReadOnlyList<string> names, string where, CancellationToken ct)
    {
        var values = new StringBuilder();
        for (var i = 0; i < names.Count; i++)
        {
            if (i > 0) values.Append(" UNION ALL ");
            values.Append("SELECT '").Append(names[i].Replace("'", "''")).Append("' AS n, ").Append(i + 1).Append(" AS o");
        }
        var sql = $"INSERT INTO \"Sectors\" (\"CommitteeId\", \"Name\", \"SortOrder\") SELECT c.\"Id\", s.n, s.o FROM \"Committees\" c CROSS JOIN ({values}) s WHERE {where}";
#pragma warning disable EF1002 // the SQL contains only constants from ReferenceData, no user input
        return db.Database.ExecuteSqlRawAsync(sql, ct);
#pragma warning restore EF1002
    }
}

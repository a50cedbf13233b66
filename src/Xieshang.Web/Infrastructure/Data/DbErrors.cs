using Microsoft.EntityFrameworkCore;

namespace Xieshang.Web.Infrastructure.Data;

/// <summary>Classifies database errors the same way on both providers.</summary>
public static class DbErrors
{
    /// <summary>True when a unique index refused the insert or update (SQLite: SQLITE_CONSTRAINT_UNIQUE/PRIMARYKEY; PostgreSQL: 23505).</summary>
    public static bool IsUniqueViolation(DbUpdateException e) => e.InnerException switch
    {
        Microsoft.Data.Sqlite.SqliteException s => s.SqliteErrorCode == 19 && s.SqliteExtendedErrorCode is 2067 or 1555,
        Npgsql.PostgresException p => p.SqlState == Npgsql.PostgresErrorCodes.UniqueViolation,
        _ => false,
    };
}

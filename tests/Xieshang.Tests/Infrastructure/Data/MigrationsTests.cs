using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Tests.Infrastructure.Data;

/// <summary>Fails when the model has changes that no migration covers, for each provider.</summary>
public sealed class MigrationsTests
{
    [Fact]
    public void Sqlite_migrations_cover_the_model()
    {
        using var db = new SqliteDesignFactory().CreateDbContext([]);
        Assert.False(db.Database.HasPendingModelChanges(), "The model changed without a SQLite migration: run dotnet ef migrations add <Name> --context SqliteAppDbContext --output-dir Infrastructure/Data/Migrations/Sqlite");
        Assert.NotEmpty(db.Database.GetMigrations());
    }

    [Fact]
    public void Postgres_migrations_cover_the_model()
    {
        using var db = new PostgresDesignFactory().CreateDbContext([]);
        Assert.False(db.Database.HasPendingModelChanges(), "The model changed without a PostgreSQL migration: run dotnet ef migrations add <Name> --context PostgresAppDbContext --output-dir Infrastructure/Data/Migrations/Postgres");
        Assert.NotEmpty(db.Database.GetMigrations());
    }

    [Fact]
    public void Both_providers_have_the_same_migrations()
    {
        using var sqlite = new SqliteDesignFactory().CreateDbContext([]);
        using var postgres = new PostgresDesignFactory().CreateDbContext([]);
        static IEnumerable<string> Names(DbContext db) => db.Database.GetMigrations().Select(m => m[(m.IndexOf('_') + 1)..]);
        Assert.Equal(Names(sqlite), Names(postgres));
    }
}

using Xieshang.Web.Infrastructure.Backup;

namespace Xieshang.Tests.Infrastructure.Backup;

/// <summary>How the verbs recognise files, find pg_dump/pg_restore and hand them the connection (environment, never arguments).</summary>
public sealed class BackupToolsTests
{
    [Fact]
    public void The_connection_goes_into_PG_environment_variables_with_the_password_among_them()
    {
        var env = PgTools.EnvironmentFor("Host=db.internal;Port=5433;Username=xieshang;Password=s3cret-密码;Database=xs_prod;SSL Mode=Require");
        Assert.Equal("db.internal", env["PGHOST"]);
        Assert.Equal("5433", env["PGPORT"]);
        Assert.Equal("xieshang", env["PGUSER"]);
        Assert.Equal("s3cret-密码", env["PGPASSWORD"]);
        Assert.Equal("xs_prod", env["PGDATABASE"]);
        Assert.Equal("require", env["PGSSLMODE"]);
        Assert.False(PgTools.EnvironmentFor("Host=/var/run/postgresql;Database=x").ContainsKey("PGPASSWORD"));
    }

    [Fact]
    public void The_tools_come_from_the_configured_folder_or_the_system_and_a_wrong_folder_is_named()
    {
        Assert.Null(PgTools.Find(new BackupOptions { PgBinPath = "/nonexistent/pg/bin" }, out var error));
        Assert.Contains("Backup:PgBinPath", error);
        var found = PgTools.Find(new BackupOptions(), out error); // test.sh installs Debian's postgresql
        Assert.True(found is not null, error);
        Assert.True(File.Exists(found.PgDump) && File.Exists(found.PgRestore));
    }

    [Theory]
    [InlineData("SQLite format 3\0rest", BackupFileKind.Sqlite)]
    [InlineData("PGDMP\u0001\u000e\0", BackupFileKind.PgCustom)]
    [InlineData("SQLite format 2\0", BackupFileKind.Unknown)]
    [InlineData("PGDM", BackupFileKind.Unknown)]
    [InlineData("", BackupFileKind.Unknown)]
    [InlineData("-- PostgreSQL database dump", BackupFileKind.Unknown)]
    public void A_file_kind_is_decided_by_its_first_bytes(string head, BackupFileKind kind) =>
        Assert.Equal(kind, BackupFiles.KindOf(System.Text.Encoding.Latin1.GetBytes(head)));
}

using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Support;
using Xieshang.Web.Infrastructure.Backup;

namespace Xieshang.Tests.Infrastructure.Backup;

/// <summary>The demo with its proposals, so a backup holds members, proposals, activities, attendance and duty records.</summary>
public sealed class BackupSqliteFactory : SqliteAppFactory
{
    protected override bool DemoProposals => true;
}

/// <summary>PostgreSQL flavour of <see cref="BackupSqliteFactory"/>.</summary>
public sealed class BackupPostgresFactory : PostgresAppFactory
{
    protected override bool DemoProposals => true;
}

/// <summary>
/// <c>backup</c>/<c>restore</c> (<see cref="BackupCli"/>): a round trip into a fresh empty database keeps every table's row
/// count and the sampled tables row for row; wrong, foreign, corrupt or missing files and a non-empty target without
/// <c>--force</c> are refused with exit code 1 and leave the target unchanged.
/// </summary>
public abstract class BackupRestoreTests(AppFactory app) : IAsyncDisposable
{
    /// <summary>Tables compared row for row, every column.</summary>
    private static readonly string[] Sampled = ["Members", "Proposals", "DutyRecords", "CheckIns", "AspNetUsers", "Committees"];

    private readonly string _folder = Directory.CreateTempSubdirectory("xs-backup-").FullName;
    private readonly List<Func<Task>> _cleanup = [];

    private bool IsPostgres => app.Provider == "PostgreSQL";
    private BackupTarget Source => new(IsPostgres, app.DatabaseConnectionString);

    /// <summary>A new, empty database of the same provider (dropped or deleted after the test).</summary>
    private async Task<BackupTarget> FreshAsync()
    {
        if (IsPostgres)
        {
            var name = $"xs_restore_{Guid.NewGuid():N}";
            var cs = await PostgresAppFactory.CreateDatabaseAsync(name);
            _cleanup.Add(() => PostgresAppFactory.DropDatabaseAsync(name));
            return new BackupTarget(true, cs);
        }
        return new BackupTarget(false, $"Data Source={Path.Combine(_folder, $"restored-{Guid.NewGuid():N}.db")}");
    }

    private async Task<(int Code, string Out, string Err)> RunAsync(Func<TextWriter, TextWriter, Task<int>> verb)
    {
        var (o, e) = (new StringWriter(), new StringWriter());
        var code = await verb(o, e);
        return (code, o.ToString(), e.ToString());
    }

    private static async Task<SortedDictionary<string, long>> CountsAsync(BackupTarget t)
    {
        await using var c = DatabaseTables.Open(t);
        await c.OpenAsync();
        return await DatabaseTables.RowCountsAsync(c, t.IsPostgres);
    }

    /// <summary>Every row of a table, every column as invariant text, ordered by the first column.</summary>
    private static async Task<List<string>> RowsAsync(BackupTarget t, string table)
    {
        await using var c = DatabaseTables.Open(t);
        await c.OpenAsync();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT * FROM \"{table}\" ORDER BY 1";
        await using var r = await cmd.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await r.ReadAsync())
            rows.Add(string.Join("|", Enumerable.Range(0, r.FieldCount).Select(i => $"{r.GetName(i)}={Text(r.GetValue(i))}")));
        return rows;
    }

    private static string Text(object v) => v switch
    {
        DBNull => "∅",
        byte[] b => Convert.ToBase64String(b),
        DateTime d => d.ToString("O", CultureInfo.InvariantCulture),
        DateTimeOffset d => d.ToString("O", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };

    private async Task<string> BackupAsync()
    {
        var file = Path.Combine(_folder, IsPostgres ? "xieshang.dump" : "xieshang.db");
        if (File.Exists(file)) return file;
        var (code, output, error) = await RunAsync((o, e) => BackupCli.BackupAsync(Source, file, false, new BackupOptions(), o, e));
        Assert.True(code == 0, error);
        Assert.Contains("张表", output);
        return file;
    }

    [Fact]
    public async Task A_backup_restored_into_a_fresh_database_has_every_row_of_every_table()
    {
        // Data through the app: the demo with proposals, plus a member whose name is beyond the BMP.
        var staff = await app.ClientAsAsync("staff.520201");
        var sectors = await staff.GetFromJsonAsync<JsonElement>("/api/sectors?committee=520201");
        var sectorId = sectors.EnumerateArray().First().GetProperty("id").GetInt32();
        var created = await staff.PostAsJsonAsync("/api/members", new
        {
            committeeCode = "520201", name = "龙𬱖", gender = "男", ethnicGroup = "布依族", birthMonth = "1971.08", party = "九三学社",
            sectorId, position = "委员", term = "十届", workUnit = "钟山区人民医院", phone = "13985851234", email = "long@example.cn",
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var before = await CountsAsync(Source);
        Assert.True(before["Members"] > 100 && before["Proposals"] > 0 && before["DutyRecords"] > 0 && before["CheckIns"] > 0 && before["AuditEntries"] > 0,
            string.Join(", ", before.Select(kv => $"{kv.Key}={kv.Value}")));

        var file = await BackupAsync();
        Assert.Equal(IsPostgres ? BackupFileKind.PgCustom : BackupFileKind.Sqlite, BackupFiles.KindOf(file));
        var fresh = await FreshAsync();
        var (code, output, error) = await RunAsync((o, e) => BackupCli.RestoreAsync(fresh, file, false, new BackupOptions(), o, e));
        Assert.True(code == 0, error);
        Assert.Contains("已从", output);

        var sourceCounts = await CountsAsync(Source);
        var restoredCounts = await CountsAsync(fresh);
        Assert.Equal(sourceCounts.Keys, restoredCounts.Keys);
        Assert.True(sourceCounts.Count > 50);
        foreach (var (table, count) in sourceCounts)
            Assert.True(count == restoredCounts[table], $"{table}: {count} in the source, {restoredCounts[table]} restored");
        foreach (var table in Sampled)
        {
            var expected = await RowsAsync(Source, table);
            var actual = await RowsAsync(fresh, table);
            Assert.NotEmpty(expected);
            Assert.Equal(expected, actual);
        }
        Assert.Contains(await RowsAsync(fresh, "Members"), r => r.Contains("=龙𬱖|", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_file_of_an_unknown_kind_or_of_the_other_provider_is_refused_and_nothing_changes()
    {
        var target = await FreshAsync();
        var file = await BackupAsync();
        Assert.Equal(0, (await RunAsync((o, e) => BackupCli.RestoreAsync(target, file, false, new BackupOptions(), o, e))).Code);
        var before = await CountsAsync(target);

        var text = Path.Combine(_folder, "notes.txt");
        await File.WriteAllTextAsync(text, "这不是备份文件");
        var (code, _, error) = await RunAsync((o, e) => BackupCli.RestoreAsync(target, text, true, new BackupOptions(), o, e));
        Assert.Equal(1, code);
        Assert.Contains("无法识别的备份文件", error);

        var foreign = Path.Combine(_folder, "foreign.bin");
        await File.WriteAllBytesAsync(foreign, IsPostgres ? "SQLite format 3\0"u8.ToArray().Concat(new byte[4096]).ToArray() : "PGDMP\u0001\u000e\0"u8.ToArray());
        (code, _, error) = await RunAsync((o, e) => BackupCli.RestoreAsync(target, foreign, true, new BackupOptions(), o, e));
        Assert.Equal(1, code);
        Assert.Contains(IsPostgres ? "这是 SQLite 备份文件" : "这是 PostgreSQL（pg_dump）备份文件", error);

        (code, _, error) = await RunAsync((o, e) => BackupCli.RestoreAsync(target, Path.Combine(_folder, "missing.dump"), true, new BackupOptions(), o, e));
        Assert.Equal(1, code);
        Assert.Contains("备份文件不存在", error);

        Assert.Equal(before, await CountsAsync(target));
    }

    [Fact]
    public async Task A_database_with_data_is_replaced_only_with_force_and_a_corrupt_file_leaves_it_unchanged()
    {
        var file = await BackupAsync();
        var target = await FreshAsync();
        Assert.Equal(0, (await RunAsync((o, e) => BackupCli.RestoreAsync(target, file, false, new BackupOptions(), o, e))).Code);
        await using (var c = DatabaseTables.Open(target))
        {
            await c.OpenAsync();
            await using var cmd = c.CreateCommand();
            cmd.CommandText = "DELETE FROM \"CheckIns\"";
            Assert.True(await cmd.ExecuteNonQueryAsync() > 0);
        }
        var before = await CountsAsync(target);

        var (code, _, error) = await RunAsync((o, e) => BackupCli.RestoreAsync(target, file, false, new BackupOptions(), o, e));
        Assert.Equal(1, code);
        Assert.Contains("已有数据", error);
        Assert.Contains("--force", error);
        Assert.Equal(before, await CountsAsync(target));

        // Damaged copies: the SQLite file's first page overwritten; the dump cut off in the middle of its data.
        var bytes = await File.ReadAllBytesAsync(file);
        var corrupt = Path.Combine(_folder, "corrupt.bin");
        if (IsPostgres) bytes = bytes[..(bytes.Length * 6 / 10)];
        else Array.Fill(bytes, (byte)0x55, 100, 3996);
        await File.WriteAllBytesAsync(corrupt, bytes);
        (code, _, error) = await RunAsync((o, e) => BackupCli.RestoreAsync(target, corrupt, true, new BackupOptions(), o, e));
        Assert.Equal(1, code);
        Assert.Contains("数据库未改动", error);
        Assert.Equal(before, await CountsAsync(target));

        // With --force the good file replaces it whole: the deleted check-ins are back.
        (code, _, error) = await RunAsync((o, e) => BackupCli.RestoreAsync(target, file, true, new BackupOptions(), o, e));
        Assert.True(code == 0, error);
        var checkIns = (await CountsAsync(Source))["CheckIns"];
        Assert.Equal(checkIns, (await CountsAsync(target))["CheckIns"]);
    }

    [Fact]
    public async Task Backup_refuses_to_overwrite_an_existing_file_without_force()
    {
        var file = await BackupAsync();
        var length = new FileInfo(file).Length;
        var (code, _, error) = await RunAsync((o, e) => BackupCli.BackupAsync(Source, file, false, new BackupOptions(), o, e));
        Assert.Equal(1, code);
        Assert.Contains("备份文件已存在", error);
        Assert.Equal(length, new FileInfo(file).Length);
        Assert.Empty(Directory.GetFiles(_folder, "*.tmp", SearchOption.AllDirectories));
    }

    /// <summary>Runs the published verb as the operator would: <c>dotnet Xieshang.Web.dll backup|restore …</c>.</summary>
    private static async Task<(int Code, string Out, string Err)> VerbAsync(BackupTarget target, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Xieshang.Web.dll"), .. args])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = AppContext.BaseDirectory,
        };
        psi.Environment["Database__Provider"] = target.IsPostgres ? "PostgreSQL" : "Sqlite";
        psi.Environment["ConnectionStrings__Default"] = target.ConnectionString;
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        psi.Environment["Bootstrap__AdminPassword"] = AppFactory.AdminPassword;
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var errors = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(3)), "the verb did not exit");
        return (p.ExitCode, await output, await errors);
    }

    [Fact]
    public async Task The_verbs_back_up_and_restore_from_the_command_line_with_exit_codes()
    {
        var file = Path.Combine(_folder, IsPostgres ? "verb.dump" : "verb.db");
        var (code, output, error) = await VerbAsync(Source, "backup", file);
        Assert.True(code == 0, output + error);
        Assert.Contains("张表", output);
        Assert.Contains("Files:Path", output);

        var fresh = await FreshAsync();
        (code, output, error) = await VerbAsync(fresh, "restore", file);
        Assert.True(code == 0, output + error);
        Assert.Equal((await CountsAsync(Source))["Members"], (await CountsAsync(fresh))["Members"]);

        (code, _, error) = await VerbAsync(fresh, "restore", file);
        Assert.Equal(1, code);
        Assert.Contains("--force", error);
        Assert.DoesNotContain("Exception", error);

        (code, _, _) = await VerbAsync(fresh, "restore");
        Assert.Equal(2, code);
    }

    /// <summary>Removes the test's folder and databases.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var c in _cleanup) await c();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
        GC.SuppressFinalize(this);
    }
}

public sealed class BackupRestoreSqliteTests(BackupSqliteFactory app) : BackupRestoreTests(app), IClassFixture<BackupSqliteFactory>;
public sealed class BackupRestorePostgresTests(BackupPostgresFactory app) : BackupRestoreTests(app), IClassFixture<BackupPostgresFactory>;

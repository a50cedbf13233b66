using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Infrastructure.Backup;

/// <summary>Settings of the <c>backup</c>/<c>restore</c> verbs. Section <c>Backup</c>.</summary>
public sealed class BackupOptions
{
    /// <summary>
    /// Folder holding <c>pg_dump</c> and <c>pg_restore</c> (e.g. <c>/usr/lib/postgresql/15/bin</c>). Empty (default): the
    /// <c>PATH</c>, then the newest <c>/usr/lib/postgresql/*/bin</c>. <c>pg_dump</c> must not be older than the server.
    /// </summary>
    public string PgBinPath { get; set; } = "";
}

/// <summary>The database a verb works on: provider and connection string (as the app resolves them).</summary>
/// <param name="IsPostgres">True for PostgreSQL, false for SQLite.</param>
/// <param name="ConnectionString">Npgsql or Microsoft.Data.Sqlite connection string.</param>
public sealed record BackupTarget(bool IsPostgres, string ConnectionString);

/// <summary>What a backup or restore did: tables and rows of the database afterwards, bytes of the file, elapsed seconds.</summary>
public sealed record BackupReport(int Tables, long Rows, long Bytes, double Seconds);

/// <summary>
/// The <c>backup</c> and <c>restore</c> verbs (README "Backup and restore"):
/// <c>dotnet run --project src/Xieshang.Web -- backup &lt;file&gt; [--force]</c> writes the whole database to one file;
/// <c>-- restore &lt;file&gt; [--force]</c> replaces the whole database with a file's content.
/// PostgreSQL: <c>pg_dump -Fc</c> / <c>pg_restore --clean --if-exists --no-owner --single-transaction</c> as child
/// processes; the connection settings go through the <c>PG*</c> environment variables, never the command line.
/// SQLite: the online backup API (<see cref="Microsoft.Data.Sqlite.SqliteConnection.BackupDatabase(Microsoft.Data.Sqlite.SqliteConnection)"/>)
/// both ways. A file's kind is recognised by its first bytes (<c>SQLite format 3\0</c>, <c>PGDMP</c>).
/// Exit codes: 0 done; 1 refused or failed (one Chinese message on standard error; the database is unchanged);
/// 2 bad command line. The upload folder (<c>Files:Path</c>) is not in the file: back it up alongside (tar/rsync).
/// </summary>
public static class BackupCli
{
    /// <summary>Usage text.</summary>
    public const string Usage =
        """
        用法 / usage:
          backup <file> [--force]    备份整个数据库到文件（PostgreSQL：pg_dump 自定义格式；SQLite：数据库文件）；--force 覆盖已有文件
          restore <file> [--force]   用备份文件整体替换数据库；目标数据库已有数据时须加 --force
        """;

    /// <summary>
    /// Runs <c>backup</c> or <c>restore</c> for the app's configured database. <paramref name="args"/> is the program's
    /// command line starting with the verb.
    /// </summary>
    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter output, TextWriter error, CancellationToken ct = default)
    {
        var force = args.Contains("--force");
        var rest = args.Skip(1).Where(a => a != "--force").ToArray();
        if (args.Length == 0 || args[0] is not ("backup" or "restore") || rest.Length != 1 || rest[0].StartsWith("--", StringComparison.Ordinal))
        {
            error.WriteLine(Usage);
            return 2;
        }
        BackupTarget target;
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            target = new BackupTarget(db.Database.IsNpgsql(), db.Database.GetConnectionString() ?? "");
        }
        var options = services.GetRequiredService<IConfiguration>().GetSection("Backup").Get<BackupOptions>() ?? new BackupOptions();
        return args[0] == "backup"
            ? await BackupAsync(target, rest[0], force, options, output, error, ct)
            : await RestoreAsync(target, rest[0], force, options, output, error, ct);
    }

    /// <summary>Writes the whole database of <paramref name="target"/> to <paramref name="file"/> (through a temporary file, renamed when whole).</summary>
    public static async Task<int> BackupAsync(BackupTarget target, string file, bool force, BackupOptions options, TextWriter output, TextWriter error, CancellationToken ct = default)
    {
        var path = Path.GetFullPath(file);
        if (File.Exists(path) && !force) return Fail(error, $"备份文件已存在：{path}。请换一个文件名，或加 --force 覆盖。");
        var dir = Path.GetDirectoryName(path)!;
        if (!Directory.Exists(dir)) return Fail(error, $"备份文件所在的文件夹不存在：{dir}。");
        var tmp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        var watch = Stopwatch.StartNew();
        try
        {
            if (target.IsPostgres)
            {
                var tools = PgTools.Find(options, out var findError);
                if (tools is null) return Fail(error, findError!);
                var versionError = await PgTools.CheckVersionAsync(tools, target.ConnectionString, ct);
                if (versionError is not null) return Fail(error, versionError);
                var (code, stderr) = await PgTools.RunAsync(tools.PgDump, ["--format=custom", "--no-owner", "--no-privileges", "--file", tmp],
                    target.ConnectionString, ct);
                if (code != 0) return Fail(error, $"pg_dump 失败（退出码 {code}），未写出备份文件。{Tail(stderr)}");
            }
            else
            {
                var source = SqliteFile(target.ConnectionString);
                if (!File.Exists(source)) return Fail(error, $"SQLite 数据库文件不存在：{source}。");
                using var src = new Microsoft.Data.Sqlite.SqliteConnection(target.ConnectionString);
                using var dst = new Microsoft.Data.Sqlite.SqliteConnection(SqliteConnectionString(tmp, readOnly: false));
                src.Open();
                dst.Open();
                src.BackupDatabase(dst);
                // One self-contained file: no -wal/-shm companions when it is copied elsewhere.
                using (var cmd = dst.CreateCommand()) { cmd.CommandText = "PRAGMA journal_mode=DELETE;"; cmd.ExecuteScalar(); }
            }
            File.Move(tmp, path, overwrite: true);
            var (tables, rows) = await DatabaseTables.CountAsync(target, ct);
            var report = new BackupReport(tables, rows, new FileInfo(path).Length, watch.Elapsed.TotalSeconds);
            output.WriteLine($"已备份{Describe(target)} 到 {path}：{Summary(report)}。");
            output.WriteLine("提示：上传文件夹（Files:Path）不在备份文件中，请用 tar 或 rsync 一并备份。");
            return 0;
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or Npgsql.NpgsqlException or IOException or UnauthorizedAccessException)
        {
            return Fail(error, $"备份失败，未写出备份文件：{e.Message}");
        }
        finally
        {
            try { if (File.Exists(tmp)) File.Delete(tmp); } catch (IOException) { }
        }
    }

    /// <summary>
    /// Replaces the whole database of <paramref name="target"/> with <paramref name="file"/>'s content. Refused (exit 1,
    /// database unchanged) when the file is missing, of the wrong kind or the other provider's, corrupt, or when the
    /// database already holds tables and <paramref name="force"/> is false.
    /// </summary>
    public static async Task<int> RestoreAsync(BackupTarget target, string file, bool force, BackupOptions options, TextWriter output, TextWriter error, CancellationToken ct = default)
    {
        var path = Path.GetFullPath(file);
        if (!File.Exists(path)) return Fail(error, $"备份文件不存在：{path}。");
        var kind = BackupFiles.KindOf(path);
        var provider = target.IsPostgres ? "PostgreSQL" : "SQLite";
        switch (kind)
        {
            case BackupFileKind.Unknown:
                return Fail(error, $"无法识别的备份文件：{path}（既不是 SQLite 数据库文件，也不是 pg_dump 自定义格式），数据库未改动。");
            case BackupFileKind.Sqlite when target.IsPostgres:
                return Fail(error, $"这是 SQLite 备份文件，而当前数据库是 PostgreSQL（Database:Provider），不能恢复，数据库未改动。");
            case BackupFileKind.PgCustom when !target.IsPostgres:
                return Fail(error, $"这是 PostgreSQL（pg_dump）备份文件，而当前数据库是 SQLite（Database:Provider），不能恢复，数据库未改动。");
        }
        var watch = Stopwatch.StartNew();
        try
        {
            PgTools? tools = null;
            if (target.IsPostgres)
            {
                tools = PgTools.Find(options, out var findError);
                if (tools is null) return Fail(error, findError!);
                // Reads the whole table of contents: a damaged or truncated header fails here, before the database is touched.
                var (listCode, listErr) = await PgTools.RunAsync(tools.PgRestore, ["--list", path], null, ct);
                if (listCode != 0) return Fail(error, $"备份文件已损坏或不完整（pg_restore 无法读取），数据库未改动。{Tail(listErr)}");
            }
            else
            {
                var check = SqliteCheck(path);
                if (check is not null) return Fail(error, $"备份文件已损坏（SQLite 完整性检查未通过：{check}），数据库未改动。");
            }

            var existing = await DatabaseTables.ListAsync(target, ct);
            if (existing.Count > 0 && !force)
                return Fail(error, $"目标{provider}数据库已有数据（{existing.Count} 张表）。恢复会整体替换它；确认无误后加 --force 再执行。数据库未改动。");

            if (target.IsPostgres)
            {
                var database = new Npgsql.NpgsqlConnectionStringBuilder(target.ConnectionString).Database ?? "";
                var (code, stderr) = await PgTools.RunAsync(tools!.PgRestore,
                    ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error", "--dbname", database, path],
                    target.ConnectionString, ct);
                Npgsql.NpgsqlConnection.ClearAllPools();
                if (code != 0) return Fail(error, $"恢复失败（pg_restore 退出码 {code}），已整体回滚，数据库未改动。{Tail(stderr)}");
            }
            else
            {
                var dest = SqliteFile(target.ConnectionString);
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(dest))!);
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                using var src = new Microsoft.Data.Sqlite.SqliteConnection(SqliteConnectionString(path, readOnly: true));
                using var dst = new Microsoft.Data.Sqlite.SqliteConnection(target.ConnectionString);
                src.Open();
                dst.Open();
                // The backup API copies every page under one lock: the target is replaced whole or not at all.
                src.BackupDatabase(dst);
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            }
            var (tables, rows) = await DatabaseTables.CountAsync(target, ct);
            var report = new BackupReport(tables, rows, new FileInfo(path).Length, watch.Elapsed.TotalSeconds);
            output.WriteLine($"已从 {path} 恢复{Describe(target)}：{Summary(report)}。");
            output.WriteLine("提示：若备份来自较早的版本，请再执行 migrate；上传文件夹（Files:Path）请从与备份同时的副本还原。");
            return 0;
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or Npgsql.NpgsqlException or IOException or UnauthorizedAccessException)
        {
            return Fail(error, $"恢复失败，数据库未改动：{e.Message}");
        }
    }

    /// <summary>The SQLite file of a connection string (relative paths as given, i.e. against the working folder).</summary>
    internal static string SqliteFile(string connectionString) =>
        new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString).DataSource;

    private static string SqliteConnectionString(string file, bool readOnly) => new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder
    {
        DataSource = file,
        Mode = readOnly ? Microsoft.Data.Sqlite.SqliteOpenMode.ReadOnly : Microsoft.Data.Sqlite.SqliteOpenMode.ReadWriteCreate,
        Pooling = false,
    }.ToString();

    /// <summary>Null when the SQLite file passes <c>PRAGMA quick_check</c> and holds Xieshang's migrations table; otherwise what is wrong.</summary>
    private static string? SqliteCheck(string file)
    {
        try
        {
            using var c = new Microsoft.Data.Sqlite.SqliteConnection(SqliteConnectionString(file, readOnly: true));
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "PRAGMA quick_check;";
            var result = cmd.ExecuteScalar() as string;
            if (result != "ok") return result ?? "无结果";
            cmd.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '__EFMigrationsHistory';";
            return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture) == 1 ? null : "不是 Xieshang 的数据库（没有迁移记录表）";
        }
        catch (Microsoft.Data.Sqlite.SqliteException e)
        {
            return e.Message;
        }
    }

    private static string Describe(BackupTarget t) => t.IsPostgres
        ? $" PostgreSQL 数据库 {new Npgsql.NpgsqlConnectionStringBuilder(t.ConnectionString).Database}"
        : $" SQLite 数据库 {Path.GetFullPath(SqliteFile(t.ConnectionString))}";

    private static string Summary(BackupReport r) => string.Create(CultureInfo.InvariantCulture,
        $"{r.Tables} 张表，{r.Rows:N0} 行，文件 {r.Bytes:N0} 字节，用时 {r.Seconds:0.0} 秒");

    private static string Tail(string stderr)
    {
        var s = stderr.Trim();
        if (s.Length == 0) return "";
        return "\n" + (s.Length > 2000 ? s[^2000..] : s);
    }

    private static int Fail(TextWriter error, string message)
    {
        error.WriteLine(message);
        return 1;
    }
}

/// <summary>What a backup file is, from its first bytes.</summary>
public enum BackupFileKind
{
    /// <summary>Neither of the kinds below (or shorter than their headers).</summary>
    Unknown,
    /// <summary>A SQLite database file: starts with <c>SQLite format 3\0</c>.</summary>
    Sqlite,
    /// <summary>A pg_dump custom-format archive: starts with <c>PGDMP</c>.</summary>
    PgCustom,
}

/// <summary>Recognises backup files by their magic bytes.</summary>
public static class BackupFiles
{
    private static ReadOnlySpan<byte> SqliteMagic => "SQLite format 3\0"u8;
    private static ReadOnlySpan<byte> PgMagic => "PGDMP"u8;

    /// <summary>The kind of the file at <paramref name="path"/> (which must exist).</summary>
    public static BackupFileKind KindOf(string path)
    {
        Span<byte> head = stackalloc byte[16];
        using var f = File.OpenRead(path);
        var n = f.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return KindOf(head[..n]);
    }

    /// <summary>The kind of a file from its first 16 bytes.</summary>
    public static BackupFileKind KindOf(ReadOnlySpan<byte> head) =>
        head.StartsWith(SqliteMagic) ? BackupFileKind.Sqlite
        : head.StartsWith(PgMagic) ? BackupFileKind.PgCustom
        : BackupFileKind.Unknown;
}

/// <summary>Tables and row counts of a database, read with plain SQL (every table, including Identity and migrations).</summary>
public static class DatabaseTables
{
    /// <summary>Names of the tables (PostgreSQL: schema <c>public</c>; SQLite: all but <c>sqlite_*</c>), sorted ordinally.</summary>
    public static async Task<List<string>> ListAsync(BackupTarget target, CancellationToken ct = default)
    {
        await using var c = Open(target);
        await c.OpenAsync(ct);
        return await ListAsync(c, target.IsPostgres, ct);
    }

    /// <summary>Table names over an open connection.</summary>
    public static async Task<List<string>> ListAsync(System.Data.Common.DbConnection c, bool isPostgres, CancellationToken ct = default)
    {
        await using var cmd = c.CreateCommand();
        cmd.CommandText = isPostgres
            ? "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
            : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'";
        var names = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) names.Add(r.GetString(0));
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    /// <summary>Row count of every table (exact <c>count(*)</c>).</summary>
    public static async Task<SortedDictionary<string, long>> RowCountsAsync(System.Data.Common.DbConnection c, bool isPostgres, CancellationToken ct = default)
    {
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var t in await ListAsync(c, isPostgres, ct))
        {
            await using var cmd = c.CreateCommand();
            cmd.CommandText = $"SELECT count(*) FROM \"{t.Replace("\"", "\"\"")}\"";
            counts[t] = Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        }
        return counts;
    }

    /// <summary>Number of tables and total rows of the target database.</summary>
    public static async Task<(int Tables, long Rows)> CountAsync(BackupTarget target, CancellationToken ct = default)
    {
        await using var c = Open(target);
        await c.OpenAsync(ct);
        var counts = await RowCountsAsync(c, target.IsPostgres, ct);
        return (counts.Count, counts.Values.Sum());
    }

    /// <summary>A new (closed) connection to the target.</summary>
    public static System.Data.Common.DbConnection Open(BackupTarget target) => target.IsPostgres
        ? new Npgsql.NpgsqlConnection(target.ConnectionString)
        : new Microsoft.Data.Sqlite.SqliteConnection(target.ConnectionString);
}

/// <summary>Locating and running <c>pg_dump</c>/<c>pg_restore</c> with the connection in <c>PG*</c> environment variables.</summary>
internal sealed record PgTools(string PgDump, string PgRestore)
{
    /// <summary><c>Backup:PgBinPath</c>, else the PATH, else the newest <c>/usr/lib/postgresql/*/bin</c>; null (and a Chinese message) when none has both tools.</summary>
    public static PgTools? Find(BackupOptions options, out string? error)
    {
        error = null;
        if (options.PgBinPath is { Length: > 0 } bin)
        {
            var t = In(bin);
            if (t is null) error = $"Backup:PgBinPath（{bin}）下没有 pg_dump 和 pg_restore。";
            return t;
        }
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            if (In(dir) is { } t) return t;
        var newest = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => (Dir: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out var v) ? v : -1))
                .Where(x => x.Version >= 0).OrderByDescending(x => x.Version).Select(x => In(x.Dir)).FirstOrDefault(t => t is not null)
            : null;
        if (newest is null) error = "找不到 pg_dump 和 pg_restore：请安装 postgresql-client（与服务器同一大版本或更新），或在 Backup:PgBinPath 中指定其所在文件夹。";
        return newest;
    }

    private static PgTools? In(string dir)
    {
        var dump = Path.Combine(dir, "pg_dump");
        var restore = Path.Combine(dir, "pg_restore");
        return File.Exists(dump) && File.Exists(restore) ? new PgTools(dump, restore) : null;
    }

    /// <summary>Null when pg_dump's major version is at least the server's; otherwise a Chinese message.</summary>
    public static async Task<string?> CheckVersionAsync(PgTools tools, string connectionString, CancellationToken ct)
    {
        var (code, text) = await RunAsync(tools.PgDump, ["--version"], null, ct, stdout: true);
        var m = System.Text.RegularExpressions.Regex.Match(text, @"\(PostgreSQL\) (\d+)");
        if (code != 0 || !m.Success) return $"无法运行 {tools.PgDump} --version：{text.Trim()}";
        var dumpMajor = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        await using var c = new Npgsql.NpgsqlConnection(connectionString);
        await c.OpenAsync(ct);
        await using var cmd = new Npgsql.NpgsqlCommand("SHOW server_version_num", c);
        var serverMajor = int.Parse((string)(await cmd.ExecuteScalarAsync(ct))!, CultureInfo.InvariantCulture) / 10000;
        return dumpMajor >= serverMajor ? null
            : $"pg_dump 版本（{dumpMajor}）低于 PostgreSQL 服务器（{serverMajor}）：请安装 postgresql-client-{serverMajor} 或更新版本，或设置 Backup:PgBinPath。";
    }

    /// <summary>
    /// The <c>PG*</c> environment variables for a connection string: <c>PGHOST</c>, <c>PGPORT</c>, <c>PGUSER</c>,
    /// <c>PGPASSWORD</c>, <c>PGDATABASE</c>, <c>PGSSLMODE</c>, <c>PGPASSFILE</c> (those with a value).
    /// </summary>
    internal static Dictionary<string, string> EnvironmentFor(string connectionString)
    {
        var b = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        if (b.Host is { Length: > 0 } host) env["PGHOST"] = host;
        env["PGPORT"] = b.Port.ToString(CultureInfo.InvariantCulture);
        if (b.Username is { Length: > 0 } user) env["PGUSER"] = user;
        if (b.Password is { Length: > 0 } password) env["PGPASSWORD"] = password;
        if (b.Database is { Length: > 0 } database) env["PGDATABASE"] = database;
        if (b.Passfile is { Length: > 0 } passfile) env["PGPASSFILE"] = passfile;
        env["PGSSLMODE"] = b.SslMode switch
        {
            Npgsql.SslMode.Disable => "disable",
            Npgsql.SslMode.Allow => "allow",
            Npgsql.SslMode.Require => "require",
            Npgsql.SslMode.VerifyCA => "verify-ca",
            Npgsql.SslMode.VerifyFull => "verify-full",
            _ => "prefer",
        };
        return env;
    }

    /// <summary>
    /// Runs a tool; returns its exit code and standard error (or standard output when <paramref name="stdout"/>).
    /// With a <paramref name="connectionString"/>, the connection goes into the child's environment
    /// (<see cref="EnvironmentFor"/>), never its arguments; any such variables of this process are removed first.
    /// </summary>
    public static async Task<(int Code, string Text)> RunAsync(string tool, IEnumerable<string> args, string? connectionString, CancellationToken ct, bool stdout = false)
    {
        var psi = new ProcessStartInfo(tool, args) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var v in new[] { "PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE", "PGSSLMODE", "PGSERVICE", "PGPASSFILE" })
            psi.Environment.Remove(v);
        if (connectionString is not null)
            foreach (var (k, v) in EnvironmentFor(connectionString)) psi.Environment[k] = v;
        using var p = Process.Start(psi) ?? throw new IOException($"cannot start {tool}");
        var outTask = p.StandardOutput.ReadToEndAsync(ct);
        var errTask = p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        var (o, e) = (await outTask, await errTask);
        return (p.ExitCode, stdout ? o + e : e);
    }
}

using System.Diagnostics;
using Xieshang.Tests.Support;

namespace Xieshang.Tests.Infrastructure;

/// <summary>
/// A bad setting stops the app — the web host and the CLI verbs alike — with one line on standard error and exit code 1,
/// before it touches the database: no stack trace, no half-started instance.
/// </summary>
public sealed class StartupSettingsTests
{
    public static TheoryData<string, string, string, string> BadSettings => new()
    {
        // An option out of its validated range (《网络安全法》第二十一条: logs kept at least six months).
        { "", "Retention__AuditLogDays", "30", "Retention:AuditLogDays 不得少于 180 天" },
        { "migrate", "Retention__AuditLogDays", "30", "Retention:AuditLogDays 不得少于 180 天" },
        // A value the configuration binder cannot convert.
        { "", "Security__TokenMinutes", "abc", "'Security:TokenMinutes'" },
        { "backup", "Security__TokenMinutes", "abc", "'Security:TokenMinutes'" },
        // A checked configuration problem.
        { "", "Database__Provider", "Postgres", "Database:Provider" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task A_bad_setting_stops_start_up_with_one_line_and_exit_code_1(string verb, string key, string value, string words)
    {
        var folder = Directory.CreateTempSubdirectory("xs-settings-");
        try
        {
            var db = Path.Combine(folder.FullName, "x.db");
            string[] args = verb switch
            {
                "" => [Path.Combine(AppContext.BaseDirectory, "Xieshang.Web.dll"), "--urls", "http://127.0.0.1:0"],
                "backup" => [Path.Combine(AppContext.BaseDirectory, "Xieshang.Web.dll"), "backup", Path.Combine(folder.FullName, "b.db")],
                _ => [Path.Combine(AppContext.BaseDirectory, "Xieshang.Web.dll"), verb],
            };
            var psi = new ProcessStartInfo("dotnet", args)
            {
                RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = AppContext.BaseDirectory,
            };
            psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            psi.Environment["ConnectionStrings__Default"] = $"Data Source={db}";
            psi.Environment["Bootstrap__AdminPassword"] = AppFactory.AdminPassword;
            psi.Environment[key] = value;
            using var p = Process.Start(psi)!;
            var output = p.StandardOutput.ReadToEndAsync();
            var errors = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(TimeSpan.FromMinutes(2)))
            {
                p.Kill(entireProcessTree: true);
                Assert.Fail($"{key}={value}: the app did not stop");
            }
            var err = await errors;
            Assert.True(p.ExitCode == 1, $"{key}={value} {verb}: exit {p.ExitCode}\n{await output}\n{err}");
            var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Single(lines);
            Assert.StartsWith("Xieshang cannot start: ", lines[0]);
            Assert.Contains(words, lines[0]);
            Assert.DoesNotContain("Unhandled exception", err);
            Assert.DoesNotContain("Now listening", await output);
            Assert.False(File.Exists(db) && new FileInfo(db).Length > 0, "the database was touched");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}

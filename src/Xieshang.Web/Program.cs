using Xieshang.Web.Components;
using Xieshang.Web.Features.Account;
using Xieshang.Web.Features.Activities;
using Xieshang.Web.Features.Balance;
using Xieshang.Web.Features.Calendar;
using Xieshang.Web.Features.Committees;
using Xieshang.Web.Features.Consultations;
using Xieshang.Web.Features.Deliberations;
using Xieshang.Web.Features.Duty;
using Xieshang.Web.Features.Inbox;
using Xieshang.Web.Features.Members;
using Xieshang.Web.Features.Opinions;
using Xieshang.Web.Features.Outcomes;
using Xieshang.Web.Features.Proposals;
using Xieshang.Web.Features.Studios;
using Xieshang.Web.Features.Research;
using Xieshang.Web.Infrastructure;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;
using Xieshang.Web.Infrastructure.Files;
using Xieshang.Web.Infrastructure.Notifications;
using Xieshang.Web.Infrastructure.Telemetry;

var builder = WebApplication.CreateBuilder(args);
WebApplication app;
try
{
    builder.AddAppWeb(args);
    builder.AddAppTelemetry();
    builder.AddAppDatabase();
    builder.AddAppAuth();
    builder.AddAppPages();
    builder.AddRoster();
    builder.AddBalance();
    builder.AddDuty();
    builder.AddCheckIn();
    builder.AddNotifications();
    builder.AddProposalDeadlines();
    builder.AddProposalSearch();
    builder.AddDeliberations();
    builder.AddOutcomes();
    builder.AddStudios();
    builder.AddFileStore();
    Xieshang.Web.Infrastructure.Retention.RetentionSweeps.AddRetention(builder);
    app = builder.Build();
    // Options validated on start (ranges, required keys) are checked before anything touches the database, for the web
    // host and the CLI verbs alike (the verbs never start the host). Under WebApplicationFactory the host's own start
    // validates them and the exception reaches the test.
    if (!InTestHost(app)) app.Services.GetRequiredService<Microsoft.Extensions.Options.IStartupValidator>().Validate();

    // CLI verb: `dotnet run --project src/Xieshang.Web -- migrate` applies migrations and reference data, then exits.
    if (args.Contains("migrate"))
    {
        await DatabaseInitializer.InitializeAsync(app.Services, migrate: true);
        return 0;
    }

    // CLI verbs: `-- consensus analyze <folder> …` / `-- consensus import <folder> --consultation <id>` (Features/Deliberations/ConsensusCli.cs), then exit.
    if (args is ["consensus", ..])
        return await ConsensusCli.RunAsync(app.Services, args, Console.Out, Console.Error);

    // CLI verb: `-- reset-admin` sets admin's password to Bootstrap:AdminPassword (or a generated one) and unlocks it (Infrastructure/Auth/AdminPasswordCli.cs).
    if (args is ["reset-admin", ..])
        return await AdminPasswordCli.RunAsync(app.Services, Console.Out, Console.Error);

    // CLI verbs: `-- backup <file> [--force]` / `-- restore <file> [--force]` (Infrastructure/Backup/BackupCli.cs), then exit.
    if (args is ["backup" or "restore", ..])
        return await Xieshang.Web.Infrastructure.Backup.BackupCli.RunAsync(app.Services, args, Console.Out, Console.Error);
}
catch (Exception e) when (IsSettingsProblem(e))
{
    return CannotStart(e);
}

app.UseAppWeb();
app.MapAuthApi();
app.MapAccountEndpoints();
app.MapMemberImportPage();
app.MapCommitteesApi();
app.MapMembersApi();
app.MapPersonalDataApi();
app.MapRosterApi();
app.MapBalanceApi();
app.MapDutyApi();
app.MapDutyPageEndpoints();
app.MapCheckInApi();
app.MapCalendar();
app.MapInbox();
app.MapActivitiesApi();
app.MapOpinionsApi();
app.MapWorkCalendarApi();
app.MapProposalSearchApi();
app.MapProposalsApi();
app.MapProposalStatsApi();
app.MapDeliberations();
app.MapConsultationsApi();
app.MapStudiosApi();
app.MapResearchApi();
app.MapOutcomesApi();
Xieshang.Web.Features.Study.CourseApi.MapStudy(app);
Xieshang.Web.Features.Lectures.LecturesApi.MapLecturesApi(app);
Xieshang.Web.Features.Reading.ReadingApi.MapReadingApi(app);
Xieshang.Web.Features.Research.JointResearchApi.MapJointResearchApi(app);
Xieshang.Web.Features.Research.TopicApi.MapTopicApi(app);

app.MapRazorComponents<App>();

try
{
    await DatabaseInitializer.InitializeAsync(app.Services, migrate: app.Configuration.GetValue("Database:MigrateOnStartup", true));
}
catch (Exception e) when (e is ConfigurationProblemException || (IsSettingsProblem(e) && !InTestHost(app)))
{
    return CannotStart(e);
}
try
{
    await app.RunAsync();
}
catch (Exception e) when (IsSettingsProblem(e) && !InTestHost(app))
{
    return CannotStart(e);
}
return 0;

// A settings problem stops start-up with one line on standard error and exit code 1, never a stack trace: a checked
// configuration problem, an option out of its range (validated on start, e.g. Retention:AuditLogDays below 180), or a
// value the configuration binder cannot convert (Security:TokenMinutes=abc).
static bool IsSettingsProblem(Exception e) => e is ConfigurationProblemException or Microsoft.Extensions.Options.OptionsValidationException
    || (e is InvalidOperationException && e.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal));

// True under WebApplicationFactory (the tests' in-memory server), where a start-up failure must stay an exception.
static bool InTestHost(WebApplication app) =>
    app.Services.GetService<Microsoft.AspNetCore.Hosting.Server.IServer>()?.GetType().FullName == "Microsoft.AspNetCore.TestHost.TestServer";

static int CannotStart(Exception e)
{
    var message = e is Microsoft.Extensions.Options.OptionsValidationException v ? string.Join(" ", v.Failures) : e.Message;
    Console.Error.WriteLine($"Xieshang cannot start: {message}");
    return 1;
}

/// <summary>Entry point; public for <c>WebApplicationFactory&lt;Program&gt;</c> in the tests.</summary>
public partial class Program;

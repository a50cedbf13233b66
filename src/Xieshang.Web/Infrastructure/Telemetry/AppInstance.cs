namespace Xieshang.Web.Infrastructure.Telemetry;

/// <summary>
/// The name of this running instance in request logs and telemetry (<c>service.instance.id</c>):
/// <c>App:InstanceId</c> when set (the systemd unit sets the port, e.g. <c>5001</c>), otherwise
/// <c>{machine name}:{process id}</c>.
/// </summary>
public sealed class AppInstance(IConfiguration configuration)
{
    /// <summary>The instance id, never empty.</summary>
    public string Id { get; } = Resolve(configuration);

    /// <summary>The id <see cref="AppInstance"/> uses for <paramref name="configuration"/>.</summary>
    public static string Resolve(IConfiguration configuration) =>
        configuration["App:InstanceId"] is { Length: > 0 } id ? id : $"{Environment.MachineName}:{Environment.ProcessId}";
}

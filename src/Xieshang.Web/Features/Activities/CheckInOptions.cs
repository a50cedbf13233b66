using System.ComponentModel.DataAnnotations;

namespace Xieshang.Web.Features.Activities;

/// <summary>
/// Check-in settings that <see cref="ActivityOptions"/> does not hold, bound from the same <c>Activities</c>
/// section (so all activity settings live under one key) and validated on start by <see cref="CheckInSetup.AddCheckIn"/>.
/// The token rotation and grace period are <see cref="ActivityOptions.CheckInRotationSeconds"/> and
/// <see cref="ActivityOptions.CheckInGraceSeconds"/>.
/// </summary>
public sealed class CheckInOptions
{
    /// <summary>Minutes before the start from which members can check in (default 120: members arrive early for a plenary session).</summary>
    [Range(0, 24 * 60)]
    public int CheckInOpensMinutesBefore { get; set; } = 120;
}

/// <summary>Registration of the check-in slice: options and <see cref="CheckInService"/>.</summary>
public static class CheckInSetup
{
    /// <summary>Binds <see cref="CheckInOptions"/> (validated on start) and registers <see cref="CheckInService"/>.</summary>
    public static IHostApplicationBuilder AddCheckIn(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<CheckInOptions>().BindConfiguration(ActivityOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped<CheckInService>();
        return builder;
    }
}

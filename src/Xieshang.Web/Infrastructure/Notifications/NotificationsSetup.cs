using Microsoft.Extensions.Options;
using Xieshang.Web.Features.Activities;

namespace Xieshang.Web.Infrastructure.Notifications;

/// <summary>Registers mail (options, <see cref="MailMode"/>, <see cref="MailSender"/>), the notification jobs and <see cref="ActivityOptions"/>.</summary>
public static class NotificationsSetup
{
    /// <summary>
    /// Binds and validates (on start) <c>Smtp</c>, <c>App</c>, <c>Notifications</c> and <c>Activities</c>, and adds the
    /// outbox sender and the background jobs.
    /// </summary>
    public static IHostApplicationBuilder AddNotifications(this IHostApplicationBuilder builder)
    {
        var s = builder.Services;
        s.AddOptions<SmtpOptions>().BindConfiguration(SmtpOptions.Section).ValidateOnStart();
        s.AddSingleton<IValidateOptions<SmtpOptions>, SmtpOptionsValidator>();
        s.AddOptions<PublicUrlOptions>().BindConfiguration(PublicUrlOptions.Section).ValidateOnStart();
        s.AddSingleton<IValidateOptions<PublicUrlOptions>, PublicUrlOptionsValidator>();
        s.AddOptions<NotificationJobOptions>().BindConfiguration(NotificationJobOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        s.AddOptions<ActivityOptions>().BindConfiguration(ActivityOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        s.AddSingleton<MailMode>();
        s.AddSingleton<MailSender>();
        s.AddHostedService<NotificationJobs>();
        return builder;
    }
}

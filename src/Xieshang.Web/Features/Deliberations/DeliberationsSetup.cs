namespace Xieshang.Web.Features.Deliberations;

/// <summary>Registers online deliberation: <see cref="DeliberationOptions"/> and the opinion-map job.</summary>
public static class DeliberationsSetup
{
    /// <summary><c>builder.AddDeliberations()</c>: options (section <c>Deliberations</c>, validated on start) and <see cref="DeliberationMapJob"/>.</summary>
    public static WebApplicationBuilder AddDeliberations(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<DeliberationOptions>().BindConfiguration(DeliberationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHostedService<DeliberationMapJob>();
        return builder;
    }

    /// <summary><c>app.MapDeliberations()</c>: the API and the pages' form posts.</summary>
    public static IEndpointRouteBuilder MapDeliberations(this IEndpointRouteBuilder app)
    {
        app.MapDeliberationsApi();
        app.MapDeliberationPageEndpoints();
        return app;
    }
}

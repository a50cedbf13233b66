using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Xieshang.Web.Infrastructure.Telemetry;

/// <summary>
/// OpenTelemetry traces and metrics, exported over OTLP only when an endpoint is configured; otherwise nothing is
/// registered (no tracer or meter provider, no cost). Configuration:
/// <list type="bullet">
/// <item><c>OpenTelemetry:OtlpEndpoint</c> — the collector's base address, e.g. <c>http://otel:4318</c>; traces go to
/// <c>/v1/traces</c> and metrics to <c>/v1/metrics</c> under it (http/protobuf), or to the address itself (grpc).</item>
/// <item><c>OpenTelemetry:Protocol</c> — <c>http/protobuf</c> (default) or <c>grpc</c>.</item>
/// <item>or the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> / <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> environment variables,
/// read by the exporter as the OpenTelemetry specification says.</item>
/// </list>
/// Resource: <c>service.name</c> = <c>xieshang</c>, <c>service.instance.id</c> = <see cref="AppInstance"/>.
/// Traces: incoming requests (span name and <c>http.route</c> carry the route pattern; the raw path and query are
/// removed, since paths can carry a calendar feed's secret token), outgoing HTTP calls, and Npgsql's commands
/// (ActivitySource <c>Npgsql</c>: the SQL text with parameters as placeholders, never their values).
/// Metrics: ASP.NET Core and Kestrel, HttpClient, the .NET runtime (GC, thread pool, memory) and Npgsql's pool.
/// </summary>
public static class TelemetrySetup
{
    /// <summary>The <c>service.name</c> of every span and metric.</summary>
    public const string ServiceName = "xieshang";

    public static IHostApplicationBuilder AddAppTelemetry(this IHostApplicationBuilder builder)
    {
        var config = builder.Configuration;
        builder.Services.AddSingleton<AppInstance>();
        var endpoint = config["OpenTelemetry:OtlpEndpoint"];
        var standard = config["OTEL_EXPORTER_OTLP_ENDPOINT"];
        if (string.IsNullOrWhiteSpace(endpoint) && string.IsNullOrWhiteSpace(standard)) return builder;

        var grpc = string.Equals(config["OpenTelemetry:Protocol"], "grpc", StringComparison.OrdinalIgnoreCase);
        Uri? baseUri = null;
        endpoint = endpoint?.Trim().TrimEnd('/');
        if (!string.IsNullOrWhiteSpace(endpoint) && !Uri.TryCreate(endpoint, UriKind.Absolute, out baseUri))
            throw new Data.ConfigurationProblemException($"OpenTelemetry:OtlpEndpoint \"{endpoint}\" is not an absolute URL such as http://otel:4318.");

        // Our own key: the address is the collector's base; with http/protobuf the exporter wants each signal's full URL.
        void Configure(OtlpExporterOptions o, string signalPath)
        {
            if (baseUri is null) return; // standard OTEL_EXPORTER_OTLP_* variables, applied by the exporter itself
            o.Protocol = grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
            o.Endpoint = grpc ? baseUri : new Uri(endpoint + signalPath); // endpoint without its trailing "/"
        }

        var instance = AppInstance.Resolve(config);
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(ServiceName, serviceInstanceId: instance, autoGenerateServiceInstanceId: false))
            .WithTracing(t => t
                .AddAspNetCoreInstrumentation(o =>
                {
                    // Health probes would be most of the spans and say nothing.
                    o.Filter = ctx => !ctx.Request.Path.StartsWithSegments("/health");
                    o.EnrichWithHttpResponse = (activity, _) =>
                    {
                        activity.SetTag("url.path", null);
                        activity.SetTag("url.query", null);
                    };
                })
                .AddHttpClientInstrumentation()
                .AddSource("Npgsql")
                .AddOtlpExporter(o => Configure(o, "/v1/traces")))
            .WithMetrics(m => m
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("Npgsql")
                .AddOtlpExporter(o => Configure(o, "/v1/metrics")));
        builder.Services.AddHostedService<FlushOnStop>();
        return builder;
    }

    /// <summary>
    /// Exports what is still buffered (spans are batched for up to 5 s, metrics collected every 60 s) when the host
    /// stops, while every service the exporter uses is still alive — a restart or SIGTERM loses no telemetry.
    /// </summary>
    private sealed class FlushOnStop(TracerProvider tracer, MeterProvider meter) : IHostedService
    {
        public Task StartAsync(CancellationToken ct) => Task.CompletedTask;

        public Task StopAsync(CancellationToken ct)
        {
            tracer.ForceFlush(5000);
            meter.ForceFlush(5000);
            return Task.CompletedTask;
        }
    }
}

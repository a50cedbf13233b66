using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Infrastructure.Http;

/// <summary>
/// Trust in a reverse proxy's <c>X-Forwarded-For</c> / <c>X-Forwarded-Proto</c> headers, bound from the
/// <c>ReverseProxy</c> section. Only a request whose TCP peer is a listed proxy has its client address and scheme
/// replaced; from anyone else the headers are ignored, so a client cannot pick the address the login rate limit
/// counts, nor make a plain-HTTP request look like HTTPS. Empty settings trust nobody (the framework's default
/// trust of loopback is cleared).
/// </summary>
public static class ReverseProxy
{
    /// <summary>
    /// Reads <c>ReverseProxy:KnownProxies</c> (comma-separated IP addresses, e.g. <c>127.0.0.1,::1</c>) and
    /// <c>ReverseProxy:KnownNetworks</c> (comma-separated CIDR ranges, e.g. <c>10.0.0.0/24</c>) into the forwarded
    /// headers options. Throws <see cref="ConfigurationProblemException"/> (start-up stops with its message) for an
    /// entry that is not an address or a range.
    /// </summary>
    public static IHostApplicationBuilder AddAppReverseProxy(this IHostApplicationBuilder builder)
    {
        var proxies = Split(builder.Configuration["ReverseProxy:KnownProxies"])
            .Select(p => IPAddress.TryParse(p, out var ip) ? ip
                : throw new ConfigurationProblemException($"ReverseProxy:KnownProxies: \"{p}\" is not an IP address."))
            .ToList();
        var networks = Split(builder.Configuration["ReverseProxy:KnownNetworks"])
            .Select(n => System.Net.IPNetwork.TryParse(n, out var net) ? net
                : throw new ConfigurationProblemException($"ReverseProxy:KnownNetworks: \"{n}\" is not a CIDR range such as 10.0.0.0/24."))
            .ToList();
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            // Host is not taken from the proxy: nginx passes the original Host header itself (proxy_set_header Host).
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // One proxy in front: only its own entry (the last one) is believed; anything the client wrote earlier
            // in the list stays in X-Forwarded-For and is ignored.
            o.ForwardLimit = 1;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var ip in proxies)
            {
                o.KnownProxies.Add(ip);
                // Kestrel reports an IPv4 peer on a dual-stack socket as ::ffff:a.b.c.d; trust that spelling too.
                if (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork) o.KnownProxies.Add(ip.MapToIPv6());
            }
            foreach (var n in networks) o.KnownIPNetworks.Add(n);
        });
        return builder;
    }

    private static IEnumerable<string> Split(string? value) =>
        (value ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

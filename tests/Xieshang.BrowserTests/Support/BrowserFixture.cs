using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Xieshang.Tests.Support;

namespace Xieshang.BrowserTests.Support;

/// <summary>One app and one browser for all browser tests (they run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}

/// <summary>
/// The real app on Kestrel (a free loopback port, a fresh SQLite database with the demo) and the distribution's
/// Chromium driven by Playwright. Playwright cannot download its own browser on the test machines, so the
/// executable comes from <c>XIESHANG_CHROMIUM</c> (set by test.sh) or <c>/usr/bin/chromium</c>.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>Phone and desktop viewports of the screenshots.</summary>
    public static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };
    public static readonly ViewportSize Desktop = new() { Width = 1366, Height = 900 };

    private readonly KestrelApp _app = new();
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;
    /// <summary>The app's clock: real time plus an offset a flow may move forward (e.g. to the start of an activity).</summary>
    public ShiftedClock Clock => _app.Clock;

    /// <summary>Runs <paramref name="work"/> with a scoped database context of the app.</summary>
    public Task<T> WithDbAsync<T>(Func<Xieshang.Web.Infrastructure.Data.AppDbContext, Task<T>> work) => _app.WithDbAsync(work);
    /// <summary>Address of the running app, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string BaseUrl { get; private set; } = "";
    /// <summary><c>artifacts/screenshots/</c> under the repository root (git-ignored).</summary>
    public string ScreenshotDir { get; } = Path.Combine(RepoRoot(), "artifacts", "screenshots");

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(ScreenshotDir);
        await _app.InitializeAsync();
        BaseUrl = _app.Address;
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Environment.GetEnvironmentVariable("XIESHANG_CHROMIUM") is { Length: > 0 } exe ? exe : "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        });
    }

    /// <summary>
    /// A fresh browser context (own cookies) with the given viewport, optionally carrying another context's cookies.
    /// Every console message about the Content-Security-Policy (a refused inline script or handler, a refused
    /// source) is recorded and fails the running test (<see cref="CspViolations"/>).
    /// </summary>
    public async Task<IBrowserContext> NewContextAsync(ViewportSize viewport, string? storageState = null)
    {
        var context = await Browser.NewContextAsync(new()
        {
            BaseURL = BaseUrl,
            ViewportSize = viewport,
            IsMobile = viewport.Width < 600,
            HasTouch = viewport.Width < 600,
            DeviceScaleFactor = 1,
            Locale = "zh-CN",
            TimezoneId = "Asia/Shanghai",
            StorageState = storageState,
        });
        context.Console += (_, message) => CspViolations.Record(message.Text, message.Location);
        return context;
    }

    /// <summary>Saves a full-page screenshot as <c>{name}-{phone|desktop}.png</c>.</summary>
    public Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDir, $"{name}-{(page.ViewportSize!.Width < 600 ? "phone" : "desktop")}.png"), FullPage = true });

    /// <summary>Opens <paramref name="url"/>, saves its screenshot as <paramref name="name"/> and checks that it fits the screen's width.</summary>
    public async Task ScreenshotAtAsync(IPage page, string url, string name)
    {
        await page.GotoAsync(url);
        await ScreenshotAsync(page, name);
        await AssertNoHorizontalOverflowAsync(page);
    }

    /// <summary>Nothing but scrollable tables may be wider than the screen.</summary>
    public static async Task AssertNoHorizontalOverflowAsync(IPage page)
    {
        var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
        var (scroll, client) = (widths[0], widths[1]);
        Assert.True(scroll <= client, $"{page.Url}: page is {scroll}px wide on a {client}px screen");
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        await _app.DisposeAsync();
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Xieshang.slnx"))) return dir.FullName;
        throw new InvalidOperationException("Xieshang.slnx not found above " + AppContext.BaseDirectory);
    }

    /// <summary>The SQLite test app, served by Kestrel on a free port instead of the in-memory test server.</summary>
    private sealed class KestrelApp : SqliteAppFactory
    {
        public KestrelApp() => UseKestrel(0);

        public ShiftedClock Clock { get; } = new();

        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
            // Outside Development the framework's own assets (_framework/blazor.web.js) are served only from a
            // published output; tests run from the build output, so load the build's static web assets manifest.
            Microsoft.AspNetCore.Hosting.WebHostBuilderExtensions.UseStaticWebAssets(builder);
        }

        public string Address { get; private set; } = "";

        public override ValueTask InitializeAsync()
        {
            StartServer(); // migrations, reference data and the demo run here
            var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
            Address = addresses.First().Replace("[::1]", "127.0.0.1").Replace("localhost", "127.0.0.1").TrimEnd('/');
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>The system clock moved forward by <see cref="Offset"/> (zero unless a flow moves it; flows that move it put it back).</summary>
public sealed class ShiftedClock : TimeProvider
{
    /// <summary>How far ahead of real time the app lives.</summary>
    public TimeSpan Offset { get; set; }

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;
}

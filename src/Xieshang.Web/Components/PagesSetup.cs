using System.Text.Encodings.Web;
using System.Text.Unicode;
using Xieshang.Web.Features.Account;

namespace Xieshang.Web.Components;

/// <summary>Services of the pages (Blazor static server rendering).</summary>
public static class PagesSetup
{
    public static IHostApplicationBuilder AddAppPages(this IHostApplicationBuilder builder)
    {
        // Pages are mostly Chinese: write CJK text as characters, not as &#x…; entities (a third of the size, readable source).
        // Markup-significant characters are still encoded.
        builder.Services.AddSingleton(HtmlEncoder.Create(UnicodeRanges.All));
        builder.AddAccountPages();
        return builder;
    }
}

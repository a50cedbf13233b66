namespace Xieshang.Web.Features.Deliberations;

/// <summary>Marker for the deliberation pages' texts: <c>IStringLocalizer&lt;DeliberationsText&gt;</c> reads <c>Resources/Features/Deliberations/DeliberationsText*.resx</c>.</summary>
public sealed class DeliberationsText;

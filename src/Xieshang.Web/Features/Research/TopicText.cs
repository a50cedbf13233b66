namespace Xieshang.Web.Features.Research;

/// <summary>Marker for the claimed-topics pages' texts: <c>IStringLocalizer&lt;TopicText&gt;</c> reads <c>Resources/Features/Research/TopicText*.resx</c>.</summary>
public sealed class TopicText;

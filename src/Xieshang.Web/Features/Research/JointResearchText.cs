namespace Xieshang.Web.Features.Research;

/// <summary>Marker for the same-topic research pages' texts: <c>IStringLocalizer&lt;JointResearchText&gt;</c> reads <c>Resources/Features/Research/JointResearchText*.resx</c>.</summary>
public sealed class JointResearchText;

namespace Xieshang.Web.Features.Proposals;

/// <summary>Marker for the working-day calendar's texts: <c>IStringLocalizer&lt;WorkCalendarText&gt;</c> reads <c>Resources/Features/Proposals/WorkCalendarText*.resx</c>.</summary>
public sealed class WorkCalendarText;

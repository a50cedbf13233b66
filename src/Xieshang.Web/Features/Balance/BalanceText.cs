namespace Xieshang.Web.Features.Balance;

/// <summary>Marker for the balance dashboards' texts: <c>Resources/Features/Balance/BalanceText.resx</c> (zh-CN) and <c>.en.resx</c>.</summary>
public sealed class BalanceText;

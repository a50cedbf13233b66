namespace Xieshang.Web.Features.Members;

/// <summary>Marker for the personal-data card's texts: <c>IStringLocalizer&lt;PersonalDataText&gt;</c> reads <c>Resources/Features/Members/PersonalDataText*.resx</c>.</summary>
public sealed class PersonalDataText;

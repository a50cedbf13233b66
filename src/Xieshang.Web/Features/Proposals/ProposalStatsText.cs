namespace Xieshang.Web.Features.Proposals;

/// <summary>Marker for the texts of the proposal statistics, documents, public view, sessions and units pages: <c>Resources/Features/Proposals/ProposalStatsText*.resx</c>.</summary>
public sealed class ProposalStatsText;

namespace Xieshang.Web.Features.Inbox;

/// <summary>Marker type for the inbox's UI strings in <c>Resources/Features/Inbox/InboxText.resx</c> (zh-CN) and <c>InboxText.en.resx</c>.</summary>
public sealed class InboxText;

namespace Xieshang.Web;

/// <summary>Marker type for the UI strings in <c>Resources/SharedResource.resx</c> (zh-CN, the default) and <c>SharedResource.en.resx</c>.</summary>
public sealed class SharedResource;

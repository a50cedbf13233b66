using QRCoder;

namespace Xieshang.Web.Features.Activities;

/// <summary>QR codes of the check-in screen, rendered on the server (QRCoder; no script, no request outside the machine).</summary>
public static class CheckInQr
{
    /// <summary>
    /// An SVG QR code of <paramref name="text"/> as a <c>data:</c> URI for an <c>img</c>: scales to any screen without blur,
    /// about 10 KB. Error correction M (15 %) tolerates glare and moiré on a projected or photographed screen.
    /// </summary>
    public static string SvgDataUri(string text)
    {
        using var data = QRCodeGenerator.GenerateQrCode(text, QRCodeGenerator.ECCLevel.M);
        var svg = new SvgQRCode(data).GetGraphic(8, "#000000", "#ffffff", drawQuietZones: true, sizingMode: SvgQRCode.SizingMode.ViewBoxAttribute);
        return "data:image/svg+xml;base64," + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(svg));
    }
}

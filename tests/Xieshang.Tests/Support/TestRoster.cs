using System.Net.Http.Headers;
using MiniExcelLibs;

namespace Xieshang.Tests.Support;

/// <summary>
/// Builds roster workbooks (.xlsx) in memory the way committee offices fill them in: an optional title row,
/// a header row (the standard one by default, any headers on request), then rows of cells. Cells keep their
/// type: a <see cref="DateTime"/> becomes an Excel date cell, a <see cref="double"/> a numeric cell, a string a text cell.
/// </summary>
public sealed class TestRoster
{
    /// <summary>The standard header row of a roster, 序号 first.</summary>
    public static readonly string[] StandardHeaders = ["序号", "姓名", "性别", "民族", "出生年月", "党派", "界别", "职务", "届次", "工作单位及职务", "手机号码", "电子邮箱"];

    private readonly List<object?[]> _rows = [];
    private string? _title;
    private (string Name, string[] Lines)? _sheetBefore;
    private string[] _headers = StandardHeaders;

    /// <summary>Puts a title row (one cell, e.g. 六盘水市政协第九届委员名单) above the header.</summary>
    public TestRoster WithTitle(string title)
    {
        _title = title;
        return this;
    }

    /// <summary>Puts another sheet (e.g. 填写说明 with one line of text per row) in front of the roster sheet.</summary>
    public TestRoster WithSheetBefore(string name, params string[] lines)
    {
        _sheetBefore = (name, lines);
        return this;
    }

    /// <summary>Replaces the header row; <see cref="Member"/> then fills cells by these headers.</summary>
    public TestRoster WithHeaders(params string[] headers)
    {
        _headers = headers;
        return this;
    }

    /// <summary>Adds a row of raw cells in header order.</summary>
    public TestRoster Row(params object?[] cells)
    {
        _rows.Add(cells);
        return this;
    }

    /// <summary>Adds a member row with sensible defaults; each value lands under its standard header (also when headers are reordered).</summary>
    public TestRoster Member(string? name, object? birthMonth = null, string? phone = "", string? gender = "男", string? ethnicGroup = "汉族",
        string? party = "中共", string? sector = "中国共产党", string? position = "委员", string? term = "第九届", string? workUnit = "市人民医院医生", string? email = "")
    {
        var values = new Dictionary<string, object?>
        {
            ["序号"] = _rows.Count + 1, ["姓名"] = name, ["性别"] = gender, ["民族"] = ethnicGroup, ["出生年月"] = birthMonth ?? "1956.03",
            ["党派"] = party, ["界别"] = sector, ["职务"] = position, ["届次"] = term, ["工作单位及职务"] = workUnit, ["手机号码"] = phone, ["电子邮箱"] = email,
        };
        _rows.Add(_headers.Select(h => values.GetValueOrDefault(h.Replace(" ", "").Replace("\u3000", ""))).ToArray());
        return this;
    }

    /// <summary>Excel row number the next <see cref="Member"/> or <see cref="Row"/> call will land on.</summary>
    public int NextRow => _rows.Count + (_title is null ? 2 : 3);

    /// <summary>The workbook bytes.</summary>
    public byte[] ToBytes()
    {
        var width = Math.Max(_headers.Length, _rows.Count == 0 ? 0 : _rows.Max(r => r.Length));
        var sheet = new List<Dictionary<string, object?>>();
        if (_title is not null) sheet.Add(Cells([_title], width));
        sheet.Add(Cells(_headers, width));
        sheet.AddRange(_rows.Select(r => Cells(r, width)));
        using var stream = new MemoryStream();
        if (_sheetBefore is var (name, lines))
        {
            var sheets = new Dictionary<string, object> { [name] = lines.Select(l => Cells([l], 1)).ToList(), ["名单"] = sheet };
            MiniExcel.SaveAs(stream, sheets, printHeader: false);
        }
        else
        {
            MiniExcel.SaveAs(stream, sheet, printHeader: false, sheetName: "Sheet1");
        }
        return stream.ToArray();
    }

    /// <summary>The workbook as the multipart body of an upload (field <c>file</c>).</summary>
    public MultipartFormDataContent ToContent(string fileName = "名单.xlsx") => Upload(ToBytes(), fileName);

    /// <summary>Any bytes as the multipart body of an upload (field <c>file</c>).</summary>
    public static MultipartFormDataContent Upload(byte[] bytes, string fileName)
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        return new MultipartFormDataContent { { file, "file", fileName } };
    }

    private static Dictionary<string, object?> Cells(IReadOnlyList<object?> values, int width)
    {
        var row = new Dictionary<string, object?>();
        for (var i = 0; i < width; i++) row[Column(i)] = i < values.Count ? values[i] : null;
        return row;
    }

    private static string Column(int index) => index < 26 ? ((char)('A' + index)).ToString() : Column(index / 26 - 1) + (char)('A' + index % 26);
}

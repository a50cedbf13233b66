using System.Data;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;
using MiniExcelLibs.Attributes;
using MiniExcelLibs.OpenXml;
using Xieshang.Web.Features.Committees;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Web.Features.Members;

/// <summary>
/// The roster of one committee as an .xlsx workbook in the layout committee offices use and
/// <see cref="RosterImport"/> reads back: one sheet 委员名单, header row 序号 then the
/// <see cref="MemberRules.Headers"/> in <see cref="MemberField"/> order, one row per member in stroke order.
/// </summary>
public static class RosterExport
{
    /// <summary>MIME type of .xlsx workbooks.</summary>
    public const string ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>Header of the running-number column, first in an export and optional (ignored) on import.</summary>
    public const string SerialHeader = "序号";

    /// <summary>Download file name, e.g. <c>六盘水市政协委员名单.xlsx</c>.</summary>
    public static string FileName(Committee committee) => $"{committee.Name}委员名单.xlsx";

    /// <summary>
    /// Writes the roster of <paramref name="committee"/> (its own members only, not the committees below it) to
    /// <paramref name="output"/>, ordered by <see cref="Member.StrokeKey"/> then id. Inactive members are left
    /// out unless <paramref name="includeInactive"/>. Cells are text except 序号: 出生年月 as <c>1968.05</c>,
    /// 党派 as the short form (民盟), 职务 as 主席…委员, 届次 as 第九届. Unless <paramref name="viewer"/> manages
    /// the committee (<see cref="Scope.CanManage"/>), phone and e-mail are masked as in the member list and
    /// 出生年月 is left empty, as on the member detail. The caller checks that the viewer may read the committee.
    /// </summary>
    /// <returns>The number of member rows written.</returns>
    public static async Task<int> WriteAsync(AppDbContext db, Committee committee, CurrentUser viewer, bool includeInactive, Stream output, CancellationToken ct = default)
    {
        var query = db.Members.AsNoTracking().Where(m => m.CommitteeId == committee.Id);
        if (!includeInactive) query = query.Where(m => m.IsActive);
        var members = await query.OrderBy(m => m.StrokeKey).ThenBy(m => m.Id).ToListAsync(ct);
        var words = await RosterWords.LoadAsync(db, await MemberLookups.LoadAsync(db, committee.Id, ct), ct);
        var open = Scope.CanManage(viewer, committee.Path);

        var table = new DataTable("委员名单");
        table.Columns.Add(SerialHeader, typeof(int));
        foreach (var field in Enum.GetValues<MemberField>()) table.Columns.Add(MemberRules.Headers[field], typeof(string));
        var serial = 0;
        foreach (var m in members)
        {
            var cells = words.Cells(MemberValues.Of(m));
            if (!open)
            {
                cells[(int)MemberField.BirthMonth] = "";
                cells[(int)MemberField.Phone] = MemberQueries.MaskPhone(m.Phone);
                cells[(int)MemberField.Email] = MemberQueries.MaskEmail(m.Email);
            }
            table.Rows.Add([++serial, .. cells]);
        }

        var config = new OpenXmlConfiguration
        {
            DynamicColumns =
            [
                new DynamicExcelColumn(MemberRules.Headers[MemberField.Name]) { Width = 14 },
                new DynamicExcelColumn(MemberRules.Headers[MemberField.BirthMonth]) { Width = 10 },
                new DynamicExcelColumn(MemberRules.Headers[MemberField.Sector]) { Width = 24 },
                new DynamicExcelColumn(MemberRules.Headers[MemberField.WorkUnit]) { Width = 40 },
                new DynamicExcelColumn(MemberRules.Headers[MemberField.Phone]) { Width = 16 },
                new DynamicExcelColumn(MemberRules.Headers[MemberField.Email]) { Width = 28 },
            ],
        };
        await MiniExcel.SaveAsAsync(output, table, sheetName: "委员名单", excelType: ExcelType.XLSX, configuration: config, cancellationToken: ct);
        return members.Count;
    }
}

/// <summary>
/// The words a roster uses for stored values (code → 汉族, CDL → 民盟, sector id → name), for one committee:
/// the inverse of <see cref="MemberLookups"/>, shared by the export and the import preview.
/// </summary>
internal sealed class RosterWords(IReadOnlyDictionary<string, string> ethnic, IReadOnlyDictionary<string, string> parties, IReadOnlyDictionary<int, string> sectors)
{
    /// <summary>Loads the ethnic group and party names; sector names come from <paramref name="lookups"/>.</summary>
    public static async Task<RosterWords> LoadAsync(AppDbContext db, MemberLookups lookups, CancellationToken ct) =>
        new(await db.EthnicGroups.AsNoTracking().ToDictionaryAsync(e => e.Code, e => e.Name, ct),
            await MemberQueries.PartyNamesAsync(db, ct),
            lookups.SectorNames);

    /// <summary>Birth month as rosters write it: <c>1968.05</c>; empty when unknown.</summary>
    public static string BirthMonth(DateOnly? month) => month?.ToString("yyyy.MM", CultureInfo.InvariantCulture) ?? "";

    /// <summary>The cells of one member, indexed by <see cref="MemberField"/>.</summary>
    public string[] Cells(MemberValues v) =>
    [
        v.Name, MemberRules.GenderWord(v.Gender), ethnic.GetValueOrDefault(v.EthnicGroupCode, v.EthnicGroupCode), BirthMonth(v.BirthMonth),
        parties.GetValueOrDefault(v.PartyCode, v.PartyCode), sectors.GetValueOrDefault(v.SectorId, ""), MemberRules.PositionWord(v.Position),
        MemberRules.TermWord(v.Term), v.WorkUnit, v.Phone, v.Email,
    ];
}

using System.Data;
using MiniExcelLibs;
using MiniExcelLibs.Attributes;
using MiniExcelLibs.OpenXml;
using Xieshang.Web.Features.Activities;

namespace Xieshang.Web.Features.Balance;

/// <summary>
/// A <see cref="BalanceSummary"/> as an .xlsx workbook with the page's tables, Chinese headers, one sheet each:
/// 按组织 (the side-by-side rows and a 合计 row), 按界别, 约谈名单, 劝辞名单 and 活动按月 (type × month).
/// Rates are percentages with one decimal, points have two; an empty cell means "no data" (no confirmed invitation,
/// no member).
/// </summary>
public static class BalanceExport
{
    /// <summary>MIME type of .xlsx workbooks.</summary>
    public const string ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>Most members the talk and resignation sheets name (the API names <see cref="BalanceQueries.ListLimit"/>).</summary>
    public const int ListLimit = 10_000;

    /// <summary>Sheet names, in workbook order.</summary>
    public static readonly IReadOnlyList<string> Sheets = ["按组织", "按界别", "约谈名单", "劝辞名单", "活动按月"];

    /// <summary>Download file name, e.g. <c>六盘水市政协2026年履职统计.xlsx</c>.</summary>
    public static string FileName(BalanceSummary s) => $"{s.Committee.Name}{s.Year}年履职统计.xlsx";

    /// <summary>Writes the workbook of <paramref name="s"/> to <paramref name="output"/>.</summary>
    public static async Task WriteAsync(BalanceSummary s, Stream output, CancellationToken ct = default)
    {
        var set = new DataSet();
        set.Tables.Add(Committees(s));
        set.Tables.Add(Sectors(s));
        set.Tables.Add(Talk(s));
        set.Tables.Add(Resign(s));
        set.Tables.Add(Months(s));
        var config = new OpenXmlConfiguration
        {
            DynamicColumns = [new DynamicExcelColumn("组织") { Width = 22 }, new DynamicExcelColumn("界别") { Width = 26 }, new DynamicExcelColumn("所属政协") { Width = 22 }],
        };
        await MiniExcel.SaveAsAsync(output, set, excelType: ExcelType.XLSX, configuration: config, cancellationToken: ct);
    }

    private static DataTable Committees(BalanceSummary s)
    {
        var t = new DataTable(Sheets[0]);
        t.Columns.Add("组织", typeof(string));
        t.Columns.Add("范围", typeof(string));
        t.Columns.Add("委员数", typeof(int));
        t.Columns.Add("活动数", typeof(int));
        foreach (var type in ActivityTypes.All) t.Columns.Add(type.Name, typeof(int));
        AddMeasureColumns(t);
        foreach (var r in s.Committees)
            t.Rows.Add([r.Name, r.IncludesBelow ? "含下级" : "本级", r.Members, r.Activities, .. ActivityTypes.All.Select(x => (object)r.ActivitiesByType[x.Code]),
                .. Measures(r.Attended, r.Confirmed, r.AttendanceRate, r.AveragePoints, r.TalkCount, r.ResignCount)]);
        var tot = s.Totals;
        t.Rows.Add(["合计", "全部", tot.Members, tot.Activities, .. ActivityTypes.All.Select(x => (object)tot.ActivitiesByType[x.Code]),
            .. Measures(tot.Attended, tot.Confirmed, tot.AttendanceRate, tot.AveragePoints, tot.TalkCount, tot.ResignCount)]);
        return t;
    }

    private static DataTable Sectors(BalanceSummary s)
    {
        var t = new DataTable(Sheets[1]);
        t.Columns.Add("界别", typeof(string));
        t.Columns.Add("委员数", typeof(int));
        AddMeasureColumns(t);
        foreach (var r in s.Sectors)
            t.Rows.Add([r.Name, r.Members, .. Measures(r.Attended, r.Confirmed, r.AttendanceRate, r.AveragePoints, r.TalkCount, r.ResignCount)]);
        return t;
    }

    private static DataTable Talk(BalanceSummary s)
    {
        var t = new DataTable(Sheets[2]);
        t.Columns.Add("序号", typeof(int));
        t.Columns.Add("姓名", typeof(string));
        t.Columns.Add("所属政协", typeof(string));
        t.Columns.Add("年度积分", typeof(decimal));
        var i = 0;
        foreach (var m in s.Talk.Members) t.Rows.Add(++i, m.Name, m.CommitteeName, m.Points);
        if (s.Talk.Total > s.Talk.Members.Count) t.Rows.Add(DBNull.Value, $"共 {s.Talk.Total} 人，仅列出前 {s.Talk.Members.Count} 人", DBNull.Value, DBNull.Value);
        return t;
    }

    private static DataTable Resign(BalanceSummary s)
    {
        var t = new DataTable(Sheets[3]);
        t.Columns.Add("序号", typeof(int));
        t.Columns.Add("姓名", typeof(string));
        t.Columns.Add("所属政协", typeof(string));
        t.Columns.Add($"{s.Rules.ResignationYears[0]}—{s.Rules.ResignationYears[^1]}年无故缺席全会次数", typeof(int));
        var i = 0;
        foreach (var m in s.Resign.Members) t.Rows.Add(++i, m.Name, m.CommitteeName, m.Absences);
        if (s.Resign.Total > s.Resign.Members.Count) t.Rows.Add(DBNull.Value, $"共 {s.Resign.Total} 人，仅列出前 {s.Resign.Members.Count} 人", DBNull.Value, DBNull.Value);
        return t;
    }

    private static DataTable Months(BalanceSummary s)
    {
        var t = new DataTable(Sheets[4]);
        t.Columns.Add("活动类型", typeof(string));
        for (var m = 1; m <= 12; m++) t.Columns.Add($"{m}月", typeof(int));
        t.Columns.Add("合计", typeof(int));
        foreach (var type in ActivityTypes.All)
        {
            var months = s.Totals.ActivitiesByTypeAndMonth[type.Code];
            t.Rows.Add([type.Name, .. months.Select(x => (object)x), months.Sum()]);
        }
        t.Rows.Add(["合计", .. s.Totals.ActivitiesByMonth.Select(x => (object)x), s.Totals.Activities]);
        return t;
    }

    private static void AddMeasureColumns(DataTable t)
    {
        t.Columns.Add("出勤人次", typeof(int));
        t.Columns.Add("已确认人次", typeof(int));
        t.Columns.Add("出勤率（%）", typeof(double));
        t.Columns.Add("人均积分", typeof(decimal));
        t.Columns.Add("约谈人数", typeof(int));
        t.Columns.Add("劝辞人数", typeof(int));
    }

    private static object[] Measures(int attended, int confirmed, double? rate, decimal? average, int talk, int resign) =>
        [attended, confirmed, rate is { } r ? Math.Round(r * 100, 1) : DBNull.Value, average is { } a ? a : DBNull.Value, talk, resign];
}

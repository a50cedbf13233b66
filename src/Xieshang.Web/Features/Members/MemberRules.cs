using Microsoft.EntityFrameworkCore;
using Xieshang.Web.Features.Committees;
using Xieshang.Web.Infrastructure.Data;
using Xieshang.Web.Infrastructure.Text;

namespace Xieshang.Web.Features.Members;

/// <summary>
/// The fields of a member as a roster has them. The roster header of each field is
/// <see cref="MemberRules.Headers"/>; the API uses the camel-case field name.
/// </summary>
public enum MemberField { Name, Gender, EthnicGroup, BirthMonth, Party, Sector, Position, Term, WorkUnit, Phone, Email }

/// <summary>Raw values of one member, as typed in a form, sent to the API or read from a roster row.</summary>
public sealed record RawMember(string? Name, string? Gender, string? EthnicGroup, object? BirthMonth, string? Party, string? Sector,
    string? Position, string? Term, string? WorkUnit, string? Phone, string? Email);

/// <summary>Validated, normalised values of one member.</summary>
public sealed record MemberValues(string Name, Gender Gender, string EthnicGroupCode, DateOnly? BirthMonth, string PartyCode, int SectorId,
    Position Position, int Term, string WorkUnit, string Phone, string Email)
{
    /// <summary>The stored values of <paramref name="m"/>, comparable (record equality) with newly validated values.</summary>
    public static MemberValues Of(Member m) =>
        new(m.Name, m.Gender, m.EthnicGroupCode, m.BirthMonth, m.PartyCode, m.SectorId, m.Position, m.Term, m.WorkUnit, m.Phone, m.Email);

    /// <summary>Copies the values onto <paramref name="m"/> (name through <see cref="Member.SetName"/>).</summary>
    public void ApplyTo(Member m, DateTimeOffset now)
    {
        m.SetName(Name);
        m.Gender = Gender;
        m.EthnicGroupCode = EthnicGroupCode;
        m.BirthMonth = BirthMonth;
        m.PartyCode = PartyCode;
        m.SectorId = SectorId;
        m.Position = Position;
        m.Term = Term;
        m.WorkUnit = WorkUnit;
        m.Phone = Phone;
        m.Email = Email;
        m.UpdatedAt = now;
    }
}

/// <summary>
/// Lookups for one committee: ethnic group, party and sector names accepted on input, resolved to codes
/// and ids. Loaded once per import or request.
/// </summary>
public sealed class MemberLookups
{
    /// <summary>Ethnic group name (<c>汉族</c>), name without 族 (<c>汉</c>, except where that is ambiguous), or code → code.</summary>
    public required IReadOnlyDictionary<string, string> Ethnic { get; init; }
    /// <summary>Party full name, short form or common alias → code.</summary>
    public required IReadOnlyDictionary<string, string> Party { get; init; }
    /// <summary>Sector name of this committee → sector id.</summary>
    public required IReadOnlyDictionary<string, int> Sectors { get; init; }
    public required IReadOnlyDictionary<int, string> SectorNames { get; init; }

    public static async Task<MemberLookups> LoadAsync(AppDbContext db, int committeeId, CancellationToken ct = default)
    {
        var ethnic = new Dictionary<string, string>();
        foreach (var e in await db.EthnicGroups.AsNoTracking().ToListAsync(ct))
        {
            ethnic[e.Name] = e.Code;
            ethnic[e.Code] = e.Code;
            ethnic.TryAdd(e.Name.TrimEnd('族'), e.Code);
        }
        var party = new Dictionary<string, string>();
        foreach (var (code, name, shortName, aliases) in ReferenceData.Parties)
        {
            party[name] = code;
            party[shortName] = code;
            foreach (var a in aliases) party[a] = code;
        }
        var sectors = await db.Sectors.AsNoTracking().Where(s => s.CommitteeId == committeeId).ToListAsync(ct);
        return new MemberLookups
        {
            Ethnic = ethnic,
            Party = party,
            Sectors = sectors.ToDictionary(s => s.Name, s => s.Id),
            SectorNames = sectors.ToDictionary(s => s.Id, s => s.Name),
        };
    }
}

/// <summary>Validation of member values: the one place both the API, the edit page and the roster import use.</summary>
public static class MemberRules
{
    /// <summary>Roster header (as committee offices write it) of each field.</summary>
    public static readonly IReadOnlyDictionary<MemberField, string> Headers = new Dictionary<MemberField, string>
    {
        [MemberField.Name] = "姓名", [MemberField.Gender] = "性别", [MemberField.EthnicGroup] = "民族", [MemberField.BirthMonth] = "出生年月",
        [MemberField.Party] = "党派", [MemberField.Sector] = "界别", [MemberField.Position] = "职务", [MemberField.Term] = "届次",
        [MemberField.WorkUnit] = "工作单位及职务", [MemberField.Phone] = "手机号码", [MemberField.Email] = "电子邮箱",
    };

    /// <summary>Position words accepted on input (CPPCC positions, not job titles).</summary>
    public static readonly IReadOnlyDictionary<string, Position> PositionWords = new Dictionary<string, Position>(StringComparer.OrdinalIgnoreCase)
    {
        ["主席"] = Position.Chairperson, ["副主席"] = Position.ViceChairperson, ["秘书长"] = Position.SecretaryGeneral,
        ["常委"] = Position.StandingMember, ["常务委员"] = Position.StandingMember, ["委员"] = Position.Member,
        ["Chairperson"] = Position.Chairperson, ["ViceChairperson"] = Position.ViceChairperson, ["SecretaryGeneral"] = Position.SecretaryGeneral,
        ["StandingMember"] = Position.StandingMember, ["Member"] = Position.Member,
    };

    /// <summary>Roster word of a position (<see cref="Position.StandingMember"/> → 常委).</summary>
    public static string PositionWord(Position p) => p switch
    {
        Position.Chairperson => "主席", Position.ViceChairperson => "副主席", Position.SecretaryGeneral => "秘书长",
        Position.StandingMember => "常委", _ => "委员",
    };

    /// <summary>Youngest age a member can have, in years (members are adult citizens; a younger birth month is a typing error).</summary>
    public const int MinimumAge = 18;

    /// <summary>Roster word of a gender: 男 or 女.</summary>
    public static string GenderWord(Gender g) => g == Gender.Female ? "女" : "男";

    /// <summary>Roster word of a term as offices write it, 1–99: 9 → 第九届, 14 → 第十四届, 20 → 第二十届; other numbers as digits (第100届).</summary>
    public static string TermWord(int term)
    {
        const string digits = "一二三四五六七八九";
        if (term is < 1 or > 99) return $"第{term}届";
        var (tens, units) = (term / 10, term % 10);
        var number = tens == 0 ? digits[units - 1].ToString()
            : (tens == 1 ? "" : digits[tens - 1].ToString()) + "十" + (units == 0 ? "" : digits[units - 1].ToString());
        return $"第{number}届";
    }

    /// <summary>
    /// Validates <paramref name="raw"/>. Returns the values, or null and one Chinese message per bad field.
    /// Required: name, gender, ethnic group, party, sector, term. Optional: birth month, position (委员), work unit, phone, e-mail.
    /// </summary>
    public static (MemberValues? Values, List<(MemberField Field, string Message)> Errors) Validate(MemberLookups l, RawMember raw, DateOnly today)
    {
        var errors = new List<(MemberField, string)>();
        var name = ChineseText.NormalizeName(raw.Name);
        if (name.Length == 0) errors.Add((MemberField.Name, "姓名不能为空"));
        else if (name.Length > 64) errors.Add((MemberField.Name, "姓名过长（最多 64 个字符）"));

        if (!RosterValues.TryParseGender(raw.Gender, out var gender, out var e)) errors.Add((MemberField.Gender, e));

        var ethnicText = Clean(raw.EthnicGroup);
        string? ethnic = null;
        if (ethnicText.Length == 0) errors.Add((MemberField.EthnicGroup, "民族不能为空"));
        else if (!l.Ethnic.TryGetValue(ethnicText, out ethnic)) errors.Add((MemberField.EthnicGroup, $"无法识别的民族“{ethnicText}”，请填写 56 个民族之一，如“汉族”“苗族”"));

        DateOnly? birth = null;
        if (raw.BirthMonth is not null && !(raw.BirthMonth is string bs && string.IsNullOrWhiteSpace(bs)))
        {
            if (!RosterValues.TryParseBirthMonth(raw.BirthMonth, today, out var b, out e)) errors.Add((MemberField.BirthMonth, e));
            else if (b > today.AddYears(-MinimumAge)) errors.Add((MemberField.BirthMonth, $"出生年月 {b:yyyy.MM} 不合理：委员应年满 {MinimumAge} 周岁"));
            else birth = b;
        }

        var partyText = Clean(raw.Party);
        string? party = null;
        if (partyText.Length == 0) errors.Add((MemberField.Party, "党派不能为空（无党派请填“无党派”，非党员请填“群众”）"));
        else if (!l.Party.TryGetValue(partyText, out party)) errors.Add((MemberField.Party, $"无法识别的党派“{partyText}”，可填：中共、民革、民盟、民建、民进、农工党、致公党、九三学社、台盟、无党派、群众"));

        var sectorText = Clean(raw.Sector);
        var sector = 0;
        if (sectorText.Length == 0) errors.Add((MemberField.Sector, "界别不能为空"));
        else if (!l.Sectors.TryGetValue(sectorText, out sector) && !(int.TryParse(sectorText, out sector) && l.SectorNames.ContainsKey(sector)))
            errors.Add((MemberField.Sector, $"本政协没有“{sectorText}”界别，请先在界别设置中添加，或改为已有界别"));

        var positionText = Clean(raw.Position);
        var position = Position.Member;
        if (positionText.Length > 0 && !PositionWords.TryGetValue(positionText, out position))
            errors.Add((MemberField.Position, $"无法识别的职务“{positionText}”，可填：主席、副主席、秘书长、常委、委员"));

        if (!RosterValues.TryParseTerm(raw.Term, out var term, out e)) errors.Add((MemberField.Term, e));

        var workUnit = (raw.WorkUnit ?? "").Trim();
        if (workUnit.Length > 200) errors.Add((MemberField.WorkUnit, "工作单位及职务过长（最多 200 个字符）"));
        if (!RosterValues.TryParsePhone(raw.Phone, out var phone, out e)) errors.Add((MemberField.Phone, e));
        if (!RosterValues.TryParseEmail(raw.Email, out var email, out e)) errors.Add((MemberField.Email, e));

        if (errors.Count > 0) return (null, errors);
        return (new MemberValues(name, gender, ethnic!, birth, party!, sector, position, term, workUnit, phone, email), errors);
    }

    /// <summary>Validates API input and applies it to <paramref name="m"/>; returns API-style errors (camel-case field → messages), empty on success.</summary>
    public static async Task<Dictionary<string, string[]>> ApplyAsync(AppDbContext db, Member m, MemberInput input, int committeeId, TimeProvider clock, CancellationToken ct)
    {
        var lookups = await MemberLookups.LoadAsync(db, committeeId, ct);
        var raw = new RawMember(input.Name, input.Gender, input.EthnicGroup, input.BirthMonth, input.Party, input.SectorId?.ToString(),
            input.Position, input.Term, input.WorkUnit, input.Phone, input.Email);
        var now = clock.GetUtcNow();
        var (values, errors) = Validate(lookups, raw, DateOnly.FromDateTime(now.UtcDateTime));
        if (values is not null)
        {
            // The same person twice in one committee: the roster import refuses it per row, the API likewise.
            var twin = await db.Members.AsNoTracking()
                .Where(x => x.CommitteeId == committeeId && x.Id != m.Id
                    && ((x.Name == values.Name && x.BirthMonth == values.BirthMonth) || (values.Phone != "" && x.Phone == values.Phone)))
                .Select(x => new { x.Id, x.Name, x.Phone }).FirstOrDefaultAsync(ct);
            if (twin is not null && values.Phone != "" && twin.Phone == values.Phone)
                errors.Add((MemberField.Phone, $"手机号码 {values.Phone} 已是本政协委员“{twin.Name}”（编号 {twin.Id}）的号码"));
            else if (twin is not null)
                errors.Add((MemberField.Name, $"本政协已有姓名和出生年月相同的委员“{twin.Name}”（编号 {twin.Id}），请勿重复录入"));
        }
        if (values is null || errors.Count > 0)
            return errors.GroupBy(x => x.Field).ToDictionary(g => ApiFieldName(g.Key), g => g.Select(x => x.Message).ToArray());
        values.ApplyTo(m, now);
        if (input.IsActive is { } active) m.IsActive = active;
        return [];
    }

    /// <summary>Name of a field in API bodies and error keys: <c>sectorId</c> for the sector, camel case otherwise.</summary>
    public static string ApiFieldName(MemberField f) => f == MemberField.Sector ? "sectorId" : char.ToLowerInvariant(f.ToString()[0]) + f.ToString()[1..];

    private static string Clean(string? s) => RosterValues.ToHalfWidth(s ?? "").Replace(" ", "").Trim();
}

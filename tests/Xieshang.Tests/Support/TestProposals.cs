using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xieshang.Web.Features.Proposals;
using Xieshang.Web.Infrastructure;
using Xieshang.Web.Infrastructure.Auth;
using Xieshang.Web.Infrastructure.Data;

namespace Xieshang.Tests.Support;

/// <summary>A handling unit made by <see cref="TestProposals.UnitAsync"/> and its one account (<c>unit.</c> + code).</summary>
public sealed record TestUnit(int Id, string Code, string Name, int CommitteeId, string UserName, string UserId, string Email);

/// <summary>A proposal made by <see cref="TestProposals.AssignedAsync"/> and its one assignment.</summary>
public sealed record TestProposal(int ProposalId, int AssignmentId, int CommitteeId, string Number);

/// <summary>
/// Test data builder for proposals: inserts handling units (with an account each) and filed, assigned proposals straight
/// into the database, bypassing the workflow. Use the API in tests about the workflow itself; use this where a
/// proposal in hand is only the setting (deadlines, lists, notifications, statistics).
/// </summary>
public static class TestProposals
{
    /// <summary>
    /// Creates a handling unit of committee <paramref name="committeeCode"/> (code default: the committee code, a dot and
    /// a random part) with the account <c>unit.</c> + code in role <c>unit</c>, password <see cref="AppFactory.DemoPassword"/>,
    /// and an e-mail address, so notices also go to the outbox. Reuses both when they exist.
    /// </summary>
    public static async Task<TestUnit> UnitAsync(AppFactory app, string committeeCode = "520200", string? code = null, string? name = null)
    {
        code ??= $"{committeeCode}.t{Guid.NewGuid():N}"[..(committeeCode.Length + 12)];
        name ??= $"测试承办单位{code[(committeeCode.Length + 1)..]}";
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var committee = await db.Committees.Where(c => c.Code == committeeCode).Select(c => new { c.Id, c.Path }).FirstAsync();
        var unit = await db.HandlingUnits.FirstOrDefaultAsync(u => u.Code == code);
        if (unit is null)
        {
            unit = new HandlingUnit { Code = code, Name = name, CommitteeId = committee.Id, CommitteePath = committee.Path };
            db.HandlingUnits.Add(unit);
            await db.SaveChangesAsync();
        }
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var userName = "unit." + code;
        var user = await users.FindByNameAsync(userName);
        if (user is null)
        {
            user = new AppUser { UserName = userName, DisplayName = unit.Name, HandlingUnitId = unit.Id, Email = $"{userName}@example.gov.cn" };
            var r = await users.CreateAsync(user, AppFactory.DemoPassword);
            if (!r.Succeeded) throw new InvalidOperationException(string.Join("; ", r.Errors.Select(e => e.Description)));
            await users.AddToRoleAsync(user, Roles.HandlingUnit);
        }
        return new TestUnit(unit.Id, unit.Code, unit.Name, unit.CommitteeId, userName, user.Id, user.Email ?? "");
    }

    /// <summary>
    /// Creates a filed proposal of the unit's committee by its first active member (九届二次会议, next free number) in
    /// <paramref name="status"/> (default 已交办) with one active assignment to <paramref name="unit"/>, assigned on
    /// <paramref name="assignedOn"/> (default today, China time) and due on <paramref name="dueOn"/> (default three months
    /// later on the working-day calendar); the return deadline is 10 working days, the latest 6 months.
    /// </summary>
    public static async Task<TestProposal> AssignedAsync(AppFactory app, TestUnit unit, DateOnly? dueOn = null, DateOnly? assignedOn = null,
        AssignmentRole role = AssignmentRole.Single, ProposalStatus status = ProposalStatus.Assigned, string title = "关于加强农村饮水安全保障的建议")
    {
        return await app.WithDbAsync(async db =>
        {
            var committee = await db.Committees.AsNoTracking().FirstAsync(c => c.Id == unit.CommitteeId);
            var proposer = await db.Members.AsNoTracking().Where(m => m.CommitteeId == committee.Id && m.IsActive).OrderBy(m => m.Id).FirstAsync();
            var on = assignedOn ?? ChinaTime.DayOf(DateTimeOffset.UtcNow);
            var calendar = await WorkCalendar.LoadAsync(db, on, on.AddMonths(6), CancellationToken.None);
            var at = ChinaTime.StartOf(on).AddHours(10);
            var sequence = (await db.Proposals.Where(p => p.CommitteeId == committee.Id && p.Term == 9 && p.Session == 2).MaxAsync(p => p.Sequence) ?? 0) + 1;
            var number = $"九届二次会议第{sequence:0000}号";
            var p = new Proposal
            {
                CommitteeId = committee.Id, CommitteePath = committee.Path, Status = status, Kind = ProposalKind.Plenary, ProposerType = ProposerType.Member,
                ProposerMemberId = proposer.Id, ProposerName = proposer.Name, SectorId = proposer.SectorId, Title = title,
                Body = "<p>部分村组供水设施老化，枯水期供水不稳定。建议：一、加快管网改造；二、建立运行维护经费保障机制。</p>",
                Term = 9, Session = 2, Year = on.Year, Sequence = sequence, Number = number,
                CreatedAt = at.AddDays(-20), SubmittedAt = at.AddDays(-20), FiledAt = at.AddDays(-5), UpdatedAt = at,
                AssignmentMode = role == AssignmentRole.Separate ? AssignmentMode.Separate : role is AssignmentRole.Lead or AssignmentRole.CoUnit ? AssignmentMode.Lead : AssignmentMode.Single,
            };
            db.Proposals.Add(p);
            await db.SaveChangesAsync();
            var a = new Assignment
            {
                ProposalId = p.Id, HandlingUnitId = unit.Id, Role = role, Status = AssignmentStatus.Active, AssignedAt = at,
                ReturnDueOn = calendar.AddWorkingDays(on, 10), DueOn = dueOn ?? calendar.AddMonths(on, 3), LatestDueOn = calendar.AddMonths(on, 6),
            };
            db.Assignments.Add(a);
            await db.SaveChangesAsync();
            return new TestProposal(p.Id, a.Id, committee.Id, number);
        });
    }
}

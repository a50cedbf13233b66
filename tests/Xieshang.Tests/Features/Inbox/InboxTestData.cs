using Microsoft.EntityFrameworkCore;
using Xieshang.Tests.Support;
using Xieshang.Web.Infrastructure.Notifications;

namespace Xieshang.Tests.Features.Inbox;

/// <summary>
/// Messages for the inbox tests, through <see cref="Notifier"/>, each title tagged so that a test finds its own:
/// two for member.520201 (one to the member, one to the account), one for leader.520200, one for member.520203.
/// </summary>
public sealed record InboxTestData(string Tag, long ToMember, long ToMemberAccount, long ToLeader, long ToOtherMember)
{
    public string MemberTitle => $"活动通知：界别协商会 {Tag}";
    public string AccountTitle => $"账号消息 {Tag}";
    public string LeaderTitle => $"请假申请：张三 {Tag}";
    public string OtherTitle => $"活动通知：六枝特区调研 {Tag}";

    public static async Task<InboxTestData> CreateAsync(AppFactory app)
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var member201 = await TestActivities.MemberIdOfAsync(app, "member.520201");
        var member203 = await TestActivities.MemberIdOfAsync(app, "member.520203");
        return await app.WithDbAsync(async db =>
        {
            var account = await db.Users.Where(u => u.UserName == "member.520201").Select(u => u.Id).FirstAsync();
            var leader = await db.Users.Where(u => u.UserName == "leader.520200").Select(u => u.Id).FirstAsync();
            var d = new InboxTestData(tag, 0, 0, 0, 0);
            await Notifier.ToMembersAsync(db, [member201], new Notice("activity.published", d.MemberTitle, "请于 12 月 3 日 09:00 出席。\n地点：区政协二楼", "/activities/1"), TimeProvider.System, default);
            await Notifier.ToUsersAsync(db, [account], new Notice("leave.granted", d.AccountTitle, "您的请假申请已批准。", "/activities/2"), TimeProvider.System, default);
            await Notifier.ToUsersAsync(db, [leader], new Notice("leave.requested", d.LeaderTitle, "张三因病请假。", "/activities/3"), TimeProvider.System, default);
            await Notifier.ToMembersAsync(db, [member203], new Notice("activity.published", d.OtherTitle, "请于 12 月 5 日出席。", "/activities/4"), TimeProvider.System, default);
            await db.SaveChangesAsync();
            var ids = await db.Notifications.Where(n => n.Title.EndsWith(tag)).ToDictionaryAsync(n => n.Title, n => n.Id);
            return d with { ToMember = ids[d.MemberTitle], ToMemberAccount = ids[d.AccountTitle], ToLeader = ids[d.LeaderTitle], ToOtherMember = ids[d.OtherTitle] };
        });
    }
}

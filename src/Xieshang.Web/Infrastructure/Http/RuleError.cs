using Microsoft.AspNetCore.Http.HttpResults;

namespace Xieshang.Web.Infrastructure.Http;

/// <summary>
/// An expected refusal from a feature's rules: HTTP status (400 bad input, 403 not allowed, 404 not found or not in
/// scope, 409 not now), a Chinese message for the user, and the input field at fault (API name, empty when none).
/// Shared by the slices written from issue 7 on (study, lectures, reading); older slices keep their own record of
/// the same shape (ProposalError, ResearchError, …) until they are moved onto this one.
/// </summary>
public sealed record RuleError(int Status, string Message, string Field = "")
{
    /// <summary>
    /// The refusal as ProblemDetails: title by status; with a field, <c>field</c> plus, for 400 and 409, the validation
    /// shape <c>errors: {field: [message]}</c>.
    /// </summary>
    public ProblemHttpResult ToProblem() => TypedResults.Problem(statusCode: Status, detail: Message,
        title: Status switch { 403 => "无权操作", 404 => "未找到", 409 => "当前不能这样操作", _ => "请求有误" },
        extensions: Field.Length == 0 ? null : Status is 400 or 409
            ? new Dictionary<string, object?> { ["field"] = Field, ["errors"] = new Dictionary<string, string[]> { [Field] = [Message] } }
            : new Dictionary<string, object?> { ["field"] = Field });

    /// <summary>400 on <paramref name="field"/>.</summary>
    public static RuleError Bad(string message, string field = "") => new(400, message, field);
    /// <summary>403.</summary>
    public static RuleError Forbidden(string message = "无权进行此操作。") => new(403, message);
    /// <summary>404 (also for an object outside the caller's scope, so its existence is not revealed).</summary>
    public static RuleError NotFound(string message = "未找到，或不在您的权限范围内。") => new(404, message);
    /// <summary>409 (the object's state does not allow it now).</summary>
    public static RuleError Conflict(string message, string field = "") => new(409, message, field);
}

namespace Xieshang.Web.Infrastructure.Workflow;

/// <summary>
/// One edge of a workflow: in state <see cref="From"/>, an actor holding <see cref="Actor"/> may take
/// <see cref="Action"/> (an API code such as <c>file</c>), which leads to <see cref="To"/>.
/// </summary>
public sealed record WorkflowEdge<TState>(TState From, string Action, string Actor, TState To) where TState : struct, Enum;

/// <summary>Why a workflow action was refused: HTTP status (403 not your role, 404 unknown action, 409 not in this state) and a Chinese message.</summary>
public sealed record WorkflowRefusal(int Status, string Message);

/// <summary>
/// A state graph as data (OpenSlides' lesson: anything not an edge is refused with a clear message). The graph
/// answers three questions: which edge a (state, action, actors) triple takes, why it is refused when there is
/// none, and which actions an actor may take now (what a page shows as buttons).
/// </summary>
public sealed class WorkflowGraph<TState> where TState : struct, Enum
{
    private readonly Dictionary<(TState, string), List<WorkflowEdge<TState>>> _byStateAction = [];
    private readonly HashSet<string> _actions = new(StringComparer.Ordinal);

    /// <summary>Builds the graph; the edges' order is kept for <see cref="ActionsFor"/>.</summary>
    public WorkflowGraph(IEnumerable<WorkflowEdge<TState>> edges, Func<TState, string> stateName, Func<string, string> actionName)
    {
        Edges = edges.ToList();
        StateName = stateName;
        ActionName = actionName;
        foreach (var e in Edges)
        {
            if (!_byStateAction.TryGetValue((e.From, e.Action), out var list)) _byStateAction[(e.From, e.Action)] = list = [];
            if (list.Any(x => x.Actor == e.Actor)) throw new ArgumentException($"Duplicate edge {e.From}/{e.Action}/{e.Actor}.");
            list.Add(e);
            _actions.Add(e.Action);
        }
    }

    /// <summary>Every edge, in declaration order.</summary>
    public IReadOnlyList<WorkflowEdge<TState>> Edges { get; }

    /// <summary>Display name of a state (Chinese).</summary>
    public Func<TState, string> StateName { get; }

    /// <summary>Display name of an action code (Chinese).</summary>
    public Func<string, string> ActionName { get; }

    /// <summary>True when <paramref name="action"/> is an action code of this graph.</summary>
    public bool IsAction(string action) => _actions.Contains(action);

    /// <summary>
    /// The edge <paramref name="actors"/> take with <paramref name="action"/> in <paramref name="state"/>, or the refusal:
    /// 404 for an unknown action, 409 when the action is not allowed in this state, 403 when it is but for another role.
    /// </summary>
    public (WorkflowEdge<TState>? Edge, WorkflowRefusal? Refusal) Resolve(TState state, string action, IReadOnlySet<string> actors)
    {
        if (!_actions.Contains(action)) return (null, new(404, $"没有“{action}”这项操作。"));
        if (!_byStateAction.TryGetValue((state, action), out var edges))
            return (null, new(409, $"当前状态“{StateName(state)}”下不能“{ActionName(action)}”。"));
        var edge = edges.FirstOrDefault(e => actors.Contains(e.Actor));
        return edge is null ? (null, new(403, $"您无权在当前状态下“{ActionName(action)}”。")) : (edge, null);
    }

    /// <summary>The action codes <paramref name="actors"/> may take in <paramref name="state"/>, in declaration order, without repeats.</summary>
    public IReadOnlyList<string> ActionsFor(TState state, IReadOnlySet<string> actors) =>
        Edges.Where(e => EqualityComparer<TState>.Default.Equals(e.From, state) && actors.Contains(e.Actor)).Select(e => e.Action).Distinct().ToList();
}

namespace RedProperty.Billing.Core.Runs;

/// <summary>Where a billing run is: drafting → draft → approved → issued, or cancelled before it is issued.</summary>
public enum RunState
{
    /// <summary>Community jobs are computing the month; nothing is issued.</summary>
    Drafting,

    /// <summary>Every community finished drafting; finance staff review the totals.</summary>
    Draft,

    /// <summary>Finance staff approved the draft; community jobs are issuing its statements.</summary>
    Approved,

    /// <summary>Every community's statements are issued. Final.</summary>
    Issued,

    /// <summary>Dropped before approval, so a corrected run can replace it, or an approved run stuck on a community that cannot issue (what it issued stays issued). Final.</summary>
    Cancelled,
}

/// <summary>Where one community of a run is.</summary>
public enum CommunityRunState
{
    Pending,
    Drafted,
    Failed,
    Issuing,
    Issued,
}

/// <summary>A refused step, with the reason finance staff read.</summary>
public sealed record RunStepRefused(string Reason);

/// <summary>
/// The run's lifecycle as data: which state may follow which, and what the communities must have
/// reached first. The database stores the state's name and its updates are guarded with the states
/// this allows, so a worker and a clerk racing on one run cannot both move it.
/// </summary>
public static class RunLifecycle
{
    private static readonly IReadOnlyDictionary<RunState, RunState[]> Next = new Dictionary<RunState, RunState[]>
    {
        [RunState.Drafting] = [RunState.Draft, RunState.Cancelled],
        [RunState.Draft] = [RunState.Approved, RunState.Cancelled],
        // A community that fails for good leaves the run approved; finance staff retry it or cancel the run.
        [RunState.Approved] = [RunState.Issued, RunState.Cancelled],
        [RunState.Issued] = [],
        [RunState.Cancelled] = [],
    };

    private static readonly IReadOnlyDictionary<CommunityRunState, CommunityRunState[]> NextForCommunity = new Dictionary<CommunityRunState, CommunityRunState[]>
    {
        // A draft job may run again (Hangfire retries, a resumed worker): drafting again replaces the draft.
        [CommunityRunState.Pending] = [CommunityRunState.Drafted, CommunityRunState.Failed],
        [CommunityRunState.Drafted] = [CommunityRunState.Drafted, CommunityRunState.Failed, CommunityRunState.Issuing],
        [CommunityRunState.Failed] = [CommunityRunState.Drafted, CommunityRunState.Failed],
        // Issuing resumes where a stopped worker left it; only a failure or the last batch ends it.
        [CommunityRunState.Issuing] = [CommunityRunState.Issuing, CommunityRunState.Issued, CommunityRunState.Failed],
        [CommunityRunState.Issued] = [],
    };

    /// <summary>Whether <paramref name="to"/> may follow <paramref name="from"/>, whatever the communities.</summary>
    public static bool MayMove(RunState from, RunState to) => Next[from].Contains(to);

    public static bool MayMove(CommunityRunState from, CommunityRunState to) => NextForCommunity[from].Contains(to);

    /// <summary>The states a run may reach <paramref name="to"/> from: the guard of the update that moves it.</summary>
    public static IReadOnlyList<RunState> From(RunState to) => [.. Next.Where(n => n.Value.Contains(to)).Select(n => n.Key).Order()];

    public static IReadOnlyList<CommunityRunState> From(CommunityRunState to) =>
        [.. NextForCommunity.Where(n => n.Value.Contains(to)).Select(n => n.Key).Order()];

    /// <summary>
    /// Whether the run may move from <paramref name="from"/> to <paramref name="to"/> given where its
    /// communities are: null when it may, else why not.
    /// </summary>
    public static RunStepRefused? Check(long runId, RunState from, RunState to, IReadOnlyCollection<CommunityRunState> communities)
    {
        var verb = to switch
        {
            RunState.Draft => "finish drafting",
            RunState.Approved => "be approved",
            RunState.Issued => "be issued",
            RunState.Cancelled => "be cancelled",
            _ => $"become {Name(to)}",
        };
        if (!MayMove(from, to))
        {
            return new RunStepRefused($"Run {runId} is {Name(from)}; it cannot {verb} now.");
        }

        return to switch
        {
            RunState.Draft when communities.Any(c => c == CommunityRunState.Pending) => new RunStepRefused($"Run {runId} cannot {verb}: communities are still pending."),
            RunState.Approved when communities.Any(c => c != CommunityRunState.Drafted) => new RunStepRefused($"Run {runId} cannot {verb}: not every community drafted."),
            RunState.Issued when communities.Any(c => c != CommunityRunState.Issued) => new RunStepRefused($"Run {runId} cannot {verb}: communities are still issuing or failed."),
            RunState.Cancelled when from == RunState.Approved && communities.Any(c => c == CommunityRunState.Issuing) => new RunStepRefused($"Run {runId} cannot {verb}: communities are still issuing."),
            _ => null,
        };
    }

    /// <summary>A run a caller waits for has finished its draft phase.</summary>
    public static bool IsDrafted(RunState state) => state != RunState.Drafting;

    /// <summary>Nothing more will happen to the run by itself: issued, cancelled, or every community issued or failed.</summary>
    public static bool IsSettled(RunState state, IEnumerable<CommunityRunState> communities) =>
        state is RunState.Issued or RunState.Cancelled
        || (state == RunState.Approved && communities.All(c => c is CommunityRunState.Issued or CommunityRunState.Failed));

    /// <summary>The name stored in the database and shown to users.</summary>
    public static string Name(RunState state) => state switch
    {
        RunState.Drafting => "drafting",
        RunState.Draft => "draft",
        RunState.Approved => "approved",
        RunState.Issued => "issued",
        RunState.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Not a run state."),
    };

    public static string Name(CommunityRunState state) => state switch
    {
        CommunityRunState.Pending => "pending",
        CommunityRunState.Drafted => "drafted",
        CommunityRunState.Failed => "failed",
        CommunityRunState.Issuing => "issuing",
        CommunityRunState.Issued => "issued",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Not a community run state."),
    };

    /// <summary>Reads a stored name; an unknown one is an error, never a guess.</summary>
    public static RunState ParseRun(string name) =>
        Enum.GetValues<RunState>().FirstOrDefault(s => Name(s) == name, (RunState)(-1)) is var s && Enum.IsDefined(s)
            ? s
            : throw new FormatException($"'{name}' is not a billing run state.");

    public static CommunityRunState ParseCommunity(string name) =>
        Enum.GetValues<CommunityRunState>().FirstOrDefault(s => Name(s) == name, (CommunityRunState)(-1)) is var s && Enum.IsDefined(s)
            ? s
            : throw new FormatException($"'{name}' is not a community run state.");

    public static string[] Names(IEnumerable<RunState> states) => [.. states.Select(Name)];

    public static string[] Names(IEnumerable<CommunityRunState> states) => [.. states.Select(Name)];
}

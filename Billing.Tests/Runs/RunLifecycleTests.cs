using RedProperty.Billing.Core.Runs;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Runs;

/// <summary>The run's lifecycle as a pure function, checked against the transitions written out by hand and against the database's own constraint.</summary>
public class RunLifecycleTests
{
    // Written out from the rules finance staff work by: draft, review, approve, issue; cancel before
    // approval, or an approved run none of whose communities is still issuing (one failed for good).
    private static readonly HashSet<(RunState, RunState)> Allowed =
    [
        (RunState.Drafting, RunState.Draft),
        (RunState.Drafting, RunState.Cancelled),
        (RunState.Draft, RunState.Approved),
        (RunState.Draft, RunState.Cancelled),
        (RunState.Approved, RunState.Issued),
        (RunState.Approved, RunState.Cancelled),
    ];

    public static TheoryData<RunState, RunState> AllPairs()
    {
        var data = new TheoryData<RunState, RunState>();
        foreach (var from in Enum.GetValues<RunState>())
        {
            foreach (var to in Enum.GetValues<RunState>())
            {
                data.Add(from, to);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void A_run_moves_only_along_the_lifecycle(RunState from, RunState to)
    {
        Assert.Equal(Allowed.Contains((from, to)), RunLifecycle.MayMove(from, to));
        Assert.Equal(Allowed.Contains((from, to)), RunLifecycle.From(to).Contains(from));
    }

    [Fact]
    public void Issued_and_cancelled_runs_are_final_and_an_approved_run_is_cancelled_only_when_nothing_is_issuing()
    {
        Assert.All(Enum.GetValues<RunState>(), to => Assert.False(RunLifecycle.MayMove(RunState.Issued, to)));
        Assert.All(Enum.GetValues<RunState>(), to => Assert.False(RunLifecycle.MayMove(RunState.Cancelled, to)));
        Assert.Equal([RunState.Drafting, RunState.Draft, RunState.Approved], RunLifecycle.From(RunState.Cancelled));
        Assert.Equal("Run 7 cannot be cancelled: communities are still issuing.", RunLifecycle.Check(7, RunState.Approved, RunState.Cancelled, [CommunityRunState.Issuing, CommunityRunState.Failed])!.Reason);
        Assert.Null(RunLifecycle.Check(7, RunState.Approved, RunState.Cancelled, [CommunityRunState.Issued, CommunityRunState.Failed]));
    }

    [Fact]
    public void A_draft_is_approved_only_when_every_community_drafted()
    {
        Assert.Null(RunLifecycle.Check(3, RunState.Draft, RunState.Approved, [CommunityRunState.Drafted, CommunityRunState.Drafted]));
        Assert.Equal(
            "Run 3 cannot be approved: not every community drafted.",
            RunLifecycle.Check(3, RunState.Draft, RunState.Approved, [CommunityRunState.Drafted, CommunityRunState.Failed])!.Reason);
        Assert.Equal("Run 3 is drafting; it cannot be approved now.", RunLifecycle.Check(3, RunState.Drafting, RunState.Approved, [CommunityRunState.Drafted])!.Reason);
        Assert.NotNull(RunLifecycle.Check(3, RunState.Drafting, RunState.Draft, [CommunityRunState.Drafted, CommunityRunState.Pending]));
        Assert.Null(RunLifecycle.Check(3, RunState.Drafting, RunState.Draft, [CommunityRunState.Drafted, CommunityRunState.Failed]));
        Assert.NotNull(RunLifecycle.Check(3, RunState.Approved, RunState.Issued, [CommunityRunState.Issued, CommunityRunState.Issuing]));
        Assert.Null(RunLifecycle.Check(3, RunState.Approved, RunState.Issued, [CommunityRunState.Issued, CommunityRunState.Issued]));
    }

    [Fact]
    public void A_community_is_drafted_again_after_a_failure_but_never_after_issuing_began()
    {
        Assert.Equal([CommunityRunState.Pending, CommunityRunState.Drafted, CommunityRunState.Failed], RunLifecycle.From(CommunityRunState.Drafted));
        Assert.Equal([CommunityRunState.Drafted, CommunityRunState.Issuing], RunLifecycle.From(CommunityRunState.Issuing));
        Assert.Equal([CommunityRunState.Issuing], RunLifecycle.From(CommunityRunState.Issued));
        Assert.False(RunLifecycle.MayMove(CommunityRunState.Issued, CommunityRunState.Issuing));
        Assert.False(RunLifecycle.MayMove(CommunityRunState.Failed, CommunityRunState.Issuing));
    }

    [Fact]
    public void A_run_is_settled_when_issued_cancelled_or_every_community_issued_or_failed()
    {
        Assert.True(RunLifecycle.IsSettled(RunState.Issued, []));
        Assert.True(RunLifecycle.IsSettled(RunState.Cancelled, [CommunityRunState.Pending]));
        Assert.True(RunLifecycle.IsSettled(RunState.Approved, [CommunityRunState.Issued, CommunityRunState.Failed]));
        Assert.False(RunLifecycle.IsSettled(RunState.Approved, [CommunityRunState.Issued, CommunityRunState.Issuing]));
        Assert.False(RunLifecycle.IsSettled(RunState.Draft, [CommunityRunState.Drafted]));
    }

    [Fact]
    public void Stored_names_read_back_and_an_unknown_name_is_an_error()
    {
        foreach (var state in Enum.GetValues<RunState>())
        {
            Assert.Equal(state, RunLifecycle.ParseRun(RunLifecycle.Name(state)));
        }

        foreach (var state in Enum.GetValues<CommunityRunState>())
        {
            Assert.Equal(state, RunLifecycle.ParseCommunity(RunLifecycle.Name(state)));
        }

        Assert.Equal("'approvd' is not a billing run state.", Assert.Throws<FormatException>(() => RunLifecycle.ParseRun("approvd")).Message);
        Assert.Throws<FormatException>(() => RunLifecycle.ParseCommunity("Issued"));
    }

    [Fact]
    public async Task The_names_are_exactly_those_the_database_constraints_allow()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync();
        await using var cmd = db.DataSource.CreateCommand(
            """
            select conrelid::regclass::text, pg_get_constraintdef(oid) from pg_constraint
            where contype = 'c' and conrelid in ('billing_run'::regclass, 'billing_run_community'::regclass)
              and pg_get_constraintdef(oid) like '%status%ANY%'
            """);
        var definitions = new Dictionary<string, string>();
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                definitions[reader.GetString(0)] = reader.GetString(1);
            }
        }

        Assert.Equal(
            Enum.GetValues<RunState>().Select(s => $"'{RunLifecycle.Name(s)}'").Order(),
            System.Text.RegularExpressions.Regex.Matches(definitions["billing_run"], "'[a-z-]+'").Select(m => m.Value).Order());
        Assert.Equal(
            Enum.GetValues<CommunityRunState>().Select(s => $"'{RunLifecycle.Name(s)}'").Order(),
            System.Text.RegularExpressions.Regex.Matches(definitions["billing_run_community"], "'[a-z-]+'").Select(m => m.Value).Order());
    }
}

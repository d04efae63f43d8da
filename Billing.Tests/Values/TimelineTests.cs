using NodaTime;
using RedProperty.Billing.Core;

namespace RedProperty.Billing.Tests.Values;

/// <summary>Effective-dated values at their edges: the day a value starts, the day before, and the window a change must fall in.</summary>
[Trait("Category", "Core")]
public class TimelineTests
{
    private static readonly LocalDate March1 = new(2026, 3, 1);
    private static readonly LocalDate October16 = new(2026, 10, 16);

    // "a" from 1 March 2026, "b" from 16 October 2026.
    private static readonly Timeline<string> AThenB = new([new Dated<string>(October16, "b"), new Dated<string>(March1, "a")]);

    [Fact]
    public void A_value_holds_from_its_first_day_and_the_first_value_covers_every_earlier_day()
    {
        Assert.Equal("a", AThenB.ValueOn(new LocalDate(2000, 1, 1)));
        Assert.Equal("a", AThenB.ValueOn(March1));
        Assert.Equal("a", AThenB.ValueOn(October16.PlusDays(-1)));
        Assert.Equal("b", AThenB.ValueOn(October16));
        Assert.Equal("b", AThenB.ValueOn(new LocalDate(2099, 12, 31)));
        Assert.Equal([March1, October16], AThenB.Entries.Select(e => e.From));
    }

    [Theory]
    //           start        end          change within
    [InlineData("2026-10-15", "2026-10-31", true)]   // the day before the change: it falls after the start
    [InlineData("2026-10-16", "2026-10-31", false)]  // starting on the change: it is not a change within
    [InlineData("2026-10-01", "2026-10-16", true)]   // ending on the change: it counts
    [InlineData("2026-10-01", "2026-10-15", false)]  // ending the day before: it does not
    public void A_change_counts_strictly_after_the_start_and_up_to_the_end(string start, string end, bool within)
    {
        var (from, to) = (LocalDate.FromDateTime(DateTime.Parse(start)), LocalDate.FromDateTime(DateTime.Parse(end)));
        var cuts = new List<LocalDate>();

        AThenB.AddChangesWithin(from, to, cuts);

        Assert.Equal(within, AThenB.HasChangesWithin(from, to));
        Assert.Equal(within ? [October16] : [], cuts);
    }

    [Fact]
    public void The_first_value_is_never_a_change()
    {
        // 1 March starts the first value: it is how the home always was, not a change on that day.
        var cuts = new List<LocalDate>();

        AThenB.AddChangesWithin(new LocalDate(2026, 2, 1), new LocalDate(2026, 3, 31), cuts);

        Assert.False(AThenB.HasChangesWithin(new LocalDate(2026, 2, 1), new LocalDate(2026, 3, 31)));
        Assert.Empty(cuts);
    }

    [Fact]
    public void A_value_that_never_changes_has_one_entry_from_the_earliest_date()
    {
        var always = Timeline<int>.Always(7);

        Assert.Equal([new Dated<int>(LocalDate.MinIsoValue, 7)], always.Entries);
        Assert.False(always.HasChangesWithin(LocalDate.MinIsoValue, LocalDate.MaxIsoValue));
    }

    [Fact]
    public void A_timeline_needs_an_entry_and_one_value_per_day()
    {
        var empty = Assert.Throws<ArgumentException>(() => new Timeline<string>([]));
        var twice = Assert.Throws<ArgumentException>(() => new Timeline<string>([new Dated<string>(March1, "a"), new Dated<string>(October16, "b"), new Dated<string>(March1, "c")]));

        Assert.StartsWith("A timeline needs at least one entry.", empty.Message, StringComparison.Ordinal);
        Assert.StartsWith("Two entries start on 2026-03-01.", twice.Message, StringComparison.Ordinal);
    }
}

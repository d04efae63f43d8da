using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Core.Subsidies;
using RedProperty.Billing.Core.Validation;
using static RedProperty.Billing.Tests.Support.TestRegister;

namespace RedProperty.Billing.Tests.Subsidies;

/// <summary>Which policy version pays on a date, and on which days inside a month a version starts or ends.</summary>
[Trait("Category", "Core")]
public class SubsidyCatalogTests
{
    private static SubsidyPolicyVersion Version(string name, LocalDate from, LocalDate? to = null, decimal rate = 0.10m) =>
        SubsidyTests.Policy(rate: rate, name: name, from: from) with { EffectiveTo = to };

    private static readonly LocalDate October1 = new(2026, 10, 1);
    private static readonly LocalDate October31 = new(2026, 10, 31);

    [Theory]
    // A version starting on the first day changes nothing inside the month; from the 2nd to the last day it cuts it.
    [InlineData("2026-10-01", null, false)]
    [InlineData("2026-10-02", null, true)]
    [InlineData("2026-10-31", null, true)]
    [InlineData("2026-11-01", null, false)]
    // A version ending on the last day changes nothing; ending on any earlier day of the month (even the 1st) cuts it.
    [InlineData("2026-01-01", "2026-10-31", false)]
    [InlineData("2026-01-01", "2026-10-30", true)]
    [InlineData("2026-01-01", "2026-10-01", true)]
    [InlineData("2026-01-01", "2026-09-30", false)]
    public void A_version_starting_or_ending_inside_the_month_is_a_change_and_the_edges_are_not(string from, string? to, bool change)
    {
        var catalog = SubsidyCatalog.Create([("p.json", Version("p", Date(from), to is null ? null : Date(to)))]);

        Assert.Equal(change, catalog.HasChangesWithin(October1, October31));
    }

    [Fact]
    public void The_cuts_are_the_start_of_each_new_version_and_the_day_after_each_end()
    {
        // p: one version to 10-09, the next from 10-10; q: ends on 10-20, so from 10-21 nothing pays.
        var catalog = SubsidyCatalog.Create([
            ("p1.json", Version("p", new LocalDate(2026, 1, 1), new LocalDate(2026, 10, 9))),
            ("p2.json", Version("p", new LocalDate(2026, 10, 10))),
            ("q.json", Version("q", new LocalDate(2025, 1, 1), new LocalDate(2026, 10, 20))),
            ("r.json", Version("r", new LocalDate(2025, 1, 1), October31)),
            ("s.json", Version("s", October1)),
        ]);
        var cuts = new List<LocalDate>();

        catalog.AddChangesWithin(October1, October31, cuts);

        Assert.Equal([new LocalDate(2026, 10, 10), new LocalDate(2026, 10, 10), new LocalDate(2026, 10, 21)], cuts);
        Assert.True(catalog.HasChangesWithin(October1, October31));
    }

    [Theory]
    [InlineData("2026-10-01", "2026-09-30", "2026-10-31", "")]
    [InlineData("2026-11-01", "2026-09-29", "2026-11-01", "")]
    [InlineData("2026-10-31", "2026-10-01", "2026-10-30", "2026-10-31,2026-10-02,2026-10-31")]
    public void A_start_on_the_first_day_and_an_end_on_the_last_add_no_cut_one_day_inside_does(string from, string endsOnFirst, string endsOnLast, string expected)
    {
        // "from" is a version's start; the other two are ends of versions that began long before.
        var catalog = SubsidyCatalog.Create([
            ("a.json", Version("a", Date(from))),
            ("b.json", Version("b", new LocalDate(2020, 1, 1), Date(endsOnFirst))),
            ("c.json", Version("c", new LocalDate(2020, 1, 1), Date(endsOnLast))),
        ]);
        var cuts = new List<LocalDate>();

        catalog.AddChangesWithin(October1, October31, cuts);

        Assert.Equal(expected, string.Join(",", cuts.Select(d => d.ToString("yyyy-MM-dd", null))));
    }

    [Theory]
    [InlineData("2022-01-01", true)]
    [InlineData("2021-12-31", false)]
    [InlineData("2022-12-31", true)]
    [InlineData("2023-01-01", false)]
    public void A_version_covers_its_first_and_last_day(string date, bool covered)
    {
        var version = Version("p", new LocalDate(2022, 1, 1), new LocalDate(2022, 12, 31));

        Assert.Equal(covered, version.Covers(Date(date)));
        Assert.Equal(covered, SubsidyCatalog.Create([("p.json", version)]).For(Community(), ServiceLevel.Stars(2), Date(date)).Version is not null);
    }

    [Fact]
    public void A_policy_limited_to_communities_and_levels_pays_only_there()
    {
        var version = Version("p", new LocalDate(2022, 1, 1)) with
        {
            Communities = new HashSet<string> { "T" },
            Levels = new HashSet<ServiceLevel> { ServiceLevel.Stars(2) },
        };

        Assert.True(version.AppliesTo(Community(), ServiceLevel.Stars(2)));
        Assert.False(version.AppliesTo(Community(), ServiceLevel.Stars(3)));
        Assert.False(version.AppliesTo(Community() with { Code = new CommunityCode("U") }, ServiceLevel.Stars(2)));
        Assert.False(version.AppliesTo(Community() with { District = "别的区" }, ServiceLevel.Stars(2)));
    }

    [Fact]
    public void Two_policies_paying_for_the_same_household_are_named_in_the_problem()
    {
        var catalog = SubsidyCatalog.Create([("a.json", Version("a", new LocalDate(2022, 1, 1))), ("b.json", Version("b", new LocalDate(2023, 1, 1)))]);

        var (version, problem) = catalog.For(Community(), ServiceLevel.Stars(2), new LocalDate(2026, 10, 1));

        Assert.Null(version);
        Assert.Equal("subsidy policies a@2022-01-01 and b@2023-01-01 both apply to community T on 2026-10-01", problem);
        // Before b starts only a pays.
        Assert.Equal("a@2022-01-01", catalog.For(Community(), ServiceLevel.Stars(2), new LocalDate(2022, 12, 31)).Version!.VersionId);
    }

    [Fact]
    public void A_policy_that_does_not_apply_does_not_make_another_ambiguous()
    {
        var other = Version("b", new LocalDate(2022, 1, 1)) with { District = "别的区" };
        var catalog = SubsidyCatalog.Create([("a.json", Version("a", new LocalDate(2022, 1, 1))), ("b.json", other)]);

        var (version, problem) = catalog.For(Community(), ServiceLevel.Stars(2), new LocalDate(2026, 10, 1));

        Assert.Null(problem);
        Assert.Equal("a", version!.Policy);
    }

    [Fact]
    public void The_version_in_force_of_each_policy_is_its_latest_started()
    {
        var catalog = SubsidyCatalog.Create([
            ("p2.json", Version("p", new LocalDate(2023, 1, 1), rate: 0.20m)),
            ("p1.json", Version("p", new LocalDate(2022, 1, 1), rate: 0.30m)),
            ("q.json", Version("q", new LocalDate(2022, 6, 1), new LocalDate(2022, 12, 31))),
        ]);

        Assert.Equal(["p@2022-01-01", "q@2022-06-01"], catalog.InForce(new LocalDate(2022, 6, 1)).Select(v => v.VersionId).Order(StringComparer.Ordinal));
        Assert.Equal(["p@2023-01-01"], catalog.InForce(new LocalDate(2023, 1, 1)).Select(v => v.VersionId));
        Assert.Empty(catalog.InForce(new LocalDate(2021, 12, 31)));
        Assert.Equal(3, catalog.Versions.Count);
        Assert.Empty(SubsidyCatalog.Empty.Versions);
    }

    [Fact]
    public void Versions_of_a_policy_with_a_gap_between_them_are_refused_with_the_days_left_unpaid()
    {
        // p runs to 2022-06-30 and its next version starts 2022-08-01: July would have no subsidy.
        // q stands alone and is not part of the problem.
        var error = Assert.Throws<InputRejectedException>(() => SubsidyCatalog.Create([
            ("rates/subsidies/p/2022-08-01.json", Version("p", new LocalDate(2022, 8, 1))),
            ("rates/subsidies/p/2022-01-01.json", Version("p", new LocalDate(2022, 1, 1), new LocalDate(2022, 6, 30))),
            ("rates/subsidies/q/2022-01-01.json", Version("q", new LocalDate(2022, 1, 1))),
        ]));

        Assert.Equal(
            new InputError("rates/subsidies/p/2022-01-01.json", null, "effectiveTo", "subsidy.version.gap",
                "p@2022-01-01 ends 2022-06-30 but p@2022-08-01 starts 2022-08-01: no subsidy from 2022-07-01 to 2022-07-31"),
            Assert.Single(error.Errors));
    }

    [Fact]
    public void Two_versions_of_a_policy_from_the_same_day_are_refused()
    {
        var error = Assert.Throws<InputRejectedException>(() => SubsidyCatalog.Create([
            ("a.json", Version("p", new LocalDate(2022, 1, 1))),
            ("b.json", Version("p", new LocalDate(2022, 1, 1), rate: 0.20m)),
        ]));

        Assert.Equal(("a.json, b.json", "subsidy.version.duplicate"), (Assert.Single(error.Errors).Source, error.Errors[0].Code));
    }

    private static LocalDate Date(string iso) => NodaTime.Text.LocalDatePattern.Iso.Parse(iso).Value;
}

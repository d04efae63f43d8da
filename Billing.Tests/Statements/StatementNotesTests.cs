using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Parking;
using RedProperty.Billing.Core.Rates;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Core.Statements;
using static RedProperty.Billing.Tests.Support.TestRegister;

namespace RedProperty.Billing.Tests.Statements;

/// <summary>
/// The sentences printed under a statement's lines, read as a resident reads them: each example is
/// billed by the engine as the monthly run bills it, and the expected text is written out by hand.
/// October 2026 has 31 days throughout.
/// </summary>
[Trait("Category", "Core")]
public class StatementNotesTests
{
    private static readonly YearMonth October = new(2026, 10);

    private const string Changed = "当月收费标准、服务等级或房屋面积在月中变化，";

    private static readonly RateBookVersion TwoLevels = Book(
        prices:
        [
            new LevelPrice(ServiceLevel.Stars(2), null, new AreaPrice(0.40m), 0m),
            new LevelPrice(ServiceLevel.Stars(3), null, new AreaPrice(0.50m), 0m),
        ]);

    private static readonly Timeline<LevelAssignment> ThreeStarsFromThe16th = Changes(
        (Start, new LevelAssignment(ServiceLevel.Stars(2))),
        (new LocalDate(2026, 10, 16), new LevelAssignment(ServiceLevel.Stars(3))));

    private static StatementModel Statement(
        Household household, Community? community = null, RateBookVersion? book = null, ParkingMonth? parking = null)
    {
        var bill = BillingEngine.BillCommunity(community ?? Community(), [household], Catalog(book ?? Book()), October, StatementCalendar.Default,
            parking: parking);
        Assert.Empty(bill.Problems);
        return Assert.Single(bill.Statements);
    }

    private static IReadOnlyList<string> Notes(Household household, Community? community = null, RateBookVersion? book = null, ParkingMonth? parking = null) =>
        StatementNotes.For(Statement(household, community, book, parking));

    [Fact]
    public void A_whole_occupied_month_needs_no_note()
    {
        Assert.Empty(Notes(Household(100.00m)));
    }

    [Fact]
    public void A_home_handed_over_on_the_10th_says_it_was_handed_over_and_bills_22_of_31_days()
    {
        // Not billed until the 9th, occupied from the 10th: 10–31 October is 31 − 10 + 1 = 22 days.
        var household = Household(100.00m, Changes((Start, Occupancy.NotBilled), (new LocalDate(2026, 10, 10), Occupancy.Occupied)));

        Assert.Equal(["10月10日至10月31日计 22 天，房屋于10月10日交付入住，按 22/31 个月计费。"], Notes(household));
    }

    [Fact]
    public void A_resident_moving_back_in_on_the_10th_after_an_earlier_move_out_says_moved_in_not_handed_over()
    {
        // Occupied from 2022, not billed from March 2026, back on 10 October: billed before, so 迁入.
        var household = Household(100.00m, Changes(
            (Start, Occupancy.Occupied), (new LocalDate(2026, 3, 1), Occupancy.NotBilled), (new LocalDate(2026, 10, 10), Occupancy.Occupied)));

        Assert.Equal(["10月10日至10月31日计 22 天，10月10日迁入，按 22/31 个月计费。"], Notes(household));
    }

    [Fact]
    public void A_home_handed_over_on_the_2nd_counts_1_to_31_as_not_billed_before()
    {
        // One day after the month starts: the day before (1 October) is read, and it was never billed.
        // 2–31 October is 30 days.
        var household = Household(100.00m, Changes((Start, Occupancy.NotBilled), (new LocalDate(2026, 10, 2), Occupancy.Occupied)));

        Assert.Equal(["10月2日至10月31日计 30 天，房屋于10月2日交付入住，按 30/31 个月计费。"], Notes(household));
    }

    [Fact]
    public void A_move_out_on_the_21st_says_from_when_the_home_is_no_longer_billed()
    {
        // Occupied 1–20 October (20 days), not billed from the 21st.
        var household = Household(100.00m, Changes((Start, Occupancy.Occupied), (new LocalDate(2026, 10, 21), Occupancy.NotBilled)));

        Assert.Equal(["10月1日至10月20日计 20 天，10月21日起已迁出，按 20/31 个月计费。"], Notes(household));
    }

    [Fact]
    public void A_move_out_recorded_as_moved_out_says_so_too()
    {
        // The register's 迁出 (moved-out) row, not only 未交付: occupied 1–20 October (20 days).
        var household = Household(100.00m, Changes((Start, Occupancy.Occupied), (new LocalDate(2026, 10, 21), Occupancy.MovedOut)));

        Assert.Equal(["10月1日至10月20日计 20 天，10月21日起已迁出，按 20/31 个月计费。"], Notes(household));
    }

    [Fact]
    public void Moving_back_in_after_a_moved_out_row_says_moved_in()
    {
        // Moved out in March, back on 10 October: 10–31 October is 22 days.
        var household = Household(100.00m, Changes(
            (Start, Occupancy.Occupied), (new LocalDate(2026, 3, 1), Occupancy.MovedOut), (new LocalDate(2026, 10, 10), Occupancy.Occupied)));

        Assert.Equal(["10月10日至10月31日计 22 天，10月10日迁入，按 22/31 个月计费。"], Notes(household));
    }

    [Fact]
    public void Billing_that_starts_on_the_1st_is_not_the_reason_for_a_move_out_later_that_month()
    {
        // Billing starts 1 October; the resident moves out on the 21st: 1–20 October, 20 days.
        var community = Community(billingStart: new LocalDate(2026, 10, 1));
        var household = Household(100.00m, Changes((Start, Occupancy.Occupied), (new LocalDate(2026, 10, 21), Occupancy.MovedOut)));

        Assert.Equal(["10月1日至10月20日计 20 天，10月21日起已迁出，按 20/31 个月计费。"], Notes(household, community));
    }

    [Fact]
    public void A_move_out_on_the_last_day_bills_30_days()
    {
        // Not billed from 31 October: 1–30 October is 30 days.
        var household = Household(100.00m, Changes((Start, Occupancy.Occupied), (new LocalDate(2026, 10, 31), Occupancy.NotBilled)));

        Assert.Equal(["10月1日至10月30日计 30 天，10月31日起已迁出，按 30/31 个月计费。"], Notes(household));
    }

    [Fact]
    public void A_home_handed_over_on_the_1st_and_moved_out_on_the_21st_gives_the_move_out_as_the_reason()
    {
        // The hand-over on 1 October starts the month, it does not cut it: the part month is the move-out's.
        var household = Household(100.00m, Changes(
            (Start, Occupancy.NotBilled), (new LocalDate(2026, 10, 1), Occupancy.Occupied), (new LocalDate(2026, 10, 21), Occupancy.NotBilled)));

        Assert.Equal(["10月1日至10月20日计 20 天，10月21日起已迁出，按 20/31 个月计费。"], Notes(household));
    }

    [Fact]
    public void A_hand_over_on_the_10th_and_a_move_out_on_the_21st_give_each_reason_once()
    {
        // 10–20 October: 11 days. The part starts at the hand-over, which is the reason given.
        var household = Household(100.00m, Changes(
            (Start, Occupancy.NotBilled), (new LocalDate(2026, 10, 10), Occupancy.Occupied), (new LocalDate(2026, 10, 21), Occupancy.NotBilled)));

        Assert.Equal(["10月10日至10月20日计 11 天，房屋于10月10日交付入住，按 11/31 个月计费。"], Notes(household));
    }

    [Fact]
    public void A_community_that_starts_billing_on_the_16th_says_so()
    {
        // Billing starts 16 October: 16–31 October is 16 days.
        var community = Community(billingStart: new LocalDate(2026, 10, 16));

        Assert.Equal(["10月16日至10月31日计 16 天，本小区自该日起开始收费（先服务、后收费），按 16/31 个月计费。"],
            Notes(Household(100.00m), community));
    }

    [Fact]
    public void A_community_that_starts_billing_on_the_same_day_as_a_hand_over_gives_the_billing_start()
    {
        var community = Community(billingStart: new LocalDate(2026, 10, 16));
        var household = Household(100.00m, Changes((Start, Occupancy.NotBilled), (new LocalDate(2026, 10, 16), Occupancy.Occupied)));

        Assert.Equal(["10月16日至10月31日计 16 天，本小区自该日起开始收费（先服务、后收费），按 16/31 个月计费。"],
            Notes(household, community));
    }

    [Fact]
    public void A_level_change_on_the_16th_explains_both_parts()
    {
        // 1–15 October at 2 stars (15 days), 16–31 October at 3 stars (16 days).
        var notes = Notes(Household(100.00m), Community(levels: ThreeStarsFromThe16th), TwoLevels);

        Assert.Equal(
        [
            $"10月1日至10月15日计 15 天，{Changed}按 15/31 个月计费。",
            $"10月16日至10月31日计 16 天，{Changed}按 16/31 个月计费。",
        ], notes);
    }

    [Fact]
    public void A_move_out_on_the_1st_of_next_month_is_not_the_reason_for_a_part_ending_on_the_31st()
    {
        // Not billed from 1 November: October is not cut by it, only by the level change.
        var household = Household(100.00m, Changes((Start, Occupancy.Occupied), (new LocalDate(2026, 11, 1), Occupancy.NotBilled)));

        var notes = Notes(household, Community(levels: ThreeStarsFromThe16th), TwoLevels);

        Assert.Equal(
        [
            $"10月1日至10月15日计 15 天，{Changed}按 15/31 个月计费。",
            $"10月16日至10月31日计 16 天，{Changed}按 16/31 个月计费。",
        ], notes);
    }

    [Fact]
    public void A_vacancy_from_the_1st_of_next_month_is_neither_a_reason_nor_a_vacancy_note()
    {
        var household = Household(100.00m, Changes((Start, Occupancy.Occupied), (new LocalDate(2026, 11, 1), Occupancy.Vacant)));

        var notes = Notes(household, Community(levels: ThreeStarsFromThe16th), TwoLevels with { Vacancy = new VacancyRule(0.70m) });

        Assert.Equal(
        [
            $"10月1日至10月15日计 15 天，{Changed}按 15/31 个月计费。",
            $"10月16日至10月31日计 16 天，{Changed}按 16/31 个月计费。",
        ], notes);
    }

    [Fact]
    public void A_home_vacant_all_month_under_a_vacancy_share_says_the_share_and_how_to_end_it()
    {
        var household = Household(100.00m, Timeline<Occupancy>.Always(Occupancy.Vacant));

        Assert.Equal(["本房屋登记为空置房，空置期间物业服务费按 70% 计收（收费标准规定）。入住后请到物业服务中心登记，自入住日起按全额计收。"],
            Notes(household, book: Book(vacancy: new VacancyRule(0.70m))));
    }

    [Fact]
    public void A_vacancy_share_with_a_fraction_of_a_percent_prints_it()
    {
        // 0.655 × 100 = 65.5 %.
        var household = Household(100.00m, Timeline<Occupancy>.Always(Occupancy.Vacant));

        Assert.Equal(["本房屋登记为空置房，空置期间物业服务费按 65.5% 计收（收费标准规定）。入住后请到物业服务中心登记，自入住日起按全额计收。"],
            Notes(household, book: Book(vacancy: new VacancyRule(0.655m))));
    }

    [Fact]
    public void A_home_vacant_all_month_whose_level_changes_gets_one_vacancy_note_for_both_parts()
    {
        // 1–15 October and 16–31 October, both vacant at 70 %.
        var household = Household(100.00m, Timeline<Occupancy>.Always(Occupancy.Vacant));

        var notes = Notes(household, Community(levels: ThreeStarsFromThe16th), TwoLevels with { Vacancy = new VacancyRule(0.70m) });

        // Only the level changed, so that is the reason given for both parts, not the vacancy.
        Assert.Equal(3, notes.Count);
        Assert.Equal("10月1日至10月15日计 15 天，" + Changed + "按 15/31 个月计费。", notes[0]);
        Assert.Equal("10月16日至10月31日计 16 天，" + Changed + "按 16/31 个月计费。", notes[1]);
        Assert.Equal("本房屋登记为空置房，空置期间物业服务费按 70% 计收（收费标准规定）。入住后请到物业服务中心登记，自入住日起按全额计收。", notes[2]);
    }

    [Fact]
    public void A_home_vacant_all_month_without_a_vacancy_rule_is_told_it_pays_in_full()
    {
        var household = Household(100.00m, Timeline<Occupancy>.Always(Occupancy.Vacant));

        Assert.Equal(["本房屋登记为空置房。本小区收费标准未设空置房优惠，空置期间物业服务费按全额计收。"], Notes(household));
    }

    [Fact]
    public void A_vacancy_that_ended_before_the_month_gives_no_vacancy_note()
    {
        // Vacant through September, occupied from 1 October: October is a whole occupied month.
        var household = Household(100.00m, Changes(
            (Start, Occupancy.Occupied), (new LocalDate(2026, 9, 1), Occupancy.Vacant), (new LocalDate(2026, 10, 1), Occupancy.Occupied)));

        Assert.Empty(Notes(household, book: Book(vacancy: new VacancyRule(0.70m))));
    }

    [Fact]
    public void A_vacancy_ending_on_the_15th_says_the_vacancy_changed_and_names_the_share_of_the_vacant_part()
    {
        // Vacant 1–14 October at 70 %, occupied 15–31 October (17 days) in full.
        var household = Household(100.00m, Changes((Start, Occupancy.Vacant), (new LocalDate(2026, 10, 15), Occupancy.Occupied)));

        var notes = Notes(household, book: Book(vacancy: new VacancyRule(0.70m)));

        Assert.Equal(3, notes.Count);
        Assert.Equal("10月1日至10月14日计 14 天，空置状态在月中变化，按 14/31 个月计费。", notes[0]);
        Assert.Equal("10月15日至10月31日计 17 天，空置状态在月中变化，按 17/31 个月计费。", notes[1]);
        Assert.Equal("本房屋登记为空置房，空置期间物业服务费按 70% 计收（收费标准规定）。入住后请到物业服务中心登记，自入住日起按全额计收。", notes[2]);
    }

    [Fact]
    public void A_vacancy_starting_on_the_15th_says_the_vacancy_changed_and_names_the_share_of_the_vacant_part()
    {
        // Occupied 1–14 October (14 days) in full, vacant 15–31 October at 70 %: the share is the vacant part's, not the first part's 100 %.
        var household = Household(100.00m, Changes((Start, Occupancy.Occupied), (new LocalDate(2026, 10, 15), Occupancy.Vacant)));

        var notes = Notes(household, book: Book(vacancy: new VacancyRule(0.70m)));

        Assert.Equal(3, notes.Count);
        Assert.Equal("10月1日至10月14日计 14 天，空置状态在月中变化，按 14/31 个月计费。", notes[0]);
        Assert.Equal("10月15日至10月31日计 17 天，空置状态在月中变化，按 17/31 个月计费。", notes[1]);
        Assert.Equal("本房屋登记为空置房，空置期间物业服务费按 70% 计收（收费标准规定）。入住后请到物业服务中心登记，自入住日起按全额计收。", notes[2]);
    }

    [Fact]
    public void A_vacancy_starting_on_the_last_day_still_gets_the_vacancy_note()
    {
        // Occupied 1–30 October (30 days), vacant on the 31st only.
        var household = Household(100.00m, Changes((Start, Occupancy.Occupied), (new LocalDate(2026, 10, 31), Occupancy.Vacant)));

        var notes = Notes(household);

        Assert.Equal(3, notes.Count);
        Assert.Equal("10月1日至10月30日计 30 天，空置状态在月中变化，按 30/31 个月计费。", notes[0]);
        Assert.Equal("本房屋登记为空置房。本小区收费标准未设空置房优惠，空置期间物业服务费按全额计收。", notes[2]);
    }

    [Fact]
    public void Fee_items_of_a_part_month_do_not_repeat_its_note()
    {
        // The waste fee is prorated over the same 22 days as the property fee; the note is printed once.
        var book = Book(items: [new FeeItem("waste", "生活垃圾清运费", FeeBasis.PerHousehold, 5.00m, null, VacantCharge.None)]);
        var household = Household(100.00m, Changes((Start, Occupancy.NotBilled), (new LocalDate(2026, 10, 10), Occupancy.Occupied)));

        var statement = Statement(household, book: book);

        Assert.Equal(2, statement.Lines.Count);
        Assert.Equal(["10月10日至10月31日计 22 天，房屋于10月10日交付入住，按 22/31 个月计费。"], StatementNotes.For(statement));
    }

    [Fact]
    public void The_parking_pool_note_gives_the_pool_the_number_of_permits_and_the_floor()
    {
        // 3,000.00 of lease income over 2 permits: each 150.00 permit can come down by 100.00 to its 50.00 floor.
        var parking = new ParkingMonth(new Money(3000m),
            new Dictionary<HouseholdCode, IReadOnlyList<PermitMonth>>
            {
                [new HouseholdCode("T-1")] =
                [
                    new PermitMonth("A-001#17", new Money(150m), new Money(50m), 1m),
                    new PermitMonth("A-002#18", new Money(150m), new Money(50m), 1m),
                ],
            },
            "tcjy-parking@2022-01-01");

        Assert.Equal(
        [
            "共享停车：本月白天错峰出租车位的租金 3000.00 元全部用于降低居民月卡费，由 2 张月卡平均分摊；"
            + "每张月卡最多降到 50.00 元/月的保底价，保底价以下不再减免，用不完的收益结转下月继续抵扣，并在本小区明白账中公示。",
        ], Notes(Household(100.00m), parking: parking));
    }

    [Fact]
    public void Each_permit_gets_its_price_line_and_its_reduction_line()
    {
        // Two 150.00 permits share 3,000.00: each comes down 100.00 to its 50.00 floor.
        var parking = new ParkingMonth(new Money(3000m),
            new Dictionary<HouseholdCode, IReadOnlyList<PermitMonth>>
            {
                [new HouseholdCode("T-1")] =
                [
                    new PermitMonth("A-001#17", new Money(150m), new Money(50m), 1m),
                    new PermitMonth("A-002#18", new Money(150m), new Money(50m), 1m),
                ],
            },
            "tcjy-parking@2022-01-01");

        var parkingLines = Statement(Household(100.00m), parking: parking).Lines.Skip(1).ToList();

        Assert.Equal(["停车费（居民月卡）", "共享停车收益抵扣", "停车费（居民月卡）", "共享停车收益抵扣"], parkingLines.Select(l => l.Label));
        Assert.Equal([150.00m, -100.00m, 150.00m, -100.00m], parkingLines.Select(l => l.Amount.Yuan));
        Assert.All(parkingLines, l => Assert.Equal("tcjy-parking@2022-01-01", l.RateVersion));
    }

    [Fact]
    public void Without_a_pool_reduction_a_permit_line_has_no_pool_note()
    {
        // An empty pool reduces nothing, so there is a permit line and no reduction line to explain.
        var parking = new ParkingMonth(Money.Zero,
            new Dictionary<HouseholdCode, IReadOnlyList<PermitMonth>>
            {
                [new HouseholdCode("T-1")] = [new PermitMonth("A-001#17", new Money(150m), new Money(50m), 1m)],
            },
            "tcjy-parking@2022-01-01");

        var statement = Statement(Household(100.00m), parking: parking);

        Assert.Equal(2, statement.Lines.Count);
        Assert.Empty(StatementNotes.For(statement));
    }
}

using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Parking;
using RedProperty.Billing.Core.Validation;

namespace RedProperty.Billing.Tests.Parking;

/// <summary>
/// The parking price file at its edges: a price of exactly 0 or with exactly two decimals, a floor
/// exactly at the permit price, a daytime window one minute long, and the version that applies from
/// exactly its first day. Each error names its line, field, code and message, as an editor sees it.
/// </summary>
[Trait("Category", "Core")]
public sealed class ParkingRatesEdgeTests
{
    private const string Source = "rates/parking/p/2022-01-01.json";

    /// <summary>A valid file, one member a line, so line numbers are easy to count: line 1 is "{".</summary>
    private static string File(
        string book = "\"p\"",
        string operators = "[\"OP\"]",
        string effectiveFrom = "\"2022-01-01\"",
        string permit = "150",
        string floor = "50",
        string hourly = "5",
        string monthly = "300",
        string? extra = null) =>
        "{\n"
        + $"  \"parkingBook\": {book},\n" // line 2
        + $"  \"operators\": {operators},\n" // line 3
        + $"  \"effectiveFrom\": {effectiveFrom},\n" // line 4
        + $"  \"residentPermitMonthly\": {permit},\n" // line 5
        + $"  \"floorMonthly\": {floor},\n" // line 6
        + $"  \"leaseHourly\": {hourly},\n" // line 7
        + $"  \"leaseMonthly\": {monthly}" // line 8
        + (extra is null ? string.Empty : ",\n  " + extra) // line 9
        + "\n}";

    private static InputError SingleError(string json, string? expectedName = "p", LocalDate? expectedDate = null)
    {
        var (rates, errors) = ParkingRatesParser.Parse(Source, json, expectedName, expectedDate ?? new LocalDate(2022, 1, 1));
        Assert.Null(rates);
        return Assert.Single(errors);
    }

    [Fact]
    public void A_complete_file_gives_every_price_the_window_the_calendar_and_the_version_id()
    {
        var json = File(extra: "\"title\": \"共享停车\", \"source\": \"都匀\", \"daytime\": { \"from\": \"07:30\", \"to\": \"19:00\", \"workingDaysOnly\": false }, "
            + "\"holidays\": [\"2026-10-01\", \"2026-10-02\"], \"makeUpWorkdays\": [\"2026-10-10\"]");

        var (rates, errors) = ParkingRatesParser.Parse(Source, json, "p", new LocalDate(2022, 1, 1));

        Assert.Empty(errors);
        Assert.NotNull(rates);
        Assert.Equal(("p", "p@2022-01-01", "共享停车", "都匀"), (rates.Book, rates.VersionId, rates.Title, rates.Source));
        Assert.Equal(["OP"], rates.Operators);
        Assert.Equal(new LocalDate(2022, 1, 1), rates.EffectiveFrom);
        Assert.Equal((150m, 50m, 5m, 300m), (rates.PermitMonthly.Yuan, rates.FloorMonthly.Yuan, rates.LeaseHourly.Yuan, rates.LeaseMonthly.Yuan));
        Assert.Equal(new DailyWindow(new LocalTime(7, 30), new LocalTime(19, 0), false), rates.Daytime);
        Assert.Equal([new LocalDate(2026, 10, 1), new LocalDate(2026, 10, 2)], rates.Calendar.Holidays.Order());
        Assert.Equal([new LocalDate(2026, 10, 10)], rates.Calendar.MakeUpWorkdays);
    }

    [Fact]
    public void Without_a_daytime_the_window_is_working_days_08_to_18_and_without_a_source_it_is_empty()
    {
        var (rates, errors) = ParkingRatesParser.Parse(Source, File());

        Assert.Empty(errors);
        Assert.Equal(DailyWindow.WorkingDayDaytime, rates!.Daytime);
        Assert.Equal((string.Empty, (string?)null), (rates.Source, rates.Title));
        Assert.Empty(rates.Calendar.Holidays);
        Assert.Empty(rates.Calendar.MakeUpWorkdays);
    }

    [Fact]
    public void A_daytime_window_one_minute_long_is_accepted_and_works_on_working_days_unless_told()
    {
        var (rates, errors) = ParkingRatesParser.Parse(Source, File(extra: "\"daytime\": { \"from\": \"08:00\", \"to\": \"08:01\" }"));

        Assert.Empty(errors);
        Assert.Equal(new DailyWindow(new LocalTime(8, 0), new LocalTime(8, 1), true), rates!.Daytime);
    }

    [Theory]
    [InlineData("{ \"from\": \"08:00\", \"to\": \"08:00\" }")] // ends as it starts
    [InlineData("{ \"from\": \"08:01\", \"to\": \"08:00\" }")] // ends a minute before it starts
    [InlineData("{ \"from\": \"8am\", \"to\": \"18:00\" }")]
    [InlineData("{ \"from\": \"08:00\", \"to\": \"6pm\" }")]
    [InlineData("{ \"to\": \"18:00\" }")]
    [InlineData("{ \"from\": \"08:00\" }")]
    public void A_daytime_that_is_not_a_window_in_one_day_is_refused(string daytime)
    {
        var error = SingleError(File(extra: $"\"daytime\": {daytime}"));

        Assert.Equal(
            (Source, (int?)9, "daytime", "parking.daytime.invalid", "daytime is { \"from\": \"08:00\", \"to\": \"18:00\" } with from before to"),
            (error.Source, error.Row, error.Field, error.Code, error.Message));
    }

    [Theory]
    [InlineData("0", "0", "0", "0")] // everything free is a price too
    [InlineData("150.01", "150.01", "0.01", "299.99")] // two decimals, floor equal to the permit price
    public void Prices_of_0_or_more_with_at_most_two_decimals_are_accepted(string permit, string floor, string hourly, string monthly)
    {
        var (rates, errors) = ParkingRatesParser.Parse(Source, File(permit: permit, floor: floor, hourly: hourly, monthly: monthly));

        Assert.Empty(errors);
        Assert.Equal(
            (decimal.Parse(permit, System.Globalization.CultureInfo.InvariantCulture), decimal.Parse(monthly, System.Globalization.CultureInfo.InvariantCulture)),
            (rates!.PermitMonthly.Yuan, rates.LeaseMonthly.Yuan));
    }

    [Theory]
    [InlineData("residentPermitMonthly", 5, "150.001")]
    [InlineData("residentPermitMonthly", 5, "null")]
    [InlineData("floorMonthly", 6, "-0.01")]
    [InlineData("floorMonthly", 6, "49.999")]
    [InlineData("floorMonthly", 6, "null")]
    [InlineData("leaseHourly", 7, "-0.01")]
    [InlineData("leaseHourly", 7, "5.005")]
    [InlineData("leaseHourly", 7, "null")]
    [InlineData("leaseMonthly", 8, "-0.01")]
    [InlineData("leaseMonthly", 8, "300.001")]
    [InlineData("leaseMonthly", 8, "null")]
    public void A_price_below_0_with_more_than_two_decimals_or_missing_is_refused_on_its_line(string field, int line, string value)
    {
        var json = field switch
        {
            "residentPermitMonthly" => File(permit: value, floor: "0"),
            "floorMonthly" => File(floor: value),
            "leaseHourly" => File(hourly: value),
            _ => File(monthly: value),
        };

        var error = SingleError(json);

        Assert.Equal(
            ((int?)line, field, "parking.price.invalid", $"{field} is a price in yuan, 0 or more, with at most two decimals"),
            (error.Row, error.Field, error.Code, error.Message));
    }

    [Fact]
    public void A_permit_price_below_0_is_refused_and_a_floor_equal_to_it_is_not_above_it()
    {
        var (rates, errors) = ParkingRatesParser.Parse(Source, File(permit: "-0.01", floor: "-0.01"));

        Assert.Null(rates);
        Assert.Equal(
            [
                ((int?)5, "residentPermitMonthly", "parking.price.invalid", "residentPermitMonthly is a price in yuan, 0 or more, with at most two decimals"),
                ((int?)6, "floorMonthly", "parking.price.invalid", "floorMonthly is a price in yuan, 0 or more, with at most two decimals"),
            ],
            errors.Select(e => (e.Row, e.Field!, e.Code, e.Message)));
    }

    [Fact]
    public void A_floor_a_fen_above_the_permit_price_is_refused()
    {
        var error = SingleError(File(permit: "150", floor: "150.01"));

        Assert.Equal(
            ((int?)6, "floorMonthly", "parking.floor.above", "the floor cannot be above the standard permit price"),
            (error.Row, error.Field, error.Code, error.Message));
    }

    [Theory]
    [InlineData("\"q\"", "p")] // another folder's book
    [InlineData("\"\"", "p")]
    [InlineData("\" \"", "p")]
    [InlineData("null", null)]
    public void The_book_must_be_named_and_match_its_folder(string book, string? folder)
    {
        var error = SingleError(File(book: book), folder);

        Assert.Equal(
            ((int?)2, "parkingBook", "parking.book.name", $"parkingBook must be set and match its folder '{folder}'"),
            (error.Row, error.Field, error.Code, error.Message));
    }

    [Fact]
    public void Without_an_expected_folder_or_date_any_named_book_and_valid_date_is_taken()
    {
        var (rates, errors) = ParkingRatesParser.Parse(Source, File(book: "\"q\"", effectiveFrom: "\"2023-05-06\""));

        Assert.Empty(errors);
        Assert.Equal("q@2023-05-06", rates!.VersionId);
    }

    [Theory]
    [InlineData("\"2022-01-02\"", "'2022-01-02'")] // a day after the file name's date
    [InlineData("\"2021-12-31\"", "'2021-12-31'")] // a day before
    [InlineData("\"2022-13-01\"", "'2022-13-01'")]
    [InlineData("null", "''")]
    public void The_effective_date_must_be_a_date_matching_the_file_name(string effectiveFrom, string shown)
    {
        var error = SingleError(File(effectiveFrom: effectiveFrom));

        Assert.Equal(
            ((int?)4, "effectiveFrom", "parking.effective.invalid", $"effectiveFrom must be a date matching the file name, got {shown}"),
            (error.Row, error.Field, error.Code, error.Message));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("null")]
    public void At_least_one_operator_must_be_named(string operators)
    {
        var error = SingleError(File(operators: operators));

        Assert.Equal(
            ((int?)3, "operators", "parking.operators.missing", "name the operators (operator codes) these prices apply to"),
            (error.Row, error.Field, error.Code, error.Message));
    }

    [Fact]
    public void Each_bad_holiday_or_make_up_date_is_named_by_its_position()
    {
        var (rates, errors) = ParkingRatesParser.Parse(Source, File(extra: "\"holidays\": [\"2026-10-01\", \"2026-10-32\"], \"makeUpWorkdays\": [\"10/10/2026\"]"));

        Assert.Null(rates);
        Assert.Equal(
            [
                ("holidays[1]", "parking.date.invalid", "'2026-10-32' is not a date like 2026-10-01"),
                ("makeUpWorkdays[0]", "parking.date.invalid", "'10/10/2026' is not a date like 2026-10-01"),
            ],
            errors.Select(e => (e.Field!, e.Code, e.Message)));
    }

    [Fact]
    public void A_file_that_is_not_json_is_reported_under_the_parking_prefix()
    {
        var (rates, errors) = ParkingRatesParser.Parse(Source, "{ \"parkingBook\": ");

        Assert.Null(rates);
        Assert.Equal((Source, "parking.json.invalid"), (Assert.Single(errors).Source, errors[0].Code));
    }

    [Fact]
    public void The_version_applies_from_exactly_its_first_day_and_the_latest_started_one_wins()
    {
        static ParkingRates Version(string effectiveFrom, decimal permit, params string[] operators) =>
            ParkingRatesParser.Parse(Source, File(operators: $"[{string.Join(", ", operators.Select(o => $"\"{o}\""))}]", effectiveFrom: $"\"{effectiveFrom}\"", permit: $"{permit}")).Rates!;

        var book = new ParkingRateBook([Version("2022-01-01", 150m, "OP"), Version("2026-10-01", 160m, "OP", "OTHER"), Version("2024-01-01", 155m, "OP")]);

        Assert.Null(book.For("OP", new LocalDate(2021, 12, 31)));
        Assert.Equal(150m, book.For("OP", new LocalDate(2022, 1, 1))!.PermitMonthly.Yuan);
        Assert.Equal(155m, book.For("OP", new LocalDate(2026, 9, 30))!.PermitMonthly.Yuan);
        Assert.Equal(160m, book.For("OP", new LocalDate(2026, 10, 1))!.PermitMonthly.Yuan);
        Assert.Equal(160m, book.For("OTHER", new LocalDate(2026, 10, 1))!.PermitMonthly.Yuan);
        Assert.Null(book.For("OTHER", new LocalDate(2026, 9, 30)));
        Assert.Null(book.For("NOBODY", new LocalDate(2026, 10, 1)));
        Assert.Equal(3, book.Versions.Count);
        Assert.Empty(ParkingRateBook.Empty.Versions);
    }
}

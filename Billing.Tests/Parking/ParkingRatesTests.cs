using NodaTime;
using RedProperty.Billing.Core.Parking;
using RedProperty.Billing.Infrastructure;
using RedProperty.Billing.Infrastructure.Rates;

namespace RedProperty.Billing.Tests.Parking;

[Trait("Category", "Core")]
public class ParkingRatesTests
{
    [Fact]
    public void The_shipped_parking_prices_load_with_the_Duyun_floor_and_a_holiday_calendar()
    {
        var rates = RateDirectory.LoadParking(RepositoryPaths.Rates).For("TCJY", new LocalDate(2026, 10, 1))!;

        Assert.Equal((150.00m, 50.00m), (rates.PermitMonthly.Yuan, rates.FloorMonthly.Yuan));
        Assert.False(rates.Calendar.IsWorkingDay(new LocalDate(2026, 10, 5)));
        Assert.True(rates.Calendar.IsWorkingDay(new LocalDate(2026, 10, 10)));
        Assert.Equal(new LocalTime(18, 0), rates.Daytime.To);
    }

    [Theory]
    [InlineData("\"floorMonthly\": 200", "floorMonthly", "parking.floor.above")]
    [InlineData("\"floorMonthly\": 50.005", "floorMonthly", "parking.price.invalid")]
    [InlineData("\"floorMonthly\": 50, \"daytime\": { \"from\": \"18:00\", \"to\": \"08:00\" }", "daytime", "parking.daytime.invalid")]
    [InlineData("\"floorMonthly\": 50, \"holidays\": [\"2026-13-01\"]", "holidays[0]", "parking.date.invalid")]
    public void A_broken_parking_file_names_the_field(string fragment, string field, string code)
    {
        var json = $$"""{ "parkingBook": "p", "operators": ["OP"], "effectiveFrom": "2022-01-01", "residentPermitMonthly": 150, "leaseHourly": 5, "leaseMonthly": 300, {{fragment}} }""";

        var error = Assert.Single(ParkingRatesParser.Parse("rates/parking/p/2022-01-01.json", json).Errors);

        Assert.Equal((field, code), (error.Field, error.Code));
    }
}

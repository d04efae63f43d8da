using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Core.Validation;
using RedProperty.Billing.Infrastructure.Payments;
using RedProperty.Billing.Infrastructure.Register;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Register;

/// <summary>Data that cannot be read as written is reported where it is, never replaced by a guess.</summary>
public class StrictReadingTests
{
    [Fact]
    public void A_stray_quote_in_a_CSV_field_is_reported_with_its_row_and_nothing_is_read()
    {
        const string csv = "community_code,period,score\nHZ-FXY,2026-01,93\nHZ-SW\"JSY,2026-01,86.5\nHZ-SGHJSY,2026-01,72\n";

        var rejected = Assert.Throws<InputRejectedException>(() => RegisterCsv.ReadScores("scores.csv", new StringReader(csv)));

        var error = Assert.Single(rejected.Errors);
        Assert.Equal(("scores.csv", 3, "csv.quote.invalid"), (error.Source, error.Row, error.Code));
        Assert.StartsWith("scores.csv, row 3: bad quoting near 'HZ-SW\"JSY'", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_unclosed_quote_is_reported_at_the_row_where_it_opens()
    {
        const string csv = "community_code,period,score\nHZ-FXY,2026-01,93\n\"HZ-SWJSY,2026-01,86.5\nHZ-SGHJSY,2026-01,72\n";

        var rejected = Assert.Throws<InputRejectedException>(() => RegisterCsv.ReadScores("scores.csv", new StringReader(csv)));

        Assert.Contains(rejected.Errors, e => e.Code == "csv.quote.invalid" && e.Row is 3 or 4);
    }

    [Fact]
    public void A_field_quoted_as_a_whole_is_read()
    {
        const string csv = "community_code,period,score\n\"HZ-FXY\",2026-01,93\n";

        var rows = RegisterCsv.ReadScores("scores.csv", new StringReader(csv));

        Assert.Equal("HZ-FXY", Assert.Single(rows).Value.Community);
    }

    /// <summary>Text a newer version (or a hand edit) put in the database is refused, not read as occupied or cash.</summary>
    [Fact]
    public async Task An_unknown_occupancy_or_channel_in_the_database_is_an_error_naming_it()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleBilledOctober);
        await using (var corrupt = db.DataSource.CreateCommand(
            """
            alter table occupancy drop constraint occupancy_status_check;
            insert into occupancy (household_code, effective_from, status) select min(code), '2026-10-15', 'sublet' from household;
            alter table payment drop constraint payment_channel_check;
            insert into payment (household_code, channel, reference, amount, paid_on, source)
            select min(code), 'paypal', 'PP-1', 10.00, '2026-11-05', 'test' from household;
            """))
        {
            await corrupt.ExecuteNonQueryAsync();
        }

        var occupancy = await Assert.ThrowsAsync<InvalidDataException>(() => new RegisterStore(db.DataSource).HouseholdsAsync(new CommunityCode("HZ-FXY")));
        Assert.Equal("The database holds 'sublet' as an occupancy, which this version does not know.", occupancy.Message);
        await using var first = db.DataSource.CreateCommand("select min(code) from household");
        var household = (string)(await first.ExecuteScalarAsync())!;
        var channel = await Assert.ThrowsAsync<InvalidDataException>(() => new PaymentStore(db.DataSource).PositionAsync(household));
        Assert.Equal("The database holds 'paypal' in payment.channel, which this version does not know as a payment channel.", channel.Message);
    }
}

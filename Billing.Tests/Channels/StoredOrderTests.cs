using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using RedProperty.Billing.Infrastructure.Channels;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Channels;

/// <summary>Payment orders read back from PostgreSQL strictly: a word this version does not know is an error, not a guess.</summary>
public class StoredOrderTests
{
    [Theory]
    [InlineData("mode", "qrcode", "The database holds 'qrcode' in payment_order.mode, which this version does not know as an order mode.")]
    [InlineData("channel", "unionpay", "The database holds 'unionpay' in payment_order.channel, which this version does not know as a payment channel.")]
    public async Task An_unknown_mode_or_channel_of_an_order_is_an_error_naming_the_column_and_the_word(string column, string word, string message)
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleRegistered);
        var (channel, mode) = column == "channel" ? (word, "native") : ("wechat", word);
        await using (var corrupt = db.DataSource.CreateCommand(
            $"""
            alter table payment_order drop constraint payment_order_{column}_check;
            insert into payment_order (order_no, household_code, channel, mode, amount)
            select 'RP-STRICT-1', min(code), '{channel}', '{mode}', 10.00 from household;
            """))
        {
            await corrupt.ExecuteNonQueryAsync();
        }

        var payments = new OnlinePayments(db.DataSource, [], SystemClock.Instance, NullLogger<OnlinePayments>.Instance);
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => payments.OrderAsync("RP-STRICT-1"));

        Assert.Equal(message, error.Message);
    }
}

using System.Globalization;
using Microsoft.Extensions.Configuration;
using NodaTime;
using RedProperty.Billing.Infrastructure.Access;
using RedProperty.Billing.Infrastructure.Database;

namespace RedProperty.Billing.Benchmarks;

/// <summary>
/// For the statement-day load test: households picked at random among those with a statement for
/// the month, each with a resident token of its own (signed with Auth__SigningKey, as the Api
/// checks them), one line each: household, period, token. statement-day/wrk.lua reads the file.
/// </summary>
public static class ResidentTokens
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length < 3)
        {
            Console.Error.WriteLine("resident-tokens PERIOD(yyyy-MM) COUNT OUT-FILE");
            return 2;
        }

        var (period, count, file) = (args[0], int.Parse(args[1], CultureInfo.InvariantCulture), args[2]);
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        using var database = BillingDatabase.Open(configuration, "demo", Console.Out);
        await using var cmd = database.DataSource.CreateCommand(
            "select household_code from statement where period = @p::date order by random() limit @n");
        cmd.Parameters.AddWithValue("p", period + "-01");
        cmd.Parameters.AddWithValue("n", count);
        await using var reader = await cmd.ExecuteReaderAsync();
        await using var output = new StreamWriter(file);
        var now = SystemClock.Instance.GetCurrentInstant();
        var written = 0;
        while (await reader.ReadAsync())
        {
            var household = reader.GetString(0);
            var token = AccessTokens.Issue(new AccessGrant(AccessRole.Resident, household, "resident:" + household), configuration[AccessTokens.ConfigurationKey], now, Duration.FromDays(1));
            await output.WriteLineAsync($"{household} {period} {token}");
            written++;
        }

        Console.WriteLine($"{written} households with a {period} statement and a resident token each in {file}");
        return 0;
    }
}

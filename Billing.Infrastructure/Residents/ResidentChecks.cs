using Npgsql;
using NodaTime;

namespace RedProperty.Billing.Infrastructure.Residents;

public enum CheckOutcome
{
    Passed,
    Failed,
    Locked,

    /// <summary>No phone on file: the household must ask the property office.</summary>
    NoPhone,
}

/// <summary>
/// The check before a resident sees money or personal data: the last four digits of the phone on
/// file. Every attempt is stored; five failures in a row lock the household for fifteen minutes,
/// whoever makes them, so guessing 10,000 combinations is not practical even from many addresses.
/// </summary>
public sealed class ResidentChecks(NpgsqlDataSource db, IClock clock)
{
    public const int MaxFailures = 5;
    public static readonly Duration LockFor = Duration.FromMinutes(15);

    public async Task<CheckOutcome> CheckAsync(string household, string lastFour, string client, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        // One check at a time per household, so concurrent guesses cannot slip past the count.
        await using (var lockCmd = new NpgsqlCommand("select pg_advisory_xact_lock(hashtext('resident-check:' || @h))", connection, tx))
        {
            lockCmd.Parameters.AddWithValue("h", household);
            await lockCmd.ExecuteNonQueryAsync(ct);
        }

        if (await IsLockedAsync(connection, tx, household, ct))
        {
            await tx.CommitAsync(ct);
            return CheckOutcome.Locked;
        }

        string? phone;
        await using (var find = new NpgsqlCommand(
            "select phone from household_version where household_code = @h order by effective_from desc limit 1", connection, tx))
        {
            find.Parameters.AddWithValue("h", household);
            phone = await find.ExecuteScalarAsync(ct) as string;
        }

        var digits = new string((phone ?? string.Empty).Where(char.IsAsciiDigit).ToArray());
        if (digits.Length < 4)
        {
            await tx.CommitAsync(ct);
            return CheckOutcome.NoPhone;
        }

        var passed = lastFour.Length == 4 && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.ASCII.GetBytes(digits[^4..]), System.Text.Encoding.ASCII.GetBytes(lastFour));
        await using (var record = new NpgsqlCommand(
            "insert into resident_check_attempt (household_code, succeeded, client, attempted_at) values (@h, @s, @c, @at)", connection, tx))
        {
            record.Parameters.AddWithValue("h", household);
            record.Parameters.AddWithValue("s", passed);
            record.Parameters.AddWithValue("c", client.Length > 100 ? client[..100] : client);
            record.Parameters.AddWithValue("at", clock.GetCurrentInstant());
            await record.ExecuteNonQueryAsync(ct);
        }

        var locked = !passed && await IsLockedAsync(connection, tx, household, ct);
        await tx.CommitAsync(ct);
        return passed ? CheckOutcome.Passed : locked ? CheckOutcome.Locked : CheckOutcome.Failed;
    }

    /// <summary>Locked: the last five attempts all failed and the latest was less than fifteen minutes ago.</summary>
    private async Task<bool> IsLockedAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string household, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            """
            select count(*) filter (where not succeeded) = @max and max(attempted_at) > @since
            from (select succeeded, attempted_at from resident_check_attempt where household_code = @h order by id desc limit @max) recent
            """, connection, tx);
        cmd.Parameters.AddWithValue("h", household);
        cmd.Parameters.AddWithValue("max", MaxFailures);
        cmd.Parameters.AddWithValue("since", clock.GetCurrentInstant() - LockFor);
        return await cmd.ExecuteScalarAsync(ct) is true;
    }
}

using NodaTime;
using RedProperty.Billing.Infrastructure;
using RedProperty.Billing.Infrastructure.Points;
using RedProperty.Billing.Infrastructure.Rates;
using RedProperty.Billing.Infrastructure.Residents;
using RedProperty.Billing.Infrastructure.Staff;
using RedProperty.Billing.Infrastructure.Subsidies;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Register;

/// <summary>
/// A word in the database that this version does not know (put there by a newer version or a hand
/// edit) is an error naming the column and the word, never read as the nearest thing we know.
/// </summary>
public class StoredWordsTests
{
    [Fact]
    public async Task A_resident_page_refuses_an_unknown_payment_channel_instead_of_showing_it_as_cash()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleRegistered);
        var household = await FirstHouseholdAsync(db);
        await ExecuteAsync(db,
            $"""
            alter table payment drop constraint payment_channel_check;
            insert into payment (household_code, channel, reference, amount, paid_on, source) values ('{household}', 'paypal', 'PP-1', 10.00, '2026-11-05', 'test');
            """);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => new ResidentAccount(db.DataSource).PaymentsAsync(household));

        Assert.Equal("The database holds 'paypal' in payment.channel, which this version does not know as a payment channel.", error.Message);
    }

    [Fact]
    public async Task A_points_entry_of_an_unknown_kind_is_an_error_not_an_expiry()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleRegistered);
        var household = await FirstHouseholdAsync(db);
        await ExecuteAsync(db,
            $"""
            alter table points_entry drop constraint points_entry_kind_check;
            insert into points_entry (household_code, kind, points, entry_date, catalogue) values ('{household}', 'bonus', 5, '2026-10-01', 'test');
            """);
        var store = new PointsStore(db.DataSource, RateDirectory.LoadPoints(RepositoryPaths.Rates));

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => store.PositionAsync(household));

        Assert.Equal("The database holds 'bonus' in points_entry.kind, which this version does not know as a points entry kind.", error.Message);
    }

    [Fact]
    public async Task An_unknown_district_decision_is_an_error_not_a_return_or_pending()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleBilledOctober);
        await ExecuteAsync(db,
            """
            alter table district_signoff drop constraint district_signoff_decision_check;
            insert into district_signoff (district, period, decision, reason, signed_by) values ('开发区', '2026-10-01', 'escalated', '待复核', '刘晓燕 (liu.kfq)');
            """);
        var desk = new DistrictDesk(db.DataSource);

        var signOffs = await Assert.ThrowsAsync<InvalidDataException>(() => desk.SignOffsAsync("开发区", new YearMonth(2026, 10)));
        var months = await Assert.ThrowsAsync<InvalidDataException>(() => desk.MonthsAsync("开发区"));

        Assert.Equal("The database holds 'escalated' in district_signoff.decision, which this version does not know as a sign-off decision.", signOffs.Message);
        Assert.Equal(signOffs.Message, months.Message);
    }

    [Fact]
    public async Task A_staff_account_with_an_unknown_scope_kind_or_role_is_an_error_not_an_operator_with_fewer_roles()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync();
        await ExecuteAsync(db,
            """
            do $$ declare c text; begin
                for c in select conname from pg_constraint where conrelid = 'staff_account'::regclass and contype = 'c' loop
                    execute format('alter table staff_account drop constraint %I', c);
                end loop;
            end $$;
            insert into staff_account (user_name, display_name, scope_kind, scope, roles, password_hash, security_stamp, created_by) values
                ('region.one', '区域', 'region', 'TCJY', array['clerk'], 'x', 'x', 'test'),
                ('auditor.one', '审计', 'operator', 'TCJY', array['clerk', 'auditor'], 'x', 'x', 'test');
            """);
        var accounts = new StaffAccounts(db.DataSource, SystemClock.Instance);

        var scopeKind = await Assert.ThrowsAsync<InvalidDataException>(() => accounts.FindAsync("region.one"));
        var role = await Assert.ThrowsAsync<InvalidDataException>(() => accounts.FindAsync("auditor.one"));

        Assert.Equal("The database holds 'region' in staff_account.scope_kind, which this version does not know as a staff scope kind.", scopeKind.Message);
        Assert.Equal("The database holds 'auditor' in staff_account.roles, which this version does not know as a staff role.", role.Message);
    }

    private static async Task<string> FirstHouseholdAsync(TestDatabase db)
    {
        await using var first = db.DataSource.CreateCommand("select min(code) from household");
        return (string)(await first.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(TestDatabase db, string sql)
    {
        await using var cmd = db.DataSource.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }
}

using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Subsidies;

/// <summary>Each district invoice line names the property-fee line it pays part of, and the database holds it to that.</summary>
public class SubsidyFeeLineTests
{
    [Fact]
    public async Task Every_subsidy_line_points_to_the_property_fee_line_whose_amount_it_took_as_its_standard()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleBilledOctober);

        var subsidyLines = await db.CountAsync("select count(*) from district_invoice_line");
        var pointingAtTheirFee = await db.CountAsync(
            """
            select count(*) from district_invoice_line d
            join statement_line f on f.statement_id = d.statement_id and f.line_no = d.fee_line_no
            join statement_line s on s.statement_id = d.statement_id and s.line_no = d.line_no
            where f.kind = 'property_fee' and s.kind = 'subsidy' and f.amount = d.standard_amount and s.amount = -d.district_amount
            """);

        Assert.True(subsidyLines > 0);
        Assert.Equal(subsidyLines, pointingAtTheirFee);
    }

    [Fact]
    public async Task A_district_line_cannot_point_to_a_line_that_is_not_on_its_statement()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleBilledOctober);
        await using var cmd = db.DataSource.CreateCommand(
            """
            insert into district_invoice_line (statement_id, line_no, fee_line_no, household_code, community_code, district, period, policy_version,
                standard_amount, district_amount, formula)
            select d.statement_id, 99, 98, d.household_code, d.community_code, d.district, d.period, d.policy_version, 0, 0, 'x'
            from district_invoice_line d limit 1
            """);

        var refused = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => cmd.ExecuteNonQueryAsync());
        Assert.Equal("23503", refused.SqlState);
    }
}

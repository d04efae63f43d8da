using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NodaTime;
using RedProperty.Billing.Core.Runs;
using RedProperty.Billing.Core.Subsidies;
using RedProperty.Billing.Infrastructure.Subsidies;

namespace RedProperty.Billing.Worker.Commands;

/// <summary>`claim`: submit a community's subsidy claim for a month; once submitted it is frozen.</summary>
public sealed class ClaimCommand : BillingCommand
{
    private readonly Option<string> _community = CommandOptions.Code("--community", "the community code", required: true);
    private readonly Option<YearMonth> _period = CommandOptions.Period();

    public ClaimCommand()
        : base("claim", "submit (and freeze) a community's subsidy claim")
    {
        Options.Add(_community);
        Options.Add(_period);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parse, IServiceProvider services, CancellationToken ct)
    {
        var community = await KnownCodes.CommunityAsync(services, parse.GetRequiredValue(_community), ct);
        var period = parse.GetValue(_period);
        try
        {
            var row = await new SubsidyStore(services.GetRequiredService<NpgsqlDataSource>(), services.GetRequiredService<SubsidyCatalog>())
                .SubmitClaimAsync(community.Code.Value, period);
            Console.WriteLine($"Submitted and frozen: {row.CommunityCode} {BillingPeriod.Format(period)} claim {row.Claim?.ToFenString()} yuan "
                + $"(district share {row.DistrictShare.ToFenString()} × {row.Factor:0.####}), shortfall borne by the company {row.Shortfall?.ToFenString()}.");
            return 0;
        }
        catch (Exception e) when (e is ClaimConflictException or ClaimNotFoundException)
        {
            throw new CommandException(e.Message);
        }
    }
}

using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using RedProperty.Billing.Infrastructure.Access;

namespace RedProperty.Billing.Worker.Commands;

/// <summary>`token`: a signed Api token for a role and its scope (needs Auth__SigningKey).</summary>
public sealed class TokenCommand : BillingCommand
{
    private readonly Option<string> _role = CommandOptions.OneOf("--role", "finance (an operator's staff), resident (a household) or district (district finance)", ["finance", "resident", "district"]);
    private readonly Option<string> _scope = CommandOptions.Code("--scope", "the operator, household or district the token may see", required: true);
    private readonly Option<string> _subject = CommandOptions.Text("--subject", "who the token is for (default ROLE:SCOPE)");
    private readonly Option<int?> _days = CommandOptions.Number("--days", "how long it is valid, 1 to 30 days (default 1)", max: 30);

    public TokenCommand()
        : base("token", "issue a signed Api token (needs Auth__SigningKey)")
    {
        Options.Add(_role);
        Options.Add(_scope);
        Options.Add(_subject);
        Options.Add(_days);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parse, IServiceProvider services, CancellationToken ct)
    {
        var roleName = parse.GetRequiredValue(_role);
        AccessTokens.TryParseRole(roleName, out var role);
        var scope = parse.GetRequiredValue(_scope);
        var grant = new AccessGrant(role, scope, parse.GetValue(_subject) ?? $"{roleName}:{scope}");
        var key = services.GetRequiredService<IConfiguration>()[AccessTokens.ConfigurationKey];
        try
        {
            // A token for an operator, household or district that does not exist is a typo, not a grant.
            await GrantScopes.EnsureExistsAsync(services.GetRequiredService<Npgsql.NpgsqlDataSource>(), grant, ct);
            var now = services.GetRequiredService<IClock>().GetCurrentInstant();
            Console.WriteLine(AccessTokens.Issue(grant, key, now, Duration.FromDays(parse.GetValue(_days) ?? 1)));
            return 0;
        }
        catch (InvalidOperationException config) when (config.Message.Contains("Auth:SigningKey", StringComparison.Ordinal))
        {
            throw new CommandException(config.Message);
        }
    }
}

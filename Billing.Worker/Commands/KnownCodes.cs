using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Infrastructure.Register;
using RedProperty.Billing.Infrastructure.Runs;

namespace RedProperty.Billing.Worker.Commands;

/// <summary>
/// The codes a command is given, checked against the register before it does anything: an unknown
/// community, operator or district is a mistake to report, not a month with nothing in it.
/// </summary>
public static class KnownCodes
{
    public static async Task<IReadOnlyList<Community>> CommunitiesAsync(IServiceProvider services, CancellationToken ct) =>
        await new RegisterStore(services.GetRequiredService<NpgsqlDataSource>()).CommunitiesAsync(ct);

    public static async Task<Community> CommunityAsync(IServiceProvider services, string code, CancellationToken ct) =>
        (await CommunitiesAsync(services, [code], ct))[0];

    public static async Task<IReadOnlyList<Community>> CommunitiesAsync(IServiceProvider services, IReadOnlyList<string> codes, CancellationToken ct)
    {
        var all = await CommunitiesAsync(services, ct);
        var byCode = all.ToDictionary(c => c.Code.Value, StringComparer.Ordinal);
        foreach (var code in codes)
        {
            if (!byCode.ContainsKey(code))
            {
                throw Unknown("community", code, byCode.Keys);
            }
        }

        return [.. codes.Select(c => byCode[c])];
    }

    public static async Task<string> OperatorAsync(IServiceProvider services, string code, CancellationToken ct)
    {
        var operators = (await CommunitiesAsync(services, ct)).Select(c => c.OperatorCode).Distinct().ToList();
        return operators.Contains(code, StringComparer.Ordinal) ? code : throw Unknown("operator", code, operators);
    }

    public static async Task<string> DistrictAsync(IServiceProvider services, string name, CancellationToken ct)
    {
        var districts = (await CommunitiesAsync(services, ct)).Select(c => c.District).Distinct().ToList();
        return districts.Contains(name, StringComparer.Ordinal) ? name : throw Unknown("district", name, districts);
    }

    /// <summary>The run numbered <paramref name="runId"/>, or the mistake to report when there is none.</summary>
    public static async Task<RunView> RunAsync(IServiceProvider services, long runId, CancellationToken ct) =>
        await new BillingRuns(services.GetRequiredService<NpgsqlDataSource>()).GetAsync(runId, ct)
        ?? throw new CommandException($"There is no run {runId}; `Billing.Worker runs` lists them.");

    private static CommandException Unknown(string what, string code, IEnumerable<string> known)
    {
        var list = known.Order(StringComparer.Ordinal).ToList();
        if (list.Count == 0)
        {
            return new CommandException($"Unknown {what} '{code}': the register is empty; import it first (Billing.Worker import --dir FOLDER).");
        }

        var meant = CommandErrors.Closest(code, list);
        var hint = meant is not null ? $" Did you mean '{meant}'?" : list.Count <= 12 ? $" Known: {string.Join(", ", list)}." : string.Empty;
        return new CommandException($"Unknown {what} '{code}' in the register.{hint}");
    }
}

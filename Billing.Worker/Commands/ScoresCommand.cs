using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using RedProperty.Billing.Core.Subsidies;
using RedProperty.Billing.Infrastructure.Register;
using RedProperty.Billing.Infrastructure.Subsidies;

namespace RedProperty.Billing.Worker.Commands;

/// <summary>`scores`: the district's evaluation scores, which scale each community's subsidy claim.</summary>
public sealed class ScoresCommand : BillingCommand
{
    private readonly Option<FileInfo> _file = CommandOptions.ExistingFile("--file", "the scores CSV (community_code,period,score)");

    public ScoresCommand()
        : base("scores", "record evaluation scores (community_code,period,score)")
    {
        Options.Add(_file);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parse, IServiceProvider services, CancellationToken ct)
    {
        var file = parse.GetRequiredValue(_file);
        var changed = await RecordAsync(services, file.FullName);
        Console.WriteLine($"{changed.Read} scores read, {changed.Changed} new or changed.");
        return 0;
    }

    public static async Task<(int Read, int Changed)> RecordAsync(IServiceProvider services, string file)
    {
        IReadOnlyList<Sourced<ScoreRow>> rows;
        using (var reader = RegisterCsv.OpenFile(file))
        {
            rows = RegisterCsv.ReadScores(Path.GetFileName(file), reader);
        }

        var store = new SubsidyStore(services.GetRequiredService<NpgsqlDataSource>(), services.GetRequiredService<SubsidyCatalog>());
        return (rows.Count, await store.RecordScoresAsync(rows.Select(r => (r.Value, r.Source, r.Row)).ToList()));
    }
}

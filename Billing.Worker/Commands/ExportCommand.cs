using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NodaTime;
using RedProperty.Billing.Infrastructure.Statements;

namespace RedProperty.Billing.Worker.Commands;

/// <summary>`export`: the month's stored PDF statements, written to a folder.</summary>
public sealed class ExportCommand : BillingCommand
{
    private readonly Option<YearMonth> _period = CommandOptions.Period();
    private readonly Option<string> _out = CommandOptions.OutDirectory("statements");

    public ExportCommand()
        : base("export", "write the month's stored PDF statements to a folder")
    {
        Options.Add(_period);
        Options.Add(_out);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parse, IServiceProvider services, CancellationToken ct)
    {
        var outDir = parse.GetRequiredValue(_out);
        var written = await new StatementStore(services.GetRequiredService<NpgsqlDataSource>()).ExportPdfsAsync(parse.GetValue(_period), outDir, ct);
        Console.WriteLine($"Wrote {written} statements to {outDir}");
        return 0;
    }
}

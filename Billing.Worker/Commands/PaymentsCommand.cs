using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using RedProperty.Billing.Infrastructure.Payments;
using RedProperty.Billing.Infrastructure.Register;

namespace RedProperty.Billing.Worker.Commands;

/// <summary>`payments`: a channel's payment export, imported all or nothing; importing it again records nothing new.</summary>
public sealed class PaymentsCommand : BillingCommand
{
    private readonly Option<FileInfo> _file = CommandOptions.ExistingFile("--file", "the payments CSV (ours, or a channel's export)");
    private readonly Option<Core.Payments.PaymentChannel?> _channel = ChoiceOptions.Channel(required: false);

    public PaymentsCommand()
        : base("payments", "import a channel's payment export (idempotent)")
    {
        Options.Add(_file);
        Options.Add(_channel);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parse, IServiceProvider services, CancellationToken ct)
    {
        var (recorded, duplicates) = await ImportAsync(services, parse.GetRequiredValue(_file).FullName, parse.GetValue(_channel), ct);
        Console.WriteLine($"{recorded} payments recorded, {duplicates} already recorded and ignored.");
        return 0;
    }

    public static async Task<(int Recorded, int Duplicates)> ImportAsync(IServiceProvider services, string file, Core.Payments.PaymentChannel? channel, CancellationToken ct)
    {
        IReadOnlyList<Sourced<PaymentInput>> rows;
        using (var reader = RegisterCsv.OpenFile(file))
        {
            rows = RegisterCsv.ReadPayments(Path.GetFileName(file), reader, channel);
        }

        var results = await new PaymentStore(services.GetRequiredService<NpgsqlDataSource>()).RecordAsync(rows.Select(r => (r.Value, r.Source, r.Row)).ToList(), "import", ct);
        return (results.Count(r => !r.Duplicate), results.Count(r => r.Duplicate));
    }
}

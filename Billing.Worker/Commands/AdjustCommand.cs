using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using RedProperty.Billing.Infrastructure.Corrections;

namespace RedProperty.Billing.Worker.Commands;

/// <summary>
/// `adjust`: correct an issued statement. Issued statements are never edited: the household's next
/// statement bills the amount as a line naming the statement it corrects.
/// </summary>
public sealed class AdjustCommand : BillingCommand
{
    private readonly Option<string> _statement = CommandOptions.Text("--statement", "the statement number, e.g. 202610-HZ-FXY-01-1-101", required: true);
    private readonly Option<decimal> _amount = CommandOptions.Yuan("--amount", "yuan to bill: negative for a credit, e.g. -10.00", allowNegative: true);

    // Not checked for blanks here: the store names every bad field of an adjustment at once.
    private readonly Option<string> _reason = new("--reason") { Description = "why, as the household will read it", Required = true };
    private readonly Option<string> _by = CommandOptions.Text("--by", "who corrects (recorded)", required: true);
    private readonly Option<string> _key = CommandOptions.Text("--key", "an idempotency key: the same key for the same statement records nothing new");

    public AdjustCommand()
        : base("adjust", "correct an issued statement: the household's next statement bills the amount (negative for a credit) as a line naming it")
    {
        Options.Add(_statement);
        Options.Add(_amount);
        Options.Add(_reason);
        Options.Add(_by);
        Options.Add(_key);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parse, IServiceProvider services, CancellationToken ct)
    {
        var input = new AdjustmentInput(
            parse.GetRequiredValue(_statement), new Core.Money(parse.GetValue(_amount)), parse.GetRequiredValue(_reason), parse.GetRequiredValue(_by), parse.GetValue(_key));
        try
        {
            var (duplicate, a) = await new AdjustmentStore(services.GetRequiredService<NpgsqlDataSource>()).RecordAsync(input, ct);
            Console.WriteLine(duplicate
                ? $"Already recorded as adjustment {a.Id} with key '{a.Key}'; nothing changed."
                : $"Recorded adjustment {a.Id}: {a.Amount.ToFenString()} yuan correcting statement {a.CorrectsStatementNo} of {a.Household}; the household's next statement bills it.");
            return 0;
        }
        catch (AdjustmentConflictException conflict)
        {
            throw new CommandException(conflict.Message);
        }
    }
}

using Npgsql;
using NodaTime;
using RedProperty.Billing.Infrastructure.Documents;

namespace RedProperty.Billing.Infrastructure.Payments;

/// <summary>A community's arrears list (CSV for the 联户长, phones masked) and its reminder notices, written to a folder.</summary>
public static class ArrearsFiles
{
    public static async Task<IReadOnlyList<HouseholdArrears>> WriteAsync(NpgsqlDataSource dataSource, string community, LocalDate asOf, string outDir, CancellationToken ct = default, Core.Payments.ReminderRule? reminders = null)
    {
        var arrears = await new PaymentStore(dataSource).ArrearsAsync(community, asOf, ct);
        var info = (await new Register.RegisterStore(dataSource).CommunitiesAsync(ct)).Single(c => c.Code.Value == community);
        var kinds = await StatementFeeKinds.OnlyPropertyFeeAsync(dataSource, community, ct);
        Directory.CreateDirectory(outDir);
        await File.WriteAllTextAsync(Path.Combine(outDir, $"{community}-arrears.csv"), PaymentDocuments.ArrearsCsv(arrears), new System.Text.UTF8Encoding(true), ct);
        await File.WriteAllBytesAsync(Path.Combine(outDir, $"{community}-reminders.pdf"),
            PaymentDocuments.ReminderNotices(ReminderCommunity.Of(info), asOf, arrears, kinds, DocumentContext.Default, reminders), ct);
        return arrears;
    }
}

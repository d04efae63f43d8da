using System.Diagnostics;
using System.Globalization;
using NodaTime;
using PdfSharp.Drawing;
using PdfSharp.Pdf;
using RedProperty.Billing.Core.Statements;
using RedProperty.Billing.Infrastructure;
using RedProperty.Billing.Infrastructure.Rates;
using RedProperty.Billing.Infrastructure.Register;
using RedProperty.Billing.Infrastructure.Statements;

namespace RedProperty.Billing.Benchmarks;

/// <summary>
/// Statements drawn per second on every core, and bytes per statement, against the floor: an
/// empty one-page PDF with one string in the same font, which pays the font embedding and
/// nothing else. The statements are the sample register's October (fee, subsidy and account
/// lines), drawn over and over.
/// </summary>
public static class RenderThroughput
{
    public static int Run(string[] args)
    {
        var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20_000;
        var register = RegisterSnapshot.From(RegisterFiles.ReadFolder(Path.Combine(RepositoryPaths.Samples, "heze")));
        var rates = RateDirectory.Load(RepositoryPaths.Rates);
        var subsidies = RateDirectory.LoadSubsidies(RepositoryPaths.Rates);
        var statements = register.Communities
            .SelectMany(c => BillingEngine.BillCommunity(c, register.Households, rates, new YearMonth(2026, 10), StatementCalendar.Default, null, subsidies).Statements)
            .Select(s => s with { Account = AccountPosition.From(Core.Money.Zero, Core.Money.Zero, s.Total) })
            .ToArray();
        var renderer = new StatementPdfRenderer();
        var font = PdfText.Font(10);

        Console.WriteLine($"{Environment.ProcessorCount} cores, {count} documents each, {statements.Length} distinct sample statements");
        Measure("statement", count, i => renderer.Render(statements[i % statements.Length]));
        Measure("empty page, same font", count, _ => EmptyPage(font));
        return 0;
    }

    private static byte[] EmptyPage(XFont font)
    {
        using var document = new PdfDocument();
        var page = document.AddPage();
        using (var gfx = XGraphics.FromPdfPage(page))
        {
            gfx.DrawString("物业", font, XBrushes.Black, 50, 50);
        }

        return PdfText.Save(document);
    }

    private static void Measure(string what, int count, Func<int, byte[]> render)
    {
        Parallel.For(0, 200, i => render(i)); // warm up: JIT, font tables
        long bytes = 0;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        Parallel.For(0, count, () => 0L, (i, _, sum) => sum + render(i).Length, sum => Interlocked.Add(ref bytes, sum));
        clock.Stop();
        var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{what,-22} {count / clock.Elapsed.TotalSeconds,8:0} per second on all cores, {cpuMs / count,6:0.00} ms CPU each, {bytes / count,7} bytes each"));
    }
}

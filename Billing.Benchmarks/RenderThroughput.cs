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

        if (args.Length > 1)
        {
            // A sample of each, to look inside (object sizes, fonts embedded).
            Directory.CreateDirectory(args[1]);
            File.WriteAllBytes(Path.Combine(args[1], "statement.pdf"), renderer.Render(statements[0]));
            File.WriteAllBytes(Path.Combine(args[1], "empty.pdf"), EmptyPage(font, compact: false));
            File.WriteAllBytes(Path.Combine(args[1], "empty-compact.pdf"), EmptyPage(font, compact: true));
        }

        Console.WriteLine($"{Environment.ProcessorCount} cores, {count} documents each, {statements.Length} distinct sample statements");
        var statement = Measure("statement", count, i => renderer.Render(statements[i % statements.Length]));
        var pdfsharp = Measure("empty page, PDFsharp", count, _ => EmptyPage(font, compact: false));
        var same = Measure("empty page, same path", count, _ => EmptyPage(font, compact: true));
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"statement / empty page (throughput): {statement.PerSecond / pdfsharp.PerSecond:0.00} of PDFsharp's, {statement.PerSecond / same.PerSecond:0.00} of the same text path; by CPU time: {pdfsharp.CpuMs / statement.CpuMs:0.00} and {same.CpuMs / statement.CpuMs:0.00}"));
        return 0;
    }

    /// <summary>
    /// One string on an A4 page: drawn by PDFsharp itself (its own font subset), or through the
    /// statements' text path (<see cref="CompactText"/>), which is the fair floor for the renderer.
    /// </summary>
    private static byte[] EmptyPage(XFont font, bool compact)
    {
        using var document = new PdfDocument();
        if (compact)
        {
            CompactText.Attach(document);
        }

        var page = document.AddPage();
        using (var gfx = XGraphics.FromPdfPage(page))
        {
            if (compact)
            {
                gfx.DrawText("物业", font, XBrushes.Black, 50, 50, XStringFormats.BaseLineLeft);
            }
            else
            {
                gfx.DrawString("物业", font, XBrushes.Black, 50, 50);
            }
        }

        return PdfText.Save(document);
    }

    private static (double PerSecond, double CpuMs) Measure(string what, int count, Func<int, byte[]> render)
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
        return (count / clock.Elapsed.TotalSeconds, cpuMs / count);
    }
}

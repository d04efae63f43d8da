using NodaTime;
using RedProperty.Billing.Infrastructure;
using RedProperty.Billing.Infrastructure.Rates;
using RedProperty.Billing.Infrastructure.Subsidies;
using RedProperty.Billing.Tests.Support;
using RedProperty.Billing.Worker;
using UglyToad.PdfPig;

namespace RedProperty.Billing.Tests.CommandLine;

/// <summary>`reconcile` draws the same full reconciliation as the demo and the district desk: operator, claims by status apart, the sign-off.</summary>
public sealed class ReconcileCommandTests
{
    private static readonly YearMonth October = new(2026, 10);

    [Fact]
    public async Task The_reconcile_pdf_names_the_operator_keeps_submitted_and_pending_apart_and_shows_the_district_sign_off()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleBilledOctober);
        var store = new SubsidyStore(db.DataSource, RateDirectory.LoadSubsidies(RepositoryPaths.Rates));
        await store.RecordScoresAsync([(new ScoreRow("HZ-FXY", October, 95m), "test", 1), (new ScoreRow("HZ-SWJSY", October, 85m), "test", 2)]);
        var submitted = await store.SubmitClaimAsync("HZ-FXY", October);
        var signed = await new DistrictDesk(db.DataSource).SignOffAsync("开发区", October, DistrictSignOff.Returned, "农行家属院面积待核实", "刘晓燕 (liu.kfq)");
        var outDir = Path.Combine(Path.GetTempPath(), "reconcile-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var output = new StringWriter();
            using var error = new StringWriter();
            var exit = await Cli.RunAsync(["reconcile", "--district", "开发区", "--period", "2026-10", "--out", outDir], output, error, CancellationToken.None,
                new Dictionary<string, string?> { ["ConnectionStrings:Billing"] = db.ConnectionString });

            Assert.True(exit == 0, error.ToString());
            var pdf = await File.ReadAllBytesAsync(Path.Combine(outDir, "开发区-2026-10.pdf"));
            using var document = PdfDocument.Open(pdf);
            var first = PdfReadBack.TextOf(document.GetPage(1));
            var last = PdfReadBack.TextOf(document.GetPage(document.NumberOfPages));
            var pending = (await store.ReconcileAsync("开发区", October)).Single(r => r.CommunityCode == "HZ-SWJSY").TotalClaim!.Value;
            var at = signed.SignedAt.InZone(DateTimeZoneProviders.Tzdb["Asia/Shanghai"]);

            Assert.Contains("物业服务企业：菏泽天创金源物业服务有限公司", first, StringComparison.Ordinal);
            Assert.Contains($"已申报（金额已冻结）：1个小区，合计申报{submitted.TotalClaim!.Value.ToFenString()}元（丰鑫园小区）", last, StringComparison.Ordinal);
            Assert.Contains($"待申报（按现行得分测算，尚未冻结）：1个小区，测算{pending.ToFenString()}元（市委家属院）", last, StringComparison.Ordinal);
            Assert.Contains("待评分（无考核得分，不计申报）：2个小区", last, StringComparison.Ordinal);
            Assert.Contains($"退回，理由：农行家属院面积待核实审核人：刘晓燕(liu.kfq)时间：{at.Year}年{at.Month}月{at.Day}日{at.Hour:D2}:{at.Minute:D2}", last, StringComparison.Ordinal);
            Assert.Contains("申报金额=补贴明细合计×拨付比例（一次舍入）：2个小区校验，全部通过", last, StringComparison.Ordinal);
            Assert.Contains("区财政部门（盖章）", last, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(outDir, "开发区-2026-10.csv")));
        }
        finally
        {
            if (Directory.Exists(outDir))
            {
                Directory.Delete(outDir, recursive: true);
            }
        }
    }
}

using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using NodaTime;
using RedProperty.Billing.Api.FinanceConsole;
using RedProperty.Billing.Core.Rates;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Core.Validation;
using RedProperty.Billing.Infrastructure.Excel;
using RedProperty.Billing.Infrastructure.Parking;
using RedProperty.Billing.Infrastructure.Payments;
using RedProperty.Billing.Infrastructure.Points;
using RedProperty.Billing.Infrastructure.Register;
using RedProperty.Billing.Infrastructure.Staff;
using RedProperty.Billing.Infrastructure.Subsidies;

namespace RedProperty.Billing.Api.Pages.Console;

/// <summary>
/// Clerks upload the register, channel payment, evaluation score, shared-parking and volunteer
/// points files, as CSV or .xlsx. The same parsers and checks as the Api and the command line read
/// them; every bad row is listed with its field and nothing is stored unless the whole file is good.
/// </summary>
[Authorize(Policy = ConsoleAccess.Clerk)]
public sealed partial class ImportsModel(
    NpgsqlDataSource db, RateCatalog rates, ScopeDirectory scopes, StaffAudit audit, IClock clock,
    Core.Subsidies.SubsidyCatalog subsidies, Core.Parking.ParkingRateBook parking, Core.Points.PointsCatalogues points) : ConsolePageModel
{
    private const int MaxUploadBytes = 50 * 1024 * 1024;

    public static readonly IReadOnlyList<(string Value, string Label)> Kinds =
    [
        ("communities", "小区（communities）"),
        ("buildings", "楼栋（buildings）"),
        ("households", "房屋登记（households）"),
        ("occupancy", "入住状态（occupancy）"),
        ("meter-readings", "抄表（meter-readings）"),
        ("payments", "缴费流水（payments：微信、支付宝、银行导出）"),
        ("scores", "考核得分（scores）"),
        ("parking-spaces", "共享车位（parking_spaces）"),
        ("businesses", "承租单位（businesses）"),
        ("parking-permits", "住户车位（parking_permits）"),
        ("parking-releases", "车位白天释放（parking_releases）"),
        ("parking-leases", "白天错峰出租（parking_leases）"),
        ("points-earned", "志愿服务积分（points_earned）"),
        ("points-redeemed", "积分兑换（points_redeemed）"),
    ];

    [BindProperty(SupportsGet = true)]
    public string Kind { get; set; } = "households";

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(IFormFile? file, CancellationToken ct)
    {
        if (file is null || file.Length == 0 || file.Length > MaxUploadBytes)
        {
            Errors.Add(new InputError(file?.FileName ?? "文件", null, null, "import.file.missing", file is null || file.Length == 0 ? "请选择一个非空文件" : "文件不能超过 50 MB"));
            return Page();
        }

        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, ct);
        var bytes = buffer.ToArray();
        var name = Path.GetFileName(file.FileName);
        string text;
        try
        {
            text = Spreadsheets.LooksLikeXlsx(bytes) ? Spreadsheets.ToCsv(bytes) : RegisterCsv.Decode(bytes);
        }
        catch (Exception unreadable) when (unreadable is InvalidDataException or InvalidOperationException or IOException)
        {
            Errors.Add(new InputError(name, null, null, "import.file.unreadable", "无法读取此文件：请上传 CSV 或 .xlsx"));
            return Page();
        }

        try
        {
            var summary = Kind switch
            {
                "payments" => await PaymentsAsync(name, text, ct),
                "scores" => await ScoresAsync(name, text, ct),
                "parking-spaces" or "businesses" or "parking-permits" or "parking-releases" or "parking-leases" => await ParkingAsync(name, text, ct),
                "points-earned" or "points-redeemed" => await PointsAsync(name, text, ct),
                _ => await RegisterAsync(name, text, ct),
            };
            if (summary is null)
            {
                return Page();
            }

            await audit.RecordAsync(Person, "导入", $"{Kinds.First(k => k.Value == Kind).Label} {name}", summary, ct);
            Notice = $"已导入 {name}：{summary}";
            return RedirectToPage(new { kind = Kind });
        }
        catch (InputRejectedException rejected)
        {
            Reject(rejected);
            return Page();
        }
    }

    private async Task<string?> RegisterAsync(string name, string text, CancellationToken ct)
    {
        using var reader = new StringReader(text);
        var import = Kind switch
        {
            "communities" => RegisterImport.Empty with { Communities = RegisterCsv.ReadCommunities(name, reader) },
            "buildings" => RegisterImport.Empty with { Buildings = RegisterCsv.ReadBuildings(name, reader) },
            "households" => RegisterImport.Empty with { Households = RegisterCsv.ReadHouseholds(name, reader) },
            "occupancy" => RegisterImport.Empty with { Occupancy = RegisterCsv.ReadOccupancy(name, reader) },
            "meter-readings" => RegisterImport.Empty with { MeterReadings = RegisterCsv.ReadMeterReadings(name, reader) },
            _ => null,
        };
        if (import is null)
        {
            Errors.Add(new InputError(name, null, "kind", "import.kind.unknown", "请选择文件类型"));
            return null;
        }

        var foreign = await RegisterApi.OutOfScopeAsync(import, User.Grant(), scopes, db, ct);
        if (foreign.Count > 0)
        {
            throw new InputRejectedException(foreign);
        }

        var result = await new RegisterStore(db).ImportAsync(import, ConsoleText.Today(clock), rates, ct);
        return $"{result.Changed} 条有变更";
    }

    private async Task<string> PaymentsAsync(string name, string text, CancellationToken ct)
    {
        var rows = RegisterCsv.ReadPayments(name, new StringReader(text), null);
        var grant = User.Grant();
        var foreign = new List<InputError>();
        foreach (var row in rows)
        {
            if (!await scopes.MaySeeHouseholdAsync(grant, row.Value.Household, ct))
            {
                foreign.Add(new InputError(row.Source, row.Row, "household_code", "access.scope", $"住户 {row.Value.Household} 不属于本公司"));
            }
        }

        if (foreign.Count > 0)
        {
            throw new InputRejectedException(foreign);
        }

        var results = await new PaymentStore(db).RecordAsync(rows.Select(r => (r.Value, r.Source, r.Row)).ToList(), $"导入 {Person.Signature}", ct);
        return $"新记录 {results.Count(r => !r.Duplicate)} 笔，重复忽略 {results.Count(r => r.Duplicate)} 笔";
    }
}

using System.Text.RegularExpressions;
using RedProperty.Billing.Core.Parking;
using RedProperty.Billing.Core.Validation;

namespace RedProperty.Billing.Core.Operators;

/// <summary>Reads rates/operators/&lt;code&gt;.json into a profile or every problem in it, each with its file, line and field.</summary>
public static partial class OperatorProfileParser
{
    public static (OperatorProfile? Profile, IReadOnlyList<InputError> Errors) Parse(string source, string json, string? expectedCode = null)
    {
        var (dto, readError) = DataFileJson.Read<Dto>(source, json, "operator");
        if (dto is null)
        {
            return (null, [readError!]);
        }

        var lines = JsonLineMap.Build(json);
        var errors = new List<InputError>();
        void Error(string field, string code, string message) => errors.Add(new InputError(source, lines.LineOf(field), field, code, message));
        string Required(string? value, string field)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                Error(field, "operator.field.missing", $"{field} must be set");
                return string.Empty;
            }

            return value.Trim();
        }

        string Phone(string? value, string field)
        {
            var phone = Required(value, field);
            if (phone.Length > 0 && !PhonePattern().IsMatch(phone))
            {
                Error(field, "operator.phone.invalid", $"'{phone}' is not a phone number residents can dial: digits with an optional area code and hyphen, e.g. 0530-5312345 or 13800000000");
            }

            return phone;
        }

        var code = Required(dto.Operator, "operator");
        if (expectedCode is not null && code.Length > 0 && code != expectedCode)
        {
            Error("operator", "operator.code.file", $"operator '{code}' must match its file name '{expectedCode}.json'");
        }

        var legalName = Required(dto.LegalName, "legalName");
        if (!CreditCode.TryParse(dto.CreditCode, out var creditCode, out var creditProblem))
        {
            Error("creditCode", "operator.credit-code.invalid", creditProblem);
        }

        var complaint = Phone(dto.ComplaintPhone, "complaintPhone");
        var centres = new List<ServiceCentre>();
        for (var i = 0; i < (dto.ServiceCentres?.Count ?? 0); i++)
        {
            var c = dto.ServiceCentres![i];
            var field = $"serviceCentres[{i}]";
            var community = Required(c.Community, field + ".community");
            if (centres.Any(x => x.Community == community))
            {
                Error(field + ".community", "operator.centre.duplicate", $"community '{community}' already has a service centre");
            }

            centres.Add(new ServiceCentre(community, Required(c.Name, field + ".name"), Required(c.Address, field + ".address"), Phone(c.Phone, field + ".phone"), c.Hours));
        }

        if (!centres.Any(c => c.Community == OperatorProfiles.AnyCommunity))
        {
            Error("serviceCentres", "operator.centre.default", "list one service centre with community \"*\": it serves every community not listed");
        }

        BankAccount? bank = null;
        if (dto.Bank is null)
        {
            Error("bank", "operator.field.missing", "bank must be set: the account residents pay into by transfer");
        }
        else
        {
            var number = Required(dto.Bank.Number, "bank.number");
            if (number.Length > 0 && !AccountPattern().IsMatch(number))
            {
                Error("bank.number", "operator.bank.number", $"'{number}' is not a bank account number: 8 to 30 digits, spaces allowed");
            }

            bank = new BankAccount(Required(dto.Bank.Bank, "bank.bank"), Required(dto.Bank.AccountName, "bank.accountName"), number);
        }

        var link = Required(dto.PaymentLinkBase, "paymentLinkBase");
        if (link.Length > 0 && (!Uri.TryCreate(link, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps || uri.Query.Length > 0 || uri.Fragment.Length > 0))
        {
            Error("paymentLinkBase", "operator.payment-link.invalid", $"'{link}' must be an https address without query or fragment; the statement number is added to it");
        }

        var methods = (dto.PaymentMethods ?? []).Select(m => m?.Trim() ?? string.Empty).ToList();
        if (methods.Count == 0 || methods.Any(m => m.Length == 0))
        {
            Error("paymentMethods", "operator.payment-methods.missing", "list the ways residents can pay, e.g. \"微信扫码\", \"到物业服务中心现金缴纳\"");
        }

        var prefix = Required(dto.ReceiptPrefix, "receiptPrefix");
        if (prefix.Length > 0 && !PrefixPattern().IsMatch(prefix))
        {
            Error("receiptPrefix", "operator.receipt-prefix.invalid", $"'{prefix}' must be 2–16 capital letters, digits or hyphens");
        }

        if (dto.SealImage is { } seal && (seal.Contains("..", StringComparison.Ordinal) || Path.IsPathRooted(seal)
            || !(seal.EndsWith(".png", StringComparison.OrdinalIgnoreCase) || seal.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase))))
        {
            Error("sealImage", "operator.seal.invalid", "sealImage is a .png or .jpg file beside the profile (no folders above it)");
        }

        var approvalAbove = Money.Zero;
        if (dto.CorrectionApprovalAbove is { } above)
        {
            if (above < 0m || decimal.Round(above, 2) != above)
            {
                Error("correctionApprovalAbove", "operator.correction-threshold.invalid", $"{above} must be yuan to the fen, zero or more: corrections above it wait for a finance manager's approval");
            }
            else
            {
                approvalAbove = new Money(above);
            }
        }

        return errors.Count > 0 || bank is null
            ? (null, errors)
            : (new OperatorProfile(code, legalName, creditCode, complaint, dto.ComplaintBody, centres, bank, link.TrimEnd('/'), methods, prefix, dto.SealImage)
            {
                CorrectionApprovalAbove = approvalAbove,
            }, []);
    }

    [GeneratedRegex(@"^(0\d{2,3}-?)?\d{7,8}$|^1\d{10}$|^[48]00-?\d{3}-?\d{4}$|^12345$")]
    private static partial Regex PhonePattern();

    [GeneratedRegex(@"^\d[\d ]{6,36}\d$")]
    private static partial Regex AccountPattern();

    [GeneratedRegex(@"^[A-Z0-9-]{2,16}$")]
    private static partial Regex PrefixPattern();

    private sealed record Dto(
        string? Operator,
        string? LegalName,
        string? CreditCode,
        string? ComplaintPhone,
        string? ComplaintBody,
        IReadOnlyList<CentreDto>? ServiceCentres,
        BankDto? Bank,
        string? PaymentLinkBase,
        IReadOnlyList<string?>? PaymentMethods,
        string? ReceiptPrefix,
        string? SealImage,
        decimal? CorrectionApprovalAbove = null);

    private sealed record CentreDto(string? Community, string? Name, string? Address, string? Phone, string? Hours);

    private sealed record BankDto(string? Bank, string? AccountName, string? Number);
}

using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Operators;
using RedProperty.Billing.Infrastructure;
using RedProperty.Billing.Infrastructure.Rates;

namespace RedProperty.Billing.Tests.Documents;

/// <summary>The amount above which a correction needs a manager's approval is the operator's data.</summary>
public sealed class CorrectionThresholdProfileTests
{
    private const string Profile = """
        {
          "operator": "TCJY",
          "legalName": "菏泽天创金源物业服务有限公司",
          "creditCode": "91371700MA3C8K2D59",
          "complaintPhone": "0530-5310000",
          "serviceCentres": [
            { "community": "*", "name": "服务中心", "address": "长江路1号", "phone": "0530-5311000" }
          ],
          "bank": { "bank": "农业银行", "accountName": "天创金源", "number": "1543 0101 0400 1234 5" },
          "paymentLinkBase": "https://pay.tcjy.example/bill",
          "paymentMethods": ["微信扫码"],
          "receiptPrefix": "TCJY-SJ"THRESHOLD
        }
        """;

    [Fact]
    public void The_sample_operator_asks_approval_above_100_yuan()
    {
        Assert.Equal(new Money(100.00m), OperatorDirectory.Load(RepositoryPaths.Rates).For("TCJY")!.CorrectionApprovalAbove);
    }

    [Fact]
    public void Without_a_threshold_every_correction_needs_approval()
    {
        var (profile, errors) = OperatorProfileParser.Parse("operators/TCJY.json", Profile.Replace("THRESHOLD", string.Empty, StringComparison.Ordinal), "TCJY");

        Assert.Empty(errors);
        Assert.Equal(Money.Zero, profile!.CorrectionApprovalAbove);
    }

    [Theory]
    [InlineData("-5")]
    [InlineData("12.345")]
    public void A_negative_or_sub_fen_threshold_is_named_with_its_line(string value)
    {
        var (profile, errors) = OperatorProfileParser.Parse(
            "operators/TCJY.json", Profile.Replace("THRESHOLD", $",\n  \"correctionApprovalAbove\": {value}", StringComparison.Ordinal), "TCJY");

        Assert.Null(profile);
        var error = Assert.Single(errors);
        Assert.Equal(("operators/TCJY.json", "correctionApprovalAbove", "operator.correction-threshold.invalid", 13), (error.Source, error.Field, error.Code, error.Row));
    }
}

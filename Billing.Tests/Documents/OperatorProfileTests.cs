using RedProperty.Billing.Core.Operators;
using RedProperty.Billing.Infrastructure;
using RedProperty.Billing.Infrastructure.Rates;

namespace RedProperty.Billing.Tests.Documents;

public class OperatorProfileTests
{
    private const string Valid = """
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
          "receiptPrefix": "TCJY-SJ"
        }
        """;

    [Fact]
    public void The_repository_profile_loads_and_gives_each_community_its_centre()
    {
        var profile = OperatorDirectory.Load(RepositoryPaths.Rates).For("TCJY")!;

        Assert.Equal("0530-5311001", profile.CentreFor("HZ-FXY").Phone);
        Assert.Equal("0530-5311000", profile.CentreFor("HZ-NHJSY").Phone);
    }

    [Fact]
    public void A_valid_profile_parses()
    {
        var (profile, errors) = OperatorProfileParser.Parse("operators/TCJY.json", Valid, "TCJY");

        Assert.Empty(errors);
        Assert.Equal("https://pay.tcjy.example/bill", profile!.PaymentLinkBase);
    }

    [Theory]
    [InlineData("\"creditCode\": \"91371700MA3C8K2D59\"", "\"creditCode\": \"91371700MA3C8K2D58\"", 4, "creditCode", "operator.credit-code.invalid")]
    [InlineData("\"phone\": \"0530-5311000\"", "\"phone\": \"call us\"", 7, "serviceCentres[0].phone", "operator.phone.invalid")]
    [InlineData("\"community\": \"*\"", "\"community\": \"HZ-FXY\"", 6, "serviceCentres", "operator.centre.default")]
    [InlineData("https://pay.tcjy.example/bill", "http://pay.tcjy.example/bill?x=1", 10, "paymentLinkBase", "operator.payment-link.invalid")]
    [InlineData("\"TCJY-SJ\"", "\"sj 01\"", 12, "receiptPrefix", "operator.receipt-prefix.invalid")]
    [InlineData("\"operator\": \"TCJY\"", "\"operator\": \"TCJY\", \"phone\": \"1\"", 2, null, "operator.json.invalid")]
    public void A_bad_profile_is_refused_naming_file_line_and_field(string from, string to, int line, string? field, string code)
    {
        var (profile, errors) = OperatorProfileParser.Parse("operators/TCJY.json", Valid.Replace(from, to, StringComparison.Ordinal), "TCJY");

        Assert.Null(profile);
        var error = Assert.Single(errors);
        Assert.Equal(("operators/TCJY.json", line, code), (error.Source, error.Row, error.Code));
        if (field is not null)
        {
            Assert.Equal(field, error.Field);
        }
    }

    [Fact]
    public void A_profile_whose_operator_differs_from_its_file_name_is_refused()
    {
        var (_, errors) = OperatorProfileParser.Parse("operators/HYZY.json", Valid, "HYZY");

        Assert.Equal("operator.code.file", Assert.Single(errors).Code);
    }
}

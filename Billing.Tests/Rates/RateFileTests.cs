using NodaTime;
using RedProperty.Billing.Core.Rates;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Core.Validation;
using RedProperty.Billing.Infrastructure.Rates;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Rates;

[Trait("Category", "Core")]
public class RateFileTests
{
    [Fact]
    public void Every_shipped_rate_file_loads_and_Heze_two_star_is_0_48()
    {
        var catalog = SampleRegister.Rates();

        var heze = catalog.InForce("heze-kaifaqu", new LocalDate(2026, 10, 1));
        Assert.NotNull(heze);
        Assert.Equal("heze-kaifaqu@2022-01-01", heze.VersionId);
        Assert.Equal(0.48m, heze.PriceRow(ServiceLevel.Stars(2), BuildingType.MultiStorey)!.Benchmark.YuanPerSquareMetreMonth);
        Assert.Null(heze.Vacancy);
        Assert.Null(catalog.InForce("heze-kaifaqu", new LocalDate(2021, 12, 31)));
    }

    [Fact]
    public void The_version_in_force_is_the_latest_that_has_started()
    {
        var catalog = RateCatalog.Create([
            ("a", Version("2022-01-01", 0.48m)),
            ("b", Version("2024-07-01", 0.55m)),
        ]);

        Assert.Equal(0.48m, catalog.InForce("book", new LocalDate(2024, 6, 30))!.Prices[0].Benchmark.YuanPerSquareMetreMonth);
        Assert.Equal(0.55m, catalog.InForce("book", new LocalDate(2024, 7, 1))!.Prices[0].Benchmark.YuanPerSquareMetreMonth);
    }

    [Fact]
    public void Two_versions_on_the_same_date_are_refused()
    {
        var e = Assert.Throws<InputRejectedException>(() => RateCatalog.Create([
            ("rates/book/2022-01-01.json", Version("2022-01-01", 0.48m)),
            ("rates/book/copy/2022-01-01.json", Version("2022-01-01", 0.50m)),
        ]));
        Assert.Equal("rates.version.duplicate", Assert.Single(e.Errors).Code);
    }

    [Theory]
    [InlineData("""{ "rateBook": "book", "effectiveFrom": "2022-01-01", "levels": [ { "level": "2星", "pricePerSquareMetreMonth": -0.48 } ] }""", "levels[0].pricePerSquareMetreMonth", "rates.price.negative")]
    [InlineData("""{ "rateBook": "book", "effectiveFrom": "2022-01-01", "levels": [ { "level": "6星", "pricePerSquareMetreMonth": 0.48 } ] }""", "levels[0].level", "rates.level.unknown")]
    [InlineData("""{ "rateBook": "book", "effectiveFrom": "2022-13-01", "levels": [ { "level": "2星", "pricePerSquareMetreMonth": 0.48 } ] }""", "effectiveFrom", "rates.effective.invalid")]
    [InlineData("""{ "rateBook": "book", "effectiveFrom": "2022-01-01", "rounding": "up", "levels": [ { "level": "2星", "pricePerSquareMetreMonth": 0.48 } ] }""", "rounding", "rates.rounding.unknown")]
    [InlineData("""{ "rateBook": "book", "effectiveFrom": "2022-01-01", "levels": [] }""", "levels", "rates.levels.missing")]
    [InlineData("""{ "rateBook": "book", "effectiveFrom": "2022-01-01", "levels": [ { "level": "2星", "pricePerSquareMetreMonth": 0.48 } ], "lateFee": { "dailyRate": 0.0005, "graceDays": 30 } }""", "lateFee", "rates.latefee.unsupported")]
    [InlineData("""{ "rateBook": "book", "effectiveFrom": "2022-01-01", "levels": [ { "level": "2星", "pricePerSquareMetreMonth": 0.48 }, { "level": "2星级", "pricePerSquareMetreMonth": 0.50 } ] }""", "levels[1].level", "rates.level.duplicate")]
    public void A_broken_rate_file_names_the_file_and_field(string json, string field, string code)
    {
        var (version, errors) = RateFileParser.Parse("rates/book/2022-01-01.json", json);

        Assert.Null(version);
        var error = Assert.Single(errors);
        Assert.Equal("rates/book/2022-01-01.json", error.Source);
        Assert.Equal(field, error.Field);
        Assert.Equal(code, error.Code);
    }

    [Fact]
    public void Malformed_json_reports_the_line()
    {
        var json = "{\n  \"rateBook\": \"book\",\n  \"effectiveFrom\": \"2022-01-01\"\n  \"levels\": []\n}";

        var (_, errors) = RateFileParser.Parse("rates/book/2022-01-01.json", json);

        var error = Assert.Single(errors);
        Assert.Equal("rates.json.invalid", error.Code);
        Assert.Equal(4, error.Row);
    }

    [Fact]
    public void A_file_must_match_its_folder_and_date()
    {
        var json = """{ "rateBook": "other", "effectiveFrom": "2022-02-01", "levels": [ { "level": "2星", "pricePerSquareMetreMonth": 0.48 } ] }""";

        var (_, errors) = RateFileParser.Parse("rates/book/2022-01-01.json", json, "book", new LocalDate(2022, 1, 1));

        Assert.Equal(["rates.book.folder", "rates.effective.filename"], errors.Select(e => e.Code));
    }

    [Fact]
    public void A_broken_file_in_the_rates_folder_stops_loading_with_a_clear_message()
    {
        var dir = Directory.CreateTempSubdirectory("rates-");
        try
        {
            var book = Directory.CreateDirectory(Path.Combine(dir.FullName, "rates", "fees", "book"));
            File.WriteAllText(Path.Combine(book.FullName, "2022-01-01.json"),
                """{ "rateBook": "book", "effectiveFrom": "2022-01-01", "levels": [ { "level": "2星", "pricePerSquareMetreMonth": "abc" } ] }""");

            var e = Assert.Throws<InputRejectedException>(() => RateDirectory.Load(Path.Combine(dir.FullName, "rates")));

            Assert.Contains(Path.Combine("rates", "fees", "book", "2022-01-01.json"), e.Message, StringComparison.Ordinal);
            Assert.Contains("levels[0].pricePerSquareMetreMonth", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static RateBookVersion Version(string from, decimal price, string? to = null) => TestRegister.Book(
        price,
        from: NodaTime.Text.LocalDatePattern.Iso.Parse(from).Value,
        to: to is null ? null : NodaTime.Text.LocalDatePattern.Iso.Parse(to).Value,
        name: "book");

    [Fact]
    public void Versions_that_overlap_or_leave_a_gap_are_refused()
    {
        var overlap = Assert.Throws<InputRejectedException>(() => RateCatalog.Create([
            ("a.json", Version("2022-01-01", 0.48m, to: "2024-07-31")),
            ("b.json", Version("2024-07-01", 0.55m)),
        ]));
        var gap = Assert.Throws<InputRejectedException>(() => RateCatalog.Create([
            ("a.json", Version("2022-01-01", 0.48m, to: "2024-05-31")),
            ("b.json", Version("2024-07-01", 0.55m)),
        ]));

        Assert.Equal("rates.version.overlap", Assert.Single(overlap.Errors).Code);
        Assert.Contains("no prices from 2024-06-01 to 2024-06-30", Assert.Single(gap.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_version_that_ends_leaves_no_price_after_its_end()
    {
        var catalog = RateCatalog.Create([("a.json", Version("2022-01-01", 0.48m, to: "2022-12-31"))]);

        Assert.NotNull(catalog.InForce("book", new LocalDate(2022, 12, 31)));
        Assert.Null(catalog.InForce("book", new LocalDate(2023, 1, 1)));
    }

    [Fact]
    public void A_semantic_error_names_the_line_of_the_field()
    {
        var json = """
            {
              "rateBook": "book",
              "effectiveFrom": "2022-01-01",
              "levels": [
                { "level": "2星", "pricePerSquareMetreMonth": 0.48 },
                { "level": "3星", "buildingType": "villa", "pricePerSquareMetreMonth": 0.60 }
              ]
            }
            """;

        var (_, errors) = RateFileParser.Parse("rates/book/2022-01-01.json", json);

        var error = Assert.Single(errors);
        Assert.Equal(("levels[1].buildingType", 6, "rates.building_type.unknown"), (error.Field, error.Row, error.Code));
        Assert.StartsWith("rates/book/2022-01-01.json, row 6, field 'levels[1].buildingType'", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "code": "waste", "label": "垃圾费", "basis": "per-room", "rate": 5 }""", "feeItems[0].basis", "rates.item.basis")]
    [InlineData("""{ "code": "Waste Fee", "label": "垃圾费", "basis": "per-household", "rate": 5 }""", "feeItems[0].code", "rates.item.code")]
    [InlineData("""{ "code": "waste", "label": "垃圾费", "basis": "per-household", "rate": -5 }""", "feeItems[0].rate", "rates.item.rate")]
    [InlineData("""{ "code": "waste", "label": "垃圾费", "basis": "per-household", "rate": 5, "whenVacant": "half" }""", "feeItems[0].whenVacant", "rates.item.vacant")]
    public void A_broken_fee_item_names_its_field(string item, string field, string code)
    {
        var json = $$"""{ "rateBook": "book", "effectiveFrom": "2022-01-01", "levels": [ { "level": "2星", "pricePerSquareMetreMonth": 0.48 } ], "feeItems": [ {{item}} ] }""";

        var error = Assert.Single(RateFileParser.Parse("f.json", json).Errors);

        Assert.Equal((field, code), (error.Field, error.Code));
    }

    [Fact]
    public void The_example_city_book_has_building_types_a_band_fee_items_and_vacancy()
    {
        var book = SampleRegister.Rates().InForce("example-city-benchmark", new LocalDate(2026, 10, 1))!;

        Assert.Equal(1.10m, book.PriceRow(ServiceLevel.Stars(2), BuildingType.HighRise)!.Benchmark.YuanPerSquareMetreMonth);
        Assert.Equal(0.40m, book.PriceRow(ServiceLevel.Stars(2), BuildingType.MultiStorey)!.Benchmark.YuanPerSquareMetreMonth);
        Assert.Equal((0.34m, 0.46m), (book.PriceRow(ServiceLevel.Stars(2), BuildingType.MultiStorey)!.Minimum.YuanPerSquareMetreMonth, book.PriceRow(ServiceLevel.Stars(2), BuildingType.MultiStorey)!.Maximum.YuanPerSquareMetreMonth));
        Assert.Equal(["waste", "shared-water"], book.FeeItems.Select(i => i.Code));
        Assert.Equal(0.70m, book.Vacancy!.Share);
    }
}

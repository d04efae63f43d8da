using System.Globalization;
using NodaTime;
using NodaTime.Text;
using RedProperty.Billing.Core.Parking;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Core.Validation;

namespace RedProperty.Billing.Infrastructure.Register;

/// <summary>A row of parking_spaces.csv: a numbered space of a community.</summary>
public sealed record ParkingSpaceRow(CommunityCode Community, string Space);

/// <summary>A row of parking_permits.csv: a household holds the resident permit of a space from a date (to a date, or open).</summary>
public sealed record ParkingPermitRow(CommunityCode Community, string Space, HouseholdCode Household, LocalDate From, LocalDate? To);

/// <summary>A row of businesses.csv: a business that leases spaces, by its unified social credit code.</summary>
public sealed record BusinessRow(CreditCode Code, string Name, string Contact);

/// <summary>A row of parking_releases.csv: the space is released for the working-day daytime of a month (by the parking prices' window).</summary>
public sealed record ParkingReleaseRow(CommunityCode Community, string Space, YearMonth Period, string ReleasedBy);

/// <summary>A row of parking_leases.csv: a business leases the space for the working-day daytime of a month, at the monthly price.</summary>
public sealed record ParkingLeaseRow(CommunityCode Community, string Space, CreditCode Business, YearMonth Period);

/// <summary>A row of points_earned.csv: a volunteer service done, with who confirmed it and the record's reference (登记号).</summary>
public sealed record PointsEarnedRow(string Reference, HouseholdCode Household, string Service, LocalDate On, string ConfirmedBy);

/// <summary>A row of points_redeemed.csv: points redeemed for a reward, with the record's reference.</summary>
public sealed record PointsRedeemedRow(string Reference, HouseholdCode Household, string Reward, int Points, LocalDate On);

/// <summary>
/// The files of shared parking and volunteer points, in the same style as the register files: the
/// whole file is checked and every bad row named with its row and column. Before these, spaces,
/// permits, leases and points could only be entered one by one through the Api.
/// </summary>
public static partial class RegisterCsv
{
    public static readonly CsvLayout ParkingSpaces = new(["community_code", "space_number"], []);

    public static readonly CsvLayout ParkingPermits = new(["community_code", "space_number", "household_code", "valid_from"], ["valid_to"]);

    public static readonly CsvLayout Businesses = new(["credit_code", "business_name", "contact"], []);

    public static readonly CsvLayout ParkingReleases = new(["community_code", "space_number", "period", "released_by"], []);

    public static readonly CsvLayout ParkingLeases = new(["community_code", "space_number", "credit_code", "period"], []);

    public static readonly CsvLayout PointsEarned = new(["reference", "household_code", "service_code", "service_date", "confirmed_by"], []);

    public static readonly CsvLayout PointsRedeemed = new(["reference", "household_code", "reward_code", "points", "redeemed_on"], []);

    public static IEnumerable<Sourced<ParkingSpaceRow>> StreamParkingSpaces(string source, TextReader reader, List<InputError> errors) =>
        Stream(source, reader, ParkingSpaces, null, row =>
        {
            var community = row.Code("community_code", s => new CommunityCode(s));
            var space = row.Required("space_number");
            return row.IsValid ? new ParkingSpaceRow(community!.Value, space!) : null;
        }, errors);

    public static IEnumerable<Sourced<ParkingPermitRow>> StreamParkingPermits(string source, TextReader reader, List<InputError> errors) =>
        Stream(source, reader, ParkingPermits, null, row =>
        {
            var community = row.Code("community_code", s => new CommunityCode(s));
            var space = row.Required("space_number");
            var household = row.Code("household_code", s => new HouseholdCode(s));
            var from = row.RequiredDate("valid_from");
            var to = row.OptionalDate("valid_to");
            if (from is { } f && to is { } t && t < f)
            {
                row.Error("valid_to", "parking.permit.dates", $"valid_to {t:yyyy-MM-dd} is before valid_from {f:yyyy-MM-dd}");
            }

            return row.IsValid ? new ParkingPermitRow(community!.Value, space!, household!.Value, from!.Value, to) : null;
        }, errors);

    public static IEnumerable<Sourced<BusinessRow>> StreamBusinesses(string source, TextReader reader, List<InputError> errors) =>
        Stream(source, reader, Businesses, "credit_code", row =>
        {
            var code = row.CreditCode("credit_code");
            var name = row.Required("business_name");
            var contact = row.Required("contact");
            return row.IsValid ? new BusinessRow(code!.Value, name!, contact!) : null;
        }, errors);

    public static IEnumerable<Sourced<ParkingReleaseRow>> StreamParkingReleases(string source, TextReader reader, List<InputError> errors) =>
        Stream(source, reader, ParkingReleases, null, row =>
        {
            var community = row.Code("community_code", s => new CommunityCode(s));
            var space = row.Required("space_number");
            var period = row.Period("period");
            var by = row.Required("released_by");
            return row.IsValid ? new ParkingReleaseRow(community!.Value, space!, period!.Value, by!) : null;
        }, errors);

    public static IEnumerable<Sourced<ParkingLeaseRow>> StreamParkingLeases(string source, TextReader reader, List<InputError> errors) =>
        Stream(source, reader, ParkingLeases, null, row =>
        {
            var community = row.Code("community_code", s => new CommunityCode(s));
            var space = row.Required("space_number");
            var business = row.CreditCode("credit_code");
            var period = row.Period("period");
            return row.IsValid ? new ParkingLeaseRow(community!.Value, space!, business!.Value, period!.Value) : null;
        }, errors);

    public static IEnumerable<Sourced<PointsEarnedRow>> StreamPointsEarned(string source, TextReader reader, List<InputError> errors) =>
        Stream(source, reader, PointsEarned, "reference", row =>
        {
            var reference = row.Required("reference");
            var household = row.Code("household_code", s => new HouseholdCode(s));
            var service = row.Required("service_code");
            var on = row.RequiredDate("service_date");
            var by = row.Required("confirmed_by");
            return row.IsValid ? new PointsEarnedRow(reference!, household!.Value, service!, on!.Value, by!) : null;
        }, errors);

    public static IEnumerable<Sourced<PointsRedeemedRow>> StreamPointsRedeemed(string source, TextReader reader, List<InputError> errors) =>
        Stream(source, reader, PointsRedeemed, "reference", row =>
        {
            var reference = row.Required("reference");
            var household = row.Code("household_code", s => new HouseholdCode(s));
            var reward = row.Required("reward_code");
            var pointsText = row.Required("points");
            var points = 0;
            if (pointsText is not null && (!int.TryParse(pointsText, NumberStyles.None, CultureInfo.InvariantCulture, out points) || points <= 0))
            {
                row.Error("points", "points.amount.invalid", $"'{pointsText}' is not a whole number of points above 0");
            }

            var on = row.RequiredDate("redeemed_on");
            return row.IsValid ? new PointsRedeemedRow(reference!, household!.Value, reward!, points, on!.Value) : null;
        }, errors);

    private sealed partial class CsvRow
    {
        public CreditCode? CreditCode(string column)
        {
            var text = Required(column);
            if (text is null)
            {
                return null;
            }

            if (Core.Parking.CreditCode.TryParse(text, out var code, out var problem))
            {
                return code;
            }

            Error(column, "business.credit_code.invalid", problem);
            return null;
        }

        public YearMonth? Period(string column)
        {
            var text = Required(column);
            if (text is null)
            {
                return null;
            }

            if (YearMonthPattern.CreateWithInvariantCulture("uuuu'-'MM").Parse(text) is { Success: true } ok)
            {
                return ok.Value;
            }

            Error(column, "csv.period.invalid", $"'{text}' is not a month like 2026-10");
            return null;
        }
    }
}

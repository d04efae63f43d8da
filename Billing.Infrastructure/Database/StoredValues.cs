namespace RedProperty.Billing.Infrastructure.Database;

/// <summary>
/// Words the database stores for enumerations (a payment channel, a building type, an occupancy),
/// read back strictly: a word this version does not know is corrupt or newer data, and guessing a
/// default (cash, multi-storey, occupied) would bill or report something nobody recorded.
/// </summary>
public static class StoredValues
{
    public delegate bool TryParser<T>(string? text, out T value);

    public static T Read<T>(string text, TryParser<T> parse, string what) =>
        parse(text, out var value)
            ? value
            : throw new InvalidDataException($"The database holds '{text}' as {what}, which this version does not know.");

    public static Core.Payments.PaymentChannel Channel(string text) => Read<Core.Payments.PaymentChannel>(text, Core.Payments.PaymentChannels.TryParse, "a payment channel");

    public static Core.Register.BuildingType BuildingType(string text) => Read<Core.Register.BuildingType>(text, Core.Register.BuildingTypes.TryParse, "a building type");

    public static Core.Register.Occupancy Occupancy(string text) => Read<Core.Register.Occupancy>(text, Core.Register.Occupancies.TryParse, "an occupancy");
}

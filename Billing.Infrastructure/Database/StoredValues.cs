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

    /// <summary>As <see cref="Read{T}(string, TryParser{T}, string)"/>, naming the column (<c>payment.channel</c>) the word was read from.</summary>
    public static T Read<T>(string text, TryParser<T> parse, string what, string column) =>
        parse(text, out var value)
            ? value
            : throw Unknown(text, what, column);

    /// <summary>The error for a word <paramref name="column"/> holds that this version does not know, for words checked by a switch.</summary>
    public static InvalidDataException Unknown(string text, string what, string column) =>
        new($"The database holds '{text}' in {column}, which this version does not know as {what}.");

    public static Core.Payments.PaymentChannel Channel(string text, string column) => Read<Core.Payments.PaymentChannel>(text, Core.Payments.PaymentChannels.TryParse, "a payment channel", column);

    public static Core.Payments.PaymentChannel Channel(string text) => Read<Core.Payments.PaymentChannel>(text, Core.Payments.PaymentChannels.TryParse, "a payment channel");

    public static Core.Register.BuildingType BuildingType(string text) => Read<Core.Register.BuildingType>(text, Core.Register.BuildingTypes.TryParse, "a building type");

    public static Core.Register.Occupancy Occupancy(string text) => Read<Core.Register.Occupancy>(text, Core.Register.Occupancies.TryParse, "an occupancy");
}

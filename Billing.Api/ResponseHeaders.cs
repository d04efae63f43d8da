using System.Text;

namespace RedProperty.Billing.Api;

/// <summary>
/// Headers every response gets, whatever endpoint wrote it (no content sniffing, no server banner),
/// and a Location that HTTP can carry.
/// </summary>
internal static class ResponseHeaders
{
    public static IApplicationBuilder UseSafeResponseHeaders(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.Remove("Server");

                return Task.CompletedTask;
            });
            return next(context);
        });

    /// <summary>
    /// Percent-encodes (as UTF-8) every character a header cannot carry: names like 开发区, a space
    /// in 地下 001, control characters. Without this the record is stored and then the response
    /// fails while its headers are written, so the client sees a 500 for a request that succeeded.
    /// Characters already safe, including existing %XX escapes, are left as they are.
    /// </summary>
    public static string EncodeLocation(string location)
    {
        if (location.All(c => c is > ' ' and < (char)0x7F))
        {
            return location;
        }

        var builder = new StringBuilder(location.Length * 3);
        foreach (var b in Encoding.UTF8.GetBytes(location))
        {
            if (b is > (byte)' ' and < 0x7F)
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }
}

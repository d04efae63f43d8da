namespace RedProperty.Billing.Api.Web;

/// <summary>
/// The server-rendered pages (finance console, residents' page, district desk) share one host
/// with the Api. They are Razor Pages under Pages/, styled by one stylesheet, and drawn in the
/// same WenQuanYi face as the PDFs, served from the build output, so every browser shows the
/// same letters whatever fonts the machine has.
/// </summary>
public static class WebPages
{
    public const string FontPath = "/fonts/wqy-microhei-common.ttf";

    public static IServiceCollection AddBillingWebPages(this IServiceCollection services)
    {
        services.AddRazorPages(options => options.RootDirectory = "/Pages");
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "billing.af";
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        return services;
    }

    public static WebApplication MapBillingWebPages(this WebApplication app)
    {
        app.UseStaticFiles();
        app.MapGet(FontPath, (HttpContext http) =>
        {
            // The face changes only with a release, and it is 2 MB: let browsers keep it.
            http.Response.Headers.CacheControl = "public, max-age=2592000";
            var file = Path.Combine(AppContext.BaseDirectory, "fonts", "wqy-microhei-common.ttf");
            return Results.File(file, "font/ttf", enableRangeProcessing: true);
        }).ExcludeFromDescription();
        app.MapRazorPages();
        return app;
    }
}

using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using RedProperty.Billing.Api.Web;
using RedProperty.Billing.Infrastructure.Residents;

namespace RedProperty.Billing.Api.Pages.Resident;

/// <summary>The page a statement's QR code opens: checks the link, then asks for the last four digits of the phone on file.</summary>
[AllowAnonymous]
[EnableRateLimiting(ResidentAccess.CheckRateLimit)]
public sealed class LinkModel(ResidentLinks links, ResidentChecks checks) : PageModel
{
    [BindProperty]
    public string? LastFour { get; set; }

    public bool Invalid { get; private set; }

    public string? Message { get; private set; }

    public async Task<IActionResult> OnGetAsync(string token)
    {
        var link = links.Read(token);
        if (link is null)
        {
            Invalid = true;
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }

        // Already checked in this browser for the same household: straight to the page.
        var current = await HttpContext.AuthenticateAsync(ResidentAccess.Scheme);
        return current.Succeeded && current.Principal.Household() == link.HouseholdCode ? Redirect("/r/home") : Page();
    }

    public async Task<IActionResult> OnPostAsync(string token)
    {
        var link = links.Read(token);
        if (link is null)
        {
            Invalid = true;
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }

        var digits = (LastFour ?? string.Empty).Trim();
        if (digits.Length != 4 || !digits.All(char.IsAsciiDigit))
        {
            Message = "请输入 4 位数字。";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        var outcome = await checks.CheckAsync(link.HouseholdCode, digits, HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown", HttpContext.RequestAborted);
        switch (outcome)
        {
            case CheckOutcome.Passed:
                await HttpContext.SignInAsync(ResidentAccess.Scheme, ResidentAccess.Principal(link.HouseholdCode, link.StatementNo));
                return Redirect("/r/home");
            case CheckOutcome.Locked:
                Message = $"错误次数过多，已暂时锁定，请 {ResidentChecks.LockFor.TotalMinutes:0} 分钟后再试，或联系物业服务中心。";
                Response.StatusCode = StatusCodes.Status423Locked;
                return Page();
            case CheckOutcome.NoPhone:
                Message = "此户没有登记手机号，请到物业服务中心查询或登记。";
                return Page();
            default:
                Message = "号码不对，请再试一次。";
                Response.StatusCode = StatusCodes.Status400BadRequest;
                return Page();
        }
    }
}

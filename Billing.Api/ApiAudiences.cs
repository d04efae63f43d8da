namespace RedProperty.Billing.Api;

/// <summary>
/// The Api's route groups, one per audience. A group carries its audience's tag (the document lists
/// its operations under it) and the authorization policy that admits that audience, so where an
/// endpoint is mapped decides both who may call it and how it is described; the two cannot drift
/// apart. The groups add no prefix: every URL is the one the endpoint file names.
/// </summary>
/// <remarks>
/// Some endpoints serve two audiences with one URL: a household's statements, ledger, points,
/// corrections and receipts are read by the resident and by their operator's finance staff, and a
/// district's reconciliation and sign-off by district finance and by the finance staff of the
/// operators whose communities are in it. Mapping such an endpoint twice is impossible and a second
/// policy on top of a group's would have to be satisfied as well, so each such pair of audiences is a
/// group of its own, tagged with both and guarded by the policy that admits both roles; the handler
/// then narrows to the caller's own household, operator or district (404 or 403 otherwise).
/// </remarks>
public sealed class ApiAudiences
{
    private ApiAudiences(IEndpointRouteBuilder app)
    {
        // Every Api endpoint's input passes the shared checks (lengths, characters, amounts, dates) first.
        var checkedInput = app.MapGroup(string.Empty).AddEndpointFilter<InputGuard>().ProducesProblem(StatusCodes.Status400BadRequest);
        FinanceStaff = checkedInput.MapGroup(string.Empty)
            .WithTags(ApiDescription.FinanceStaff).RequireAuthorization(Access.FinanceStaff);
        DistrictFinance = checkedInput.MapGroup(string.Empty)
            .WithTags(ApiDescription.DistrictFinance).RequireAuthorization(Access.DistrictFinance);
        Households = checkedInput.MapGroup(string.Empty)
            .WithTags(ApiDescription.FinanceStaff, ApiDescription.Residents).RequireAuthorization(Access.FinanceOrResident);
        Districts = checkedInput.MapGroup(string.Empty)
            .WithTags(ApiDescription.FinanceStaff, ApiDescription.DistrictFinance).RequireAuthorization(Access.FinanceOrDistrict);
        SignedIn = checkedInput.MapGroup(string.Empty)
            .WithTags(ApiDescription.FinanceStaff, ApiDescription.Residents, ApiDescription.DistrictFinance).RequireAuthorization();

        // Health checks and the payment channels' notifications: no token (a notification proves itself
        // by the gateway's signature), and the gateways' own formats (long ciphertext) are checked by
        // their handlers, not by the shared input checks.
        Machines = app.MapGroup(string.Empty).WithTags(ApiDescription.Machines).AllowAnonymous();
    }

    /// <summary>The operator's finance staff, for their own operator's communities.</summary>
    public RouteGroupBuilder FinanceStaff { get; }

    /// <summary>District finance (区财政), for their own district.</summary>
    public RouteGroupBuilder DistrictFinance { get; }

    /// <summary>A household's own records: the resident (their household) and finance staff (their operator's households).</summary>
    public RouteGroupBuilder Households { get; }

    /// <summary>A district's reconciliation and sign-off: district finance (their district) and finance staff (their communities in it).</summary>
    public RouteGroupBuilder Districts { get; }

    /// <summary>Any caller with a token: the published rates, and signing out.</summary>
    public RouteGroupBuilder SignedIn { get; }

    /// <summary>Health checks and the payment channels, without a token.</summary>
    public RouteGroupBuilder Machines { get; }

    public static ApiAudiences Map(IEndpointRouteBuilder app) => new(app);
}

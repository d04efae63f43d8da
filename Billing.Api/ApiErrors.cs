using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace RedProperty.Billing.Api;

/// <summary>
/// What an exception that reached the top becomes: a body that cannot be read is the client's
/// mistake (400, naming the field), PostgreSQL being unreachable is a 503 with Retry-After, and
/// anything else is ours (500). Every answer is an RFC 7807 problem.
/// </summary>
internal static partial class ApiErrors
{
    /// <summary>Seconds a client should wait before trying again while the database is away.</summary>
    public const int RetryAfterSeconds = 30;

    public static IApplicationBuilder UseBillingErrors(this IApplicationBuilder app) =>
        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = HandleAsync });

    /// <summary>After authentication: a token that could not be checked because the database is down is a 503, not a 401.</summary>
    public static IApplicationBuilder UseDatabaseOutageAnswer(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (context.Items.ContainsKey(TokenChecks.DatabaseDown))
            {
                await WriteAsync(context, Unavailable());
                return;
            }

            await next(context);
        });

    private static async Task HandleAsync(HttpContext context)
    {
        var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var problem = error switch
        {
            BadHttpRequestException bad => new ProblemDetails
            {
                Status = bad.StatusCode,
                Title = "The request could not be read",
                Detail = Detail(bad),
                Extensions = { ["field"] = FieldOf(bad) },
            },
            _ when error is not null && DatabaseOutage.Is(error) => Unavailable(),
            _ => new ProblemDetails { Status = StatusCodes.Status500InternalServerError, Title = "An error occurred while processing your request." },
        };
        await WriteAsync(context, problem);
    }

    private static ProblemDetails Unavailable() => new()
    {
        Status = StatusCodes.Status503ServiceUnavailable,
        Title = "Database unavailable",
        Detail = $"The billing database cannot be reached just now; nothing was stored. Try again in {RetryAfterSeconds} s.",
    };

    private static async Task WriteAsync(HttpContext context, ProblemDetails problem)
    {
        context.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var writer = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await writer.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }

    private static string Detail(BadHttpRequestException bad) =>
        Inner<JsonException>(bad) is { } json ? $"{bad.Message} {json.Message}" : bad.Message;

    /// <summary>The JSON path of the value that did not fit ("amount", "weekdays[2]"), or the parameter the framework could not bind.</summary>
    private static string? FieldOf(BadHttpRequestException bad)
    {
        if (Inner<JsonException>(bad)?.Path is { Length: > 1 } path && path.StartsWith("$.", StringComparison.Ordinal))
        {
            return path[2..];
        }

        return ParameterName().Match(bad.Message) is { Success: true } m ? m.Groups[1].Value : "body";
    }

    private static T? Inner<T>(Exception e)
        where T : Exception
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            if (x is T found)
            {
                return found;
            }
        }

        return null;
    }

    [GeneratedRegex("parameter \"[^\"]* ([A-Za-z0-9_]+)\"")]
    private static partial Regex ParameterName();
}

/// <summary>Whether an exception means PostgreSQL could not be reached (rather than refused what was asked).</summary>
public static class DatabaseOutage
{
    public static bool Is(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException pg:
                    // 08: connection exceptions; 57P01–57P03: the server shutting down or starting; 53300: too many connections.
                    return pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState is "57P01" or "57P02" or "57P03" or "53300";
                case NpgsqlException { IsTransient: true }:
                case SocketException:
                    return true;
            }
        }

        return false;
    }
}

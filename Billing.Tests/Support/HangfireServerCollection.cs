namespace RedProperty.Billing.Tests.Support;

/// <summary>
/// Tests that start a Hangfire server run alone: Hangfire's logging and serializer settings are
/// process-wide, and an Api host under test in parallel replaces them with its own.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HangfireServerCollection
{
    public const string Name = "Hangfire server";
}

namespace RedProperty.Billing.Tests.Architecture;

/// <summary>Billing.Core stays the pure domain: it may use the runtime and NodaTime, nothing else of ours or anyone's.</summary>
public class CoreDependencyTests
{
    [Fact]
    public void Billing_Core_references_nothing_but_the_runtime_and_NodaTime()
    {
        var core = typeof(Core.Money).Assembly;

        var references = core.GetReferencedAssemblies().Select(a => a.Name!).Order(StringComparer.Ordinal).ToList();

        var notRuntime = references.Where(name => name != "netstandard" && name != "mscorlib" && !name.StartsWith("System", StringComparison.Ordinal)).ToList();
        Assert.Equal(["NodaTime"], notRuntime);
        // The runtime parts it uses are the language's and the base library's, not I/O, data or networking.
        Assert.DoesNotContain(references, name => name.StartsWith("System.Net", StringComparison.Ordinal) || name.StartsWith("System.Data", StringComparison.Ordinal)
            || name is "System.IO.FileSystem" or "System.Console" or "System.Diagnostics.Process");
    }
}

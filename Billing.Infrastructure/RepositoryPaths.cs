namespace RedProperty.Billing.Infrastructure;

/// <summary>
/// Finds the checkout's folders (rates/, samples/, .pg/) so that the commands work from any
/// working directory inside a clone, including from test and build output folders.
/// </summary>
public static class RepositoryPaths
{
    public const string SolutionFile = "RedProperty.Billing.sln";

    public static string Root { get; } = FindRoot();

    public static string Rates => Path.Combine(Root, "rates");

    public static string Samples => Path.Combine(Root, "samples");

    public static string LocalClusters => Path.Combine(Root, ".pg");

    private static string FindRoot()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, SolutionFile)))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException(
            $"Cannot find {SolutionFile} above '{Environment.CurrentDirectory}' or '{AppContext.BaseDirectory}': run the commands from inside a checkout.");
    }
}

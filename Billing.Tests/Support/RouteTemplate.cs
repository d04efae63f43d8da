using System.Text;

namespace RedProperty.Billing.Tests.Support;

/// <summary>Turns a route template from the OpenAPI document ("/api/households/{household}/ledger") into a URL a test can call.</summary>
public static class RouteTemplate
{
    /// <summary>Each "{name}" (or "{name:constraint}") replaced by <paramref name="valueOf"/>(name), escaped.</summary>
    public static string Fill(string template, Func<string, string> valueOf)
    {
        var url = new StringBuilder();
        var i = 0;
        while (i < template.Length)
        {
            var open = template.IndexOf('{', i);
            if (open < 0)
            {
                url.Append(template, i, template.Length - i);
                break;
            }

            var close = template.IndexOf('}', open);
            url.Append(template, i, open - i);
            url.Append(Uri.EscapeDataString(valueOf(template[(open + 1)..close].Split(':')[0])));
            i = close + 1;
        }

        return url.ToString();
    }
}

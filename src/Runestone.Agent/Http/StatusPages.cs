using System.Net;
using System.Text;
using Runestone.Agent.Targets;

namespace Runestone.Agent.Http;

/// <summary>The <c>/targets</c> and <c>/service-discovery</c> HTML pages, shaped like Promtail's.</summary>
public static class StatusPages
{
    public static string Targets(IReadOnlyList<TargetInfo> targets, IReadOnlyList<FileTargetManager> managers)
    {
        var sb = Header("Targets");
        foreach (var job in targets.GroupBy(t => t.Job))
        {
            var ready = job.Count(t => t.Ready);
            sb.Append("<h2>").Append(E(job.Key)).Append(" (").Append(ready).Append('/').Append(job.Count()).Append(" ready)</h2>\n");
            sb.Append("<table><tr><th>Type</th><th>State</th><th>Labels</th><th>Details</th></tr>\n");
            foreach (var t in job)
            {
                sb.Append("<tr><td>").Append(E(t.Type)).Append("</td><td class=\"").Append(t.Ready ? "up" : "down").Append("\">").Append(t.Ready ? "READY" : "NOT READY")
                  .Append("</td><td>").Append(Labels(t.Labels ?? t.DiscoveredLabels)).Append("</td><td>").Append(E(t.Details)).Append("</td></tr>\n");
            }

            sb.Append("</table>\n");
            foreach (var m in managers.Where(m => m.JobName == job.Key))
            {
                var files = m.Files();
                if (files.Count == 0)
                {
                    continue;
                }

                sb.Append("<table><tr><th>File</th><th>State</th><th>Read offset</th></tr>\n");
                foreach (var (path, state, offset) in files)
                {
                    sb.Append("<tr><td>").Append(E(path)).Append("</td><td>").Append(E(state)).Append("</td><td>").Append(offset).Append("</td></tr>\n");
                }

                sb.Append("</table>\n");
            }
        }

        if (targets.Count == 0)
        {
            sb.Append("<p>No targets.</p>\n");
        }

        return sb.Append("</body></html>\n").ToString();
    }

    public static string ServiceDiscovery(IReadOnlyList<TargetInfo> targets)
    {
        var sb = Header("Service Discovery");
        foreach (var job in targets.GroupBy(t => t.Job))
        {
            sb.Append("<h2>").Append(E(job.Key)).Append(" (").Append(job.Count(t => t.Labels is not null)).Append(" / ").Append(job.Count()).Append(" active targets)</h2>\n");
            sb.Append("<table><tr><th>Discovered Labels</th><th>Target Labels</th></tr>\n");
            foreach (var t in job)
            {
                sb.Append("<tr><td>").Append(Labels(t.DiscoveredLabels)).Append("</td><td>")
                  .Append(t.Labels is null ? "<em>Dropped</em>" : Labels(t.Labels)).Append("</td></tr>\n");
            }

            sb.Append("</table>\n");
        }

        return sb.Append("</body></html>\n").ToString();
    }

    private static StringBuilder Header(string title) => new StringBuilder()
        .Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Runestone agent: ").Append(title).Append("</title>")
        .Append("<style>body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse;margin-bottom:1em}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}")
        .Append(".up{color:#080}.down{color:#b00}.l{display:inline-block;background:#eef;border-radius:3px;padding:1px 4px;margin:1px;font-family:monospace}</style></head><body>")
        .Append("<p><a href=\"/targets\">Targets</a> · <a href=\"/service-discovery\">Service Discovery</a> · <a href=\"/metrics\">Metrics</a> · <a href=\"/config\">Config</a></p>")
        .Append("<h1>").Append(title).Append("</h1>\n");

    private static string Labels(IReadOnlyDictionary<string, string> labels)
    {
        var sb = new StringBuilder();
        foreach (var (k, v) in labels.OrderBy(x => x.Key, StringComparer.Ordinal))
        {
            sb.Append("<span class=\"l\">").Append(E(k)).Append("=\"").Append(E(v)).Append("\"</span> ");
        }

        return sb.ToString();
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);
}

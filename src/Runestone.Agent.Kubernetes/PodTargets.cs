using System.Text;
using k8s.Models;
using Runestone.Agent.Targets;

namespace Runestone.Agent.Kubernetes;

/// <summary>
/// Turns a pod into one target per container with the <c>__meta_kubernetes_*</c> labels of
/// Prometheus' pod role (what Promtail's Kubernetes discovery exposes).
/// </summary>
public static class PodTargets
{
    public const string Prefix = "__meta_kubernetes_";

    public static List<DiscoveredTarget> FromPod(V1Pod pod)
    {
        var result = new List<DiscoveredTarget>();
        var meta = pod.Metadata;
        if (meta is null)
        {
            return result;
        }

        var common = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [Prefix + "namespace"] = meta.NamespaceProperty ?? string.Empty,
            [Prefix + "pod_name"] = meta.Name ?? string.Empty,
            [Prefix + "pod_ip"] = pod.Status?.PodIP ?? string.Empty,
            [Prefix + "pod_ready"] = Ready(pod),
            [Prefix + "pod_phase"] = pod.Status?.Phase ?? string.Empty,
            [Prefix + "pod_node_name"] = pod.Spec?.NodeName ?? string.Empty,
            [Prefix + "pod_host_ip"] = pod.Status?.HostIP ?? string.Empty,
            [Prefix + "pod_uid"] = meta.Uid ?? string.Empty,
        };
        foreach (var (k, v) in meta.Labels ?? new Dictionary<string, string>())
        {
            var name = Sanitize(k);
            common[Prefix + "pod_label_" + name] = v;
            common[Prefix + "pod_labelpresent_" + name] = "true";
        }

        foreach (var (k, v) in meta.Annotations ?? new Dictionary<string, string>())
        {
            var name = Sanitize(k);
            common[Prefix + "pod_annotation_" + name] = v;
            common[Prefix + "pod_annotationpresent_" + name] = "true";
        }

        var controller = meta.OwnerReferences?.FirstOrDefault(o => o.Controller == true);
        if (controller is not null)
        {
            common[Prefix + "pod_controller_kind"] = controller.Kind ?? string.Empty;
            common[Prefix + "pod_controller_name"] = controller.Name ?? string.Empty;
        }

        var statuses = new Dictionary<string, V1ContainerStatus>(StringComparer.Ordinal);
        foreach (var s in (pod.Status?.ContainerStatuses ?? []).Concat(pod.Status?.InitContainerStatuses ?? []))
        {
            statuses[s.Name] = s;
        }

        void Add(V1Container c, bool init)
        {
            var labels = new Dictionary<string, string>(common, StringComparer.Ordinal)
            {
                [Prefix + "pod_container_name"] = c.Name,
                [Prefix + "pod_container_image"] = c.Image ?? string.Empty,
                [Prefix + "pod_container_init"] = init ? "true" : "false",
                [Prefix + "pod_container_id"] = statuses.TryGetValue(c.Name, out var st) ? st.ContainerID ?? string.Empty : string.Empty,
                ["__address__"] = pod.Status?.PodIP ?? string.Empty,
            };
            var port = c.Ports?.FirstOrDefault();
            if (port is not null)
            {
                labels[Prefix + "pod_container_port_name"] = port.Name ?? string.Empty;
                labels[Prefix + "pod_container_port_number"] = port.ContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
                labels[Prefix + "pod_container_port_protocol"] = port.Protocol ?? "TCP";
                labels["__address__"] = $"{pod.Status?.PodIP}:{port.ContainerPort}";
            }

            result.Add(new DiscoveredTarget($"kubernetes/pod/{meta.NamespaceProperty}/{meta.Name}/{c.Name}", labels));
        }

        foreach (var c in pod.Spec?.Containers ?? [])
        {
            Add(c, init: false);
        }

        foreach (var c in pod.Spec?.InitContainers ?? [])
        {
            Add(c, init: true);
        }

        return result;
    }

    private static string Ready(V1Pod pod)
    {
        var cond = pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");
        return cond?.Status?.ToLowerInvariant() switch
        {
            "true" => "true",
            "false" => "false",
            _ => "unknown",
        };
    }

    /// <summary>Prometheus' label name sanitizing: every character outside [a-zA-Z0-9_] becomes '_'.</summary>
    public static string Sanitize(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            sb.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        }

        return sb.ToString();
    }
}

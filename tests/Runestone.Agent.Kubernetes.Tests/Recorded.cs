namespace Runestone.Agent.Kubernetes.Tests;

/// <summary>Pod JSON in the shape the Kubernetes API returns (trimmed to the fields discovery reads, plus some it ignores).</summary>
internal static class Recorded
{
    public static string Pod(string ns, string name, string uid, string node, string app, string phase = "Running", string ready = "True", string? extraLabel = null) => $$"""
        {
          "metadata": {
            "name": "{{name}}",
            "namespace": "{{ns}}",
            "uid": "{{uid}}",
            "resourceVersion": "1001",
            "creationTimestamp": "2024-05-01T10:00:00Z",
            "labels": { "app": "{{app}}", "pod-template-hash": "7d9f8c6b5"{{(extraLabel is null ? "" : $", \"tier\": \"{extraLabel}\"")}} },
            "annotations": { "kubernetes.io/config.seen": "2024-05-01T10:00:00Z" },
            "ownerReferences": [
              { "apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "{{app}}-7d9f8c6b5", "uid": "rs-{{uid}}", "controller": true, "blockOwnerDeletion": true }
            ]
          },
          "spec": {
            "nodeName": "{{node}}",
            "containers": [
              { "name": "{{app}}", "image": "docker.io/library/{{app}}:1.25", "ports": [ { "name": "http", "containerPort": 80, "protocol": "TCP" } ] },
              { "name": "sidecar", "image": "busybox:1.36" }
            ],
            "restartPolicy": "Always",
            "serviceAccountName": "default"
          },
          "status": {
            "phase": "{{phase}}",
            "hostIP": "10.0.0.5",
            "podIP": "10.244.1.17",
            "podIPs": [ { "ip": "10.244.1.17" } ],
            "conditions": [
              { "type": "Initialized", "status": "True", "lastTransitionTime": "2024-05-01T10:00:00Z" },
              { "type": "Ready", "status": "{{ready}}", "lastTransitionTime": "2024-05-01T10:00:05Z" }
            ],
            "containerStatuses": [
              { "name": "{{app}}", "ready": true, "restartCount": 0, "image": "docker.io/library/{{app}}:1.25", "imageID": "sha256:abc", "containerID": "containerd://1a2b3c", "started": true, "state": { "running": { "startedAt": "2024-05-01T10:00:04Z" } } },
              { "name": "sidecar", "ready": true, "restartCount": 0, "image": "busybox:1.36", "imageID": "sha256:def", "containerID": "containerd://4d5e6f", "started": true, "state": { "running": { "startedAt": "2024-05-01T10:00:04Z" } } }
            ],
            "qosClass": "BestEffort",
            "startTime": "2024-05-01T10:00:00Z"
          }
        }
        """;

    public static string List(params string[] pods) => $$"""
        { "kind": "PodList", "apiVersion": "v1", "metadata": { "resourceVersion": "1234" }, "items": [ {{string.Join(",", pods)}} ] }
        """;

    public static string Event(string type, string pod) =>
        $"{{\"type\":\"{type}\",\"object\":{pod.ReplaceLineEndings(" ").Replace("{", "{\"kind\":\"Pod\",\"apiVersion\":\"v1\",", 1, StringComparison.Ordinal)}}}";

    private static string Replace(this string s, string oldValue, string newValue, int count, StringComparison comparison)
    {
        var i = s.IndexOf(oldValue, comparison);
        return count <= 0 || i < 0 ? s : s[..i] + newValue + s[(i + oldValue.Length)..];
    }
}

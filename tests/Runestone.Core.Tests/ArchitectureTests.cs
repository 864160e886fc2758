using System.Xml.Linq;
using Xunit;

namespace Runestone.Core.Tests;

/// <summary>Keeps the project arrows of STYLE.md honest: each project references only what it may.</summary>
public sealed class ArchitectureTests
{
    private static readonly Dictionary<string, string[]> s_allowed = new()
    {
        ["Runestone.Core"] = [],
        ["Runestone.Protocol"] = ["Runestone.Core"],
        ["Runestone.LogQL"] = ["Runestone.Core"],
        ["Runestone.Storage"] = ["Runestone.Core"],
        ["Runestone.Server"] = ["Runestone.LogQL", "Runestone.Storage", "Runestone.Protocol"],
        ["Runestone.Agent"] = ["Runestone.LogQL", "Runestone.Protocol"],
        ["Runestone.Agent.Kubernetes"] = ["Runestone.Agent"],
        ["Runestone"] = ["Runestone.Server", "Runestone.Agent", "Runestone.Agent.Kubernetes"],
    };

    public static TheoryData<string> Projects => [.. s_allowed.Keys];

    [Theory]
    [MemberData(nameof(Projects))]
    public void Project_references_only_the_layers_below_it(string project)
    {
        var path = Path.Combine(RepositoryRoot(), "src", project, project + ".csproj");
        var references = XDocument.Load(path).Descendants("ProjectReference")
            .Select(e => Path.GetFileNameWithoutExtension(e.Attribute("Include")!.Value))
            .ToArray();
        var forbidden = references.Except(s_allowed[project]).ToArray();
        Assert.True(forbidden.Length == 0, $"{project} must not reference {string.Join(", ", forbidden)}");
    }

    [Fact]
    public void Only_the_kubernetes_project_references_a_kubernetes_client()
    {
        foreach (var project in s_allowed.Keys.Where(p => p != "Runestone.Agent.Kubernetes"))
        {
            var text = File.ReadAllText(Path.Combine(RepositoryRoot(), "src", project, project + ".csproj"));
            Assert.DoesNotContain("KubernetesClient", text, StringComparison.Ordinal);
        }
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Runestone.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Runestone.slnx not found above the test directory");
    }
}

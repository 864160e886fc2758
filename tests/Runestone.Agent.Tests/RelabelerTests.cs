using Runestone.Agent.Relabeling;
using Xunit;

namespace Runestone.Agent.Tests;

public sealed class RelabelerTests
{
    private static RelabelConfig Cfg(string action, string[]? source = null, string? target = null, string? regex = null, string? replacement = null, string? separator = null, ulong modulus = 0)
    {
        Assert.True(RelabelConfig.TryParseAction(action, out var a));
        var c = new RelabelConfig { Action = a, Modulus = modulus };
        if (source is not null) { c.SourceLabels.AddRange(source); }
        if (target is not null) { c.TargetLabel = target; }
        if (regex is not null) { c.SetRegex(regex); }
        if (replacement is not null) { c.Replacement = replacement; }
        if (separator is not null) { c.Separator = separator; }
        return c;
    }

    private static Dictionary<string, string> L(string text)
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = part.Split('=');
            d[kv[0]] = kv[1];
        }

        return d;
    }

    private static string Show(Dictionary<string, string>? d) =>
        d is null ? "DROPPED" : string.Join(",", d.OrderBy(x => x.Key, StringComparer.Ordinal).Select(x => $"{x.Key}={x.Value}"));

    public static TheoryData<string, RelabelConfig, string> Cases() => new()
    {
        // replace with defaults copies the value
        { "a=foo", Cfg("replace", ["a"], "b"), "a=foo,b=foo" },
        // regex is fully anchored: 'fo' does not match 'foo'
        { "a=foo", Cfg("replace", ["a"], "b", "fo"), "a=foo" },
        { "a=foo,c=bar", Cfg("replace", ["a", "c"], "d", "(.*);(.*)", "$2-$1"), "a=foo,c=bar,d=bar-foo" },
        { "a=foo,c=bar", Cfg("replace", ["a", "c"], "d", "(.*)\\|(.*)", "${2}x${1}", "|"), "a=foo,c=bar,d=barxfoo" },
        // $1x is the (missing) group '1x' in Go's Expand, so it is empty and the label is removed
        { "a=foo,b=old", Cfg("replace", ["a"], "b", "(.*)", "$1x"), "a=foo" },
        // named groups
        { "a=k8s-node-3", Cfg("replace", ["a"], "n", "k8s-(?P<name>.*)", "${name}"), "a=k8s-node-3,n=node-3" },
        // target label expanded from the match
        { "a=team", Cfg("replace", ["a"], "${1}_x", "(.*)"), "a=team,team_x=team" },
        // empty result deletes the target
        { "a=,b=x", Cfg("replace", ["a"], "b"), "a=" },
        // invalid target name leaves labels unchanged
        { "a=1", Cfg("replace", ["a"], "9bad"), "a=1" },
        // no source labels: empty string; regex (.*) matches; fixed replacement
        { "a=1", Cfg("replace", null, "job", null, "kubernetes-system"), "a=1,job=kubernetes-system" },
        { "a=foo", Cfg("keep", ["a"], null, "foo|bar"), "a=foo" },
        { "a=baz", Cfg("keep", ["a"], null, "foo|bar"), "DROPPED" },
        // a missing label is the empty string, which '.+' does not match
        { "b=1", Cfg("keep", ["a"], null, ".+"), "DROPPED" },
        { "a=foo", Cfg("drop", ["a"], null, "f.*"), "DROPPED" },
        { "a=foo", Cfg("drop", ["a"], null, "o.*"), "a=foo" },
        { "a=x,b=x", Cfg("keepequal", ["a"], "b"), "a=x,b=x" },
        { "a=x,b=y", Cfg("keepequal", ["a"], "b"), "DROPPED" },
        { "a=x,b=x", Cfg("dropequal", ["a"], "b"), "DROPPED" },
        { "a=x,b=y", Cfg("dropequal", ["a"], "b"), "a=x,b=y" },
        { "__meta_kubernetes_pod_label_app=web,__meta_kubernetes_pod_label_tier=fe", Cfg("labelmap", null, null, "__meta_kubernetes_pod_label_(.+)"),
            "__meta_kubernetes_pod_label_app=web,__meta_kubernetes_pod_label_tier=fe,app=web,tier=fe" },
        { "a=1,b=2,ab=3", Cfg("labeldrop", null, null, "a.*"), "b=2" },
        { "a=1,b=2,ab=3", Cfg("labelkeep", null, null, "a.*"), "a=1,ab=3" },
        { "a=FooBar", Cfg("lowercase", ["a"], "a_lower"), "a=FooBar,a_lower=foobar" },
        { "a=FooBar", Cfg("uppercase", ["a"], "a"), "a=FOOBAR" },
        // hashmod: md5("foo") = acbd18db4cc2f85cedef654fccc4a4d8; low 8 bytes big-endian 0xedef654fccc4a4d8 % 10
        { "a=foo", Cfg("hashmod", ["a"], "shard", null, null, null, 10), $"a=foo,shard={0xedef654fccc4a4d8UL % 10}" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Applies_prometheus_semantics(string input, RelabelConfig config, string expected)
    {
        var labels = L(input);
        var kept = Relabeler.Apply([config], labels);
        Assert.Equal(expected, Show(kept ? labels : null));
    }

    [Fact]
    public void Validation_names_missing_fields()
    {
        Assert.NotNull(Cfg("replace", ["a"]).Validate());
        Assert.NotNull(Cfg("hashmod", ["a"], "t").Validate());
        Assert.Null(Cfg("labeldrop", null, null, "x").Validate());
        Assert.NotNull(Cfg("labeldrop", ["a"], null, "x").Validate());
    }
}

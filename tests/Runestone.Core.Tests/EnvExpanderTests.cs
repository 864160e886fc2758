using Runestone.Core.Configuration;
using Xunit;

namespace Runestone.Core.Tests;

public sealed class EnvExpanderTests
{
    private static readonly Dictionary<string, string> s_env = new()
    {
        ["HOST"] = "loki.local",
        ["PORT"] = "3100",
        ["EMPTY"] = "",
    };

    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("${HOST}:${PORT}", "loki.local:3100")]
    [InlineData("$HOST/x", "loki.local/x")]
    [InlineData("${MISSING}", "")]
    [InlineData("${MISSING:-fallback}", "fallback")]
    [InlineData("${MISSING:fallback}", "fallback")]
    [InlineData("${EMPTY:-fallback}", "fallback")]
    [InlineData("${PORT:-9999}", "3100")]
    [InlineData("${MISSING:-http://a:b}", "http://a:b")]
    [InlineData("cost: $5 and ^end$", "cost: $5 and ^end$")]
    [InlineData("${UNTERMINATED", "${UNTERMINATED")]
    public void Expands_like_Loki(string input, string expected)
    {
        Assert.Equal(expected, EnvExpander.Expand(input, k => s_env.GetValueOrDefault(k)));
    }
}

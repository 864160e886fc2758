using Runestone.Agent.Relabeling;
using Xunit;

namespace Runestone.Agent.Tests;

public sealed class GoRegexTests
{
    [Theory]
    [InlineData("(a)(b)", "ab", "$2$1", "ba")]
    [InlineData("(a)(b)", "ab", "${1}x", "ax")]
    [InlineData("(a)(b)", "ab", "$1x", "")]
    [InlineData("(a)(b)", "ab", "$$1", "$1")]
    [InlineData("(a)(b)", "ab", "$9", "")]
    [InlineData("(?P<first>a)(b)", "ab", "<$first>", "<a>")]
    [InlineData("(a)", "a", "cost $ 5", "cost $ 5")]
    public void Expands_like_go(string pattern, string input, string template, string expected)
    {
        var m = GoRegex.Compile(pattern, anchored: true).Match(input);
        Assert.True(m.Success);
        Assert.Equal(expected, GoRegex.Expand(template, m));
    }
}

using MatchType = Runestone.Core.Labels.MatchType;
using Runestone.Core.Labels;
using Xunit;

namespace Runestone.Core.Tests;

public sealed class LabelsTests
{
    [Fact]
    public void Label_sets_are_sorted_and_fingerprints_ignore_input_order()
    {
        var a = LabelSet.Of(("job", "x"), ("app", "api"));
        var b = LabelSet.Of(("app", "api"), ("job", "x"));
        Assert.Equal("{app=\"api\", job=\"x\"}", a.ToString());
        Assert.Equal(a.Fingerprint, b.Fingerprint);
        Assert.Equal(a, b);
        Assert.NotEqual(a.Fingerprint, LabelSet.Of(("app", "api"), ("job", "y")).Fingerprint);
    }

    [Theory]
    [InlineData("{app=\"api\", env=\"prod\"}", "{app=\"api\", env=\"prod\"}")]
    [InlineData("{ env = \"prod\" ,app=\"a\\\"b\" }", "{app=\"a\\\"b\", env=\"prod\"}")]
    [InlineData("{}", "{}")]
    public void Label_text_parses(string text, string expected)
    {
        Assert.True(LabelText.TryParse(text, out var labels, out var error), error);
        Assert.Equal(expected, labels!.ToString());
    }

    [Theory]
    [InlineData("app=\"x\"", "labels must be of the form")]
    [InlineData("{1app=\"x\"}", "invalid label name '1app'")]
    [InlineData("{app=x}", "expected a quoted value")]
    [InlineData("{app=\"x\", app=\"y\"}", "duplicate label name 'app'")]
    [InlineData("{app=\"x\" env=\"y\"}", "expected ',' or '}'")]
    public void Bad_label_text_says_what_is_wrong(string text, string message)
    {
        Assert.False(LabelText.TryParse(text, out _, out var error));
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(MatchType.Equal, "api", "api", true)]
    [InlineData(MatchType.NotEqual, "api", "api", false)]
    [InlineData(MatchType.Regex, "ap", "api", false)]
    [InlineData(MatchType.Regex, "ap.*", "api", true)]
    [InlineData(MatchType.Regex, "a|api", "api", true)]
    [InlineData(MatchType.NotRegex, "ap.*", "api", false)]
    [InlineData(MatchType.Regex, ".*", "", true)]
    public void Regex_matchers_are_fully_anchored(MatchType type, string pattern, string value, bool matches)
    {
        Assert.Equal(matches, new LabelMatcher(type, "app", pattern).Matches(value));
    }

    [Fact]
    public void A_missing_label_matches_as_the_empty_value()
    {
        var labels = LabelSet.Of(("app", "api"));
        Assert.True(new LabelMatcher(MatchType.Equal, "env", "").Matches(labels));
        Assert.False(new LabelMatcher(MatchType.Regex, "env", ".+").Matches(labels));
    }
}

using Runestone.Agent.Pipeline;
using Xunit;

namespace Runestone.Agent.Tests;

public sealed class ValueInternerTests
{
    [Fact]
    public void Equal_short_values_share_one_string()
    {
        var interner = new ValueInterner();
        var first = interner.Get("level=info".AsSpan(6));
        var second = interner.Get("info".AsSpan());
        Assert.Equal("info", first);
        Assert.Same(first, second);
    }

    [Fact]
    public void Long_values_are_copied_not_kept()
    {
        var interner = new ValueInterner();
        var value = new string('x', ValueInterner.MaxLength + 1);
        var first = interner.Get(value);
        var second = interner.Get(value);
        Assert.Equal(value, first);
        Assert.NotSame(first, second);
    }

    [Fact]
    public void Empty_value_is_the_empty_string()
    {
        Assert.Same(string.Empty, new ValueInterner().Get([]));
    }
}

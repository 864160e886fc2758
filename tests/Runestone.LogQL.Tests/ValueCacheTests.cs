using System.Text;
using Runestone.LogQL.Log;

namespace Runestone.LogQL.Tests;

public sealed class ValueCacheTests
{
    [Fact]
    public void Repeated_values_share_one_string()
    {
        var cache = new ValueCache();
        var first = cache.Get("200"u8);
        Assert.Equal("200", first);
        Assert.Same(first, cache.Get("200"u8));
        Assert.Same(string.Empty, cache.Get([]));
    }

    [Fact]
    public void Values_that_never_repeat_still_come_back_right_before_during_and_after_a_bypass()
    {
        var cache = new ValueCache();
        for (var i = 0; i < 100_000; i++)
        {
            var text = i % 50 == 0 ? "GET" : $"{i}ms";
            Assert.Equal(text, cache.Get(Encoding.UTF8.GetBytes(text)));
        }

        // A low-cardinality field after the high one: values are still right (and cached again).
        for (var i = 0; i < 40_000; i++)
        {
            var text = (i % 3) switch { 0 => "info", 1 => "warn", _ => "error" };
            Assert.Equal(text, cache.Get(Encoding.UTF8.GetBytes(text)));
        }
    }
}

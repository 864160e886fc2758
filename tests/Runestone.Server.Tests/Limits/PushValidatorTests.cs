using System.Text;
using Runestone.Core.Labels;
using Runestone.Core.Time;
using Runestone.Server.Configuration;
using Runestone.Server.Limits;
using Xunit;

namespace Runestone.Server.Tests.Limits;

public sealed class PushValidatorTests
{
    private static readonly FakeClock s_clock = new();
    private static readonly PushValidator s_default = new(new LimitsOptions(), s_clock);

    private static PushValidator With(LimitsOptions limits) => new(limits, new FakeClock());

    [Theory]
    [InlineData("{app=\"web\"}")]
    [InlineData("{app=\"web\", namespace=\"default\", pod=\"web-1\"}")]
    [InlineData("{ app = \"web\" }")]
    [InlineData("{service_name=\"a\", l1=\"1\", l2=\"2\", l3=\"3\", l4=\"4\", l5=\"5\", l6=\"6\", l7=\"7\", l8=\"8\", l9=\"9\", l10=\"10\", l11=\"11\", l12=\"12\", l13=\"13\", l14=\"14\", l15=\"15\"}")]
    public void Valid_labels_are_accepted(string text)
    {
        Assert.True(s_default.TryValidateLabels(text, out var labels, out var error));
        Assert.NotNull(labels);
        Assert.Null(error);
    }

    [Theory]
    [InlineData("{}", DiscardReasons.MissingLabels, "error at least one label pair is required per stream")]
    [InlineData("{app=\"a\", app=\"b\"}", DiscardReasons.DuplicateLabelNames, "stream '{app=\"a\", app=\"b\"}' has duplicate label name: 'app'")]
    [InlineData("{l1=\"1\", l2=\"2\", l3=\"3\", l4=\"4\", l5=\"5\", l6=\"6\", l7=\"7\", l8=\"8\", l9=\"9\", l10=\"10\", l11=\"11\", l12=\"12\", l13=\"13\", l14=\"14\", l15=\"15\", l16=\"16\"}", DiscardReasons.MaxLabelNamesPerSeries, "entry for stream '{l1=\"1\", l2=\"2\", l3=\"3\", l4=\"4\", l5=\"5\", l6=\"6\", l7=\"7\", l8=\"8\", l9=\"9\", l10=\"10\", l11=\"11\", l12=\"12\", l13=\"13\", l14=\"14\", l15=\"15\", l16=\"16\"}' has 16 label names; limit 15")]
    public void Invalid_labels_get_Lokis_messages(string text, string reason, string message)
    {
        Assert.False(s_default.TryValidateLabels(text, out var labels, out var actualReason, out var error));
        Assert.Null(labels);
        Assert.Equal(reason, actualReason);
        Assert.Equal(message, error);
    }

    [Theory]
    [InlineData("app=\"web\"")]
    [InlineData("{app=web}")]
    [InlineData("{1app=\"web\"}")]
    [InlineData("{app-name=\"web\"}")]
    [InlineData("")]
    public void Syntax_errors_are_invalid_labels_naming_the_stream(string text)
    {
        Assert.False(s_default.TryValidateLabels(text, out _, out var reason, out var error));
        Assert.Equal(DiscardReasons.InvalidLabels, reason);
        Assert.StartsWith($"Error parsing labels '{text}' with error: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Label_name_and_value_lengths_are_limited_in_bytes()
    {
        var validator = With(new LimitsOptions { MaxLabelNameLength = 5, MaxLabelValueLength = 4 });

        Assert.True(validator.TryValidateLabels("{abcde=\"1234\"}", out _, out _));

        Assert.False(validator.TryValidateLabels("{abcdef=\"1\"}", out _, out var reason, out var error));
        Assert.Equal(DiscardReasons.LabelNameTooLong, reason);
        Assert.Equal("stream '{abcdef=\"1\"}' has label name too long: 'abcdef'", error);

        Assert.False(validator.TryValidateLabels("{a=\"12345\"}", out _, out reason, out error));
        Assert.Equal(DiscardReasons.LabelValueTooLong, reason);
        Assert.Equal("stream '{a=\"12345\"}' has label value too long: '12345'", error);

        // Three characters, six UTF-8 bytes.
        Assert.False(validator.TryValidateLabels("{a=\"äöü\"}", out _, out reason, out _));
        Assert.Equal(DiscardReasons.LabelValueTooLong, reason);
    }

    [Fact]
    public void Service_name_does_not_count_against_the_label_name_limit()
    {
        var validator = With(new LimitsOptions { MaxLabelNamesPerSeries = 2 });

        Assert.True(validator.TryValidateLabels("{a=\"1\", b=\"2\", service_name=\"s\"}", out _, out _));
        Assert.False(validator.TryValidateLabels("{a=\"1\", b=\"2\", c=\"3\"}", out _, out var error));
        Assert.Equal("entry for stream '{a=\"1\", b=\"2\", c=\"3\"}' has 3 label names; limit 2", error);
    }

    public static TheoryData<string, long, int, EntryVerdict, string?, string?> Entries()
    {
        var now = UnixNanos.FromDateTimeOffset(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
        var s = UnixNanos.PerSecond;
        var week = 7 * 24 * 3600 * s;
        return new TheoryData<string, long, int, EntryVerdict, string?, string?>
        {
            { "now", now, 100, EntryVerdict.Accept, null, null },
            { "exactly max age", now - week, 100, EntryVerdict.Accept, null, null },
            {
                "older than max age", now - week - 1, 100, EntryVerdict.Reject, DiscardReasons.GreaterThanMaxSampleAge,
                "entry for stream '{app=\"web\"}' has timestamp too old: 2026-11-17T11:59:59Z, oldest acceptable timestamp is: 2026-11-17T12:00:00Z"
            },
            { "exactly the grace period ahead", now + (600 * s), 100, EntryVerdict.Accept, null, null },
            {
                "beyond the grace period", now + (601 * s), 100, EntryVerdict.Reject, DiscardReasons.TooFarInFuture,
                "entry for stream '{app=\"web\"}' has timestamp too new: 2026-11-24T12:10:01Z"
            },
            { "line at the limit", now, 262_144, EntryVerdict.Accept, null, null },
            {
                "line over the limit", now, 262_145, EntryVerdict.Reject, DiscardReasons.LineTooLong,
                "Max entry size '262144' bytes exceeded for stream '{app=\"web\"}' while adding an entry with length '262145' bytes"
            },
        };
    }

    [Theory]
    [MemberData(nameof(Entries))]
    public void Entries_are_checked_in_Lokis_order_with_Lokis_messages(string because, long ts, int length, EntryVerdict verdict, string? reason, string? message)
    {
        var stream = LabelSet.Of(("app", "web"));
        var now = UnixNanos.FromDateTimeOffset(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));

        var actual = s_default.CheckEntry(stream, ts, length, now, out var actualReason, out var error);

        Assert.True(verdict == actual, because);
        Assert.Equal(reason, actualReason);
        Assert.Equal(message, error);
    }

    [Fact]
    public void Old_samples_pass_when_rejection_is_off_but_future_ones_never_do()
    {
        var validator = With(new LimitsOptions { RejectOldSamples = false });
        var stream = LabelSet.Of(("app", "web"));
        var now = validator.NowNs();

        Assert.Equal(EntryVerdict.Accept, validator.CheckEntry(stream, 0, 10, now, out _));
        Assert.Equal(EntryVerdict.Reject, validator.CheckEntry(stream, now + UnixNanos.FromTimeSpan(TimeSpan.FromHours(1)), 10, now, out _));
    }

    [Fact]
    public void Truncate_mode_turns_a_long_line_into_a_truncation()
    {
        var validator = With(new LimitsOptions { MaxLineSize = 10, MaxLineSizeTruncate = true });
        var stream = LabelSet.Of(("app", "web"));
        var now = validator.NowNs();

        Assert.Equal(EntryVerdict.Truncate, validator.CheckEntry(stream, now, 11, now, out var error));
        Assert.Null(error);
        Assert.Equal(10, validator.MaxLineSize);
        Assert.Equal(EntryVerdict.Accept, validator.CheckEntry(stream, now, 10, now, out _));
    }

    [Fact]
    public void Zero_max_line_size_means_no_limit()
    {
        var validator = With(new LimitsOptions { MaxLineSize = 0 });
        var now = validator.NowNs();

        Assert.Equal(EntryVerdict.Accept, validator.CheckEntry(LabelSet.Of(("a", "b")), now, int.MaxValue, now, out _));
    }

    [Theory]
    [InlineData("hello world", 5, 5)]
    [InlineData("short", 10, 5)]
    [InlineData("aä", 2, 1)]
    [InlineData("aä", 3, 3)]
    [InlineData("€€", 4, 3)]
    [InlineData("a😀", 4, 1)]
    public void Truncation_never_splits_a_utf8_character(string line, int max, int expected)
    {
        var bytes = Encoding.UTF8.GetBytes(line);

        Assert.Equal(expected, PushValidator.TruncatedLength(bytes, max));
    }

    [Fact]
    public void Repeated_label_text_returns_the_same_set_and_invalid_text_stays_invalid()
    {
        var validator = With(new LimitsOptions());

        Assert.True(validator.TryValidateLabels("{app=\"web\", pod=\"p\"}", out var first, out _));
        Assert.True(validator.TryValidateLabels("{app=\"web\", pod=\"p\"}", out var second, out _));
        Assert.Same(first, second);

        Assert.False(validator.TryValidateLabels("{}", out _, out _));
        Assert.False(validator.TryValidateLabels("{}", out _, out var error));
        Assert.Equal("error at least one label pair is required per stream", error);
    }

    [Fact]
    public void Many_distinct_streams_all_validate_correctly()
    {
        var validator = With(new LimitsOptions());

        for (var i = 0; i < 40_000; i++)
        {
            Assert.True(validator.TryValidateLabels($"{{app=\"a{i}\"}}", out var labels, out _));
            Assert.Equal("a" + i, labels.Get("app"));
        }
    }

    [Fact]
    public void Now_comes_from_the_injected_clock()
    {
        var clock = new FakeClock();
        var validator = new PushValidator(new LimitsOptions(), clock);
        var before = validator.NowNs();

        clock.Advance(TimeSpan.FromSeconds(3));

        Assert.Equal(3 * UnixNanos.PerSecond, validator.NowNs() - before);
    }
}

using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Runestone.Core.Labels;
using Runestone.Core.Time;
using Runestone.Server.Configuration;

namespace Runestone.Server.Limits;

/// <summary>
/// The distributor's per-stream and per-entry validation, protocol-agnostic: label syntax and
/// limits, entry age, future timestamps and line size, with Loki's messages (from
/// <c>pkg/validation/validate.go</c>) so that clients and dashboards see the same texts.
/// </summary>
public sealed class PushValidator
{
    // Loki's discover_service_name adds this label; like Loki we do not count it against max_label_names_per_series.
    private const string ServiceNameLabel = "service_name";
    private const string DuplicatePrefix = "duplicate label name '";

    // Streams repeat across pushes; remembering label texts that passed saves a parse and the
    // checks per stream per push. Bounded: cleared when full (cardinality is limited anyway).
    private const int LabelCacheCapacity = 16_384;

    private readonly ConcurrentDictionary<string, LabelSet> _validLabels = new(StringComparer.Ordinal);
    private readonly LimitsOptions _limits;
    private readonly TimeProvider _clock;
    private readonly long _maxAgeNs;
    private readonly long _graceNs;

    public PushValidator(LimitsOptions limits, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(clock);
        _limits = limits;
        _clock = clock;
        _maxAgeNs = UnixNanos.FromTimeSpan(limits.RejectOldSamplesMaxAge);
        _graceNs = UnixNanos.FromTimeSpan(limits.CreationGracePeriod);
    }

    /// <summary><c>max_line_size</c> in bytes (0 = no limit): the length to cut a line to on <see cref="EntryVerdict.Truncate"/>.</summary>
    public int MaxLineSize => (int)_limits.MaxLineSize;

    /// <summary>Now, in Unix nanoseconds, from the injected clock: compute it once per push and pass it to <see cref="CheckEntry(LabelSet, long, int, long, out string?)"/>.</summary>
    public long NowNs() => UnixNanos.Now(_clock);

    /// <summary>Parses and validates a stream's label text (<c>{a="b", ...}</c>).</summary>
    public bool TryValidateLabels(string labelsText, [NotNullWhen(true)] out LabelSet? labels, [NotNullWhen(false)] out string? error) =>
        TryValidateLabels(labelsText, out labels, out _, out error);

    /// <summary>As <see cref="TryValidateLabels(string, out LabelSet?, out string?)"/>, also giving the discard reason for metrics.</summary>
    public bool TryValidateLabels(string labelsText, [NotNullWhen(true)] out LabelSet? labels, [NotNullWhen(false)] out string? reason, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(labelsText);
        if (_validLabels.TryGetValue(labelsText, out labels))
        {
            reason = null;
            error = null;
            return true;
        }

        if (!LabelText.TryParse(labelsText, out labels, out var parseError))
        {
            if (parseError.StartsWith(DuplicatePrefix, StringComparison.Ordinal))
            {
                var end = parseError.IndexOf('\'', DuplicatePrefix.Length);
                var name = end > 0 ? parseError[DuplicatePrefix.Length..end] : string.Empty;
                reason = DiscardReasons.DuplicateLabelNames;
                error = $"stream '{labelsText}' has duplicate label name: '{name}'";
                return false;
            }

            reason = DiscardReasons.InvalidLabels;
            error = $"Error parsing labels '{labelsText}' with error: {parseError}";
            return false;
        }

        if (labels.Count == 0)
        {
            labels = null;
            reason = DiscardReasons.MissingLabels;
            error = "error at least one label pair is required per stream";
            return false;
        }

        var names = labels.Count;
        if (labels.Get(ServiceNameLabel) is not null)
        {
            names--;
        }

        if (names > _limits.MaxLabelNamesPerSeries)
        {
            labels = null;
            reason = DiscardReasons.MaxLabelNamesPerSeries;
            error = string.Create(CultureInfo.InvariantCulture, $"entry for stream '{labelsText}' has {names} label names; limit {_limits.MaxLabelNamesPerSeries}");
            return false;
        }

        foreach (var pair in labels.Pairs)
        {
            if (ExceedsUtf8(pair.Name, _limits.MaxLabelNameLength))
            {
                labels = null;
                reason = DiscardReasons.LabelNameTooLong;
                error = $"stream '{labelsText}' has label name too long: '{pair.Name}'";
                return false;
            }

            if (ExceedsUtf8(pair.Value, _limits.MaxLabelValueLength))
            {
                labels = null;
                reason = DiscardReasons.LabelValueTooLong;
                error = $"stream '{labelsText}' has label value too long: '{pair.Value}'";
                return false;
            }
        }

        if (_validLabels.Count >= LabelCacheCapacity)
        {
            _validLabels.Clear();
        }

        _validLabels.TryAdd(labelsText, labels);
        reason = null;
        error = null;
        return true;
    }

    /// <summary>
    /// Checks one entry: <c>reject_old_samples_max_age</c>, <c>creation_grace_period</c> and
    /// <c>max_line_size</c>, in Loki's order. <paramref name="lineLength"/> is the line's length in bytes.
    /// </summary>
    public EntryVerdict CheckEntry(LabelSet stream, long timestampNs, int lineLength, long nowNs, out string? error) =>
        CheckEntry(stream, timestampNs, lineLength, nowNs, out _, out error);

    /// <summary>As <see cref="CheckEntry(LabelSet, long, int, long, out string?)"/>, also giving the discard reason of a rejection.</summary>
    public EntryVerdict CheckEntry(LabelSet stream, long timestampNs, int lineLength, long nowNs, out string? reason, out string? error)
    {
        if (_limits.RejectOldSamples && timestampNs < nowNs - _maxAgeNs)
        {
            reason = DiscardReasons.GreaterThanMaxSampleAge;
            error = TooOld(stream, timestampNs, nowNs - _maxAgeNs);
            return EntryVerdict.Reject;
        }

        if (timestampNs > nowNs + _graceNs)
        {
            reason = DiscardReasons.TooFarInFuture;
            error = TooNew(stream, timestampNs);
            return EntryVerdict.Reject;
        }

        var max = _limits.MaxLineSize;
        if (max != 0 && lineLength > max)
        {
            if (_limits.MaxLineSizeTruncate)
            {
                reason = null;
                error = null;
                return EntryVerdict.Truncate;
            }

            reason = DiscardReasons.LineTooLong;
            error = TooLong(stream, max, lineLength);
            return EntryVerdict.Reject;
        }

        reason = null;
        error = null;
        return EntryVerdict.Accept;
    }

    /// <summary>
    /// The length to keep of a UTF-8 line cut to at most <paramref name="maxBytes"/> bytes, backed up
    /// so that no character is split (Loki cuts at the byte; a split character would not be valid UTF-8).
    /// </summary>
    public static int TruncatedLength(ReadOnlySpan<byte> line, int maxBytes)
    {
        if (line.Length <= maxBytes)
        {
            return line.Length;
        }

        var end = maxBytes;
        // Back up over continuation bytes (10xxxxxx) to the start of the character that was cut.
        while (end > 0 && (line[end] & 0xC0) == 0x80)
        {
            end--;
        }

        return end;
    }

    /// <summary>Loki measures label lengths in bytes; a UTF-16 length bounds the UTF-8 one from below and 3x from above.</summary>
    private static bool ExceedsUtf8(string text, int maxBytes)
    {
        if (text.Length > maxBytes)
        {
            return true;
        }

        return (long)text.Length * 3 > maxBytes && Encoding.UTF8.GetByteCount(text) > maxBytes;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string TooOld(LabelSet stream, long timestampNs, long oldestNs) =>
        $"entry for stream '{stream}' has timestamp too old: {Rfc3339(timestampNs)}, oldest acceptable timestamp is: {Rfc3339(oldestNs)}";

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string TooNew(LabelSet stream, long timestampNs) =>
        $"entry for stream '{stream}' has timestamp too new: {Rfc3339(timestampNs)}";

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string TooLong(LabelSet stream, long max, int length) =>
        string.Create(CultureInfo.InvariantCulture, $"Max entry size '{max}' bytes exceeded for stream '{stream}' while adding an entry with length '{length}' bytes");

    /// <summary>Go's <c>time.RFC3339</c> of a UTC time: whole seconds, <c>Z</c>.</summary>
    private static string Rfc3339(long ns)
    {
        var seconds = Math.DivRem(ns, UnixNanos.PerSecond, out var rem);
        if (rem < 0)
        {
            seconds--;
        }

        return DateTime.UnixEpoch.AddSeconds(seconds).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
    }
}

using System.Globalization;
using System.Text.Unicode;
using Runestone.Bench.Workload;

namespace Runestone.Bench.AgentBench;

/// <summary>
/// Deterministic generator of CRI-wrapped container log lines (<c>&lt;RFC3339Nano time&gt; &lt;stdout|stderr&gt;
/// &lt;F|P&gt; &lt;body&gt;</c>, ~136 bytes): logfmt request bodies, every 7th a JSON body, every 5th on
/// stderr, every 50th a <c>P</c> line carrying the first half of a body whose second half follows
/// on the next line of the same stream. A pipeline with a <c>cri</c> stage therefore sees
/// <see cref="Entries"/> = lines − partial lines. The same seed yields the same bodies; timestamps
/// advance evenly from <c>startNs</c> and never pass <c>endNs</c>.
/// </summary>
internal sealed class CriLineGenerator(int seed, long startNs, long endNs, long expectedLines)
{
    public const int PartialEvery = 50;
    public const int JsonEvery = 7;
    public const int StderrEvery = 5;

    /// <summary>Longest line <see cref="Write"/> produces, newline included, with room to spare.</summary>
    public const int MaxLineBytes = 512;

    private readonly Random _random = new(seed);
    private readonly long _stepNs = Math.Max(1, (endNs - startNs) / Math.Max(1, expectedLines));
    private readonly byte[] _body = new byte[MaxLineBytes];
    private int _restStart;
    private int _restEnd;
    private bool _restOnStderr;

    /// <summary>Lines written so far.</summary>
    public long Lines { get; private set; }

    /// <summary>Partial (<c>P</c>) lines written so far.</summary>
    public long Partials { get; private set; }

    /// <summary>Entries a CRI pipeline makes of the lines so far (partials joined with their rest).</summary>
    public long Entries => Lines - Partials;

    /// <summary>True while the last line written was a partial whose rest has not been written yet.</summary>
    public bool HasPendingRest => _restEnd > _restStart;

    /// <summary>Writes the next line, newline included, into <paramref name="destination"/>; returns its length.</summary>
    public int Write(Span<byte> destination)
    {
        var i = Lines;
        var timestampNs = Math.Min(startNs + i * _stepNs + _random.NextInt64(_stepNs), endNs);
        var time = DateTime.UnixEpoch.AddTicks(timestampNs / 100);
        var nanos = timestampNs % 1_000_000_000;
        ReadOnlySpan<byte> content;
        bool stderr;
        bool partial;
        if (HasPendingRest)
        {
            // The rest of the previous partial body goes on the same stream, so the cri stage joins them.
            content = _body.AsSpan(_restStart, _restEnd - _restStart);
            stderr = _restOnStderr;
            partial = false;
            _restStart = _restEnd = 0;
        }
        else
        {
            var bodyLength = WriteBody(_body, time, i % JsonEvery == 0);
            stderr = i % StderrEvery == 0;
            partial = i % PartialEvery == 0;
            if (partial)
            {
                _restStart = bodyLength / 2;
                _restEnd = bodyLength;
                _restOnStderr = stderr;
                content = _body.AsSpan(0, _restStart);
            }
            else
            {
                content = _body.AsSpan(0, bodyLength);
            }
        }

        if (!Utf8.TryWrite(destination, CultureInfo.InvariantCulture, $"{time:yyyy-MM-ddTHH:mm:ss}.{nanos:D9}Z {(stderr ? "stderr" : "stdout")} {(partial ? 'P' : 'F')} ", out var written)
            || written + content.Length + 1 > destination.Length)
        {
            throw new InvalidOperationException("line buffer too small");
        }

        content.CopyTo(destination[written..]);
        written += content.Length;
        destination[written++] = (byte)'\n';
        Lines++;
        if (partial)
        {
            Partials++;
        }

        return written;
    }

    private int WriteBody(Span<byte> destination, DateTime time, bool json)
    {
        var r = _random;
        var roll = r.Next(100);
        var isError = roll < 4;
        var level = isError ? "error" : roll < 12 ? "warn" : roll < 20 ? "debug" : "info";
        var status = isError ? LineGenerator.ErrorStatuses[r.Next(LineGenerator.ErrorStatuses.Length)] : LineGenerator.OkStatuses[r.Next(LineGenerator.OkStatuses.Length)];
        var message = isError ? LineGenerator.ErrorMessages[r.Next(LineGenerator.ErrorMessages.Length)]
            : level == "warn" ? LineGenerator.WarnMessages[r.Next(LineGenerator.WarnMessages.Length)]
            : LineGenerator.InfoMessages[r.Next(LineGenerator.InfoMessages.Length)];
        var duration = isError ? 1000 + r.Next(9_000) : r.Next(1, 100);
        var caller = LineGenerator.Callers[r.Next(LineGenerator.Callers.Length)];
        var ok = json
            ? Utf8.TryWrite(destination, CultureInfo.InvariantCulture,
                $"{{\"level\":\"{level}\",\"ts\":\"{time:yyyy-MM-ddTHH:mm:ssZ}\",\"msg\":\"{message}\",\"status\":{status}}}", out var written)
            : Utf8.TryWrite(destination, CultureInfo.InvariantCulture,
                $"level={level} ts={time:yyyy-MM-ddTHH:mm:ssZ} caller={caller}:{r.Next(10, 100)} msg=\"{message}\" duration={duration}ms status={status}", out written);
        if (!ok)
        {
            throw new InvalidOperationException("body buffer too small");
        }

        return written;
    }
}

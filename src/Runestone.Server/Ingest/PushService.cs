using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using Runestone.Core.Labels;
using Runestone.Protocol.Push;
using Runestone.Server.Limits;
using Runestone.Server.Metrics;
using Runestone.Storage.Engine;

namespace Runestone.Server.Ingest;

/// <summary>
/// The distributor: validates a decoded push stream by stream and entry by entry, applies the
/// tenant's rate and stream limits, stores what is valid and says what was refused, as Loki does.
/// </summary>
public sealed class PushService(LogStore store, PushValidator validator, TenantLimits limits, ServerMetrics metrics)
{
    // Streams admitted per tenant. Admission of a new stream is atomic per tenant, so concurrent
    // pushes cannot together pass max_global_streams_per_user.
    private readonly ConcurrentDictionary<string, HashSet<ulong>> _admissions = new(StringComparer.Ordinal);

    /// <summary>Stores the valid part of <paramref name="request"/>; returns the refusal (status, message) or null.</summary>
    public async ValueTask<(int Status, string Message)?> PushAsync(string tenant, PushRequest request, CancellationToken cancellationToken)
    {
        var nowNs = validator.NowNs();
        metrics.LinesReceived(tenant, request.TotalEntries, request.TotalLineBytes);
        if (!limits.TryAcquireTenant(tenant, request.TotalLineBytes, request.TotalEntries, out var rateError))
        {
            metrics.Discarded(DiscardReasons.RateLimited, tenant, request.TotalEntries, request.TotalLineBytes);
            return (429, rateError);
        }

        var appends = new List<StreamAppend>(request.Streams.Count);
        StringBuilder? errors = null;
        var status = 400;
        foreach (var stream in request.Streams)
        {
            if (!validator.TryValidateLabels(stream.Labels, out var labels, out var reason, out var error))
            {
                Refuse(ref errors, error);
                metrics.Discarded(reason, tenant, stream.Entries.Count, SumBytes(stream));
                continue;
            }

            if (!store.StreamExists(tenant, labels.Fingerprint) && !Admit(tenant, labels, out var streamError))
            {
                Refuse(ref errors, streamError);
                status = 429;
                metrics.Discarded(DiscardReasons.StreamLimit, tenant, stream.Entries.Count, SumBytes(stream));
                continue;
            }

            var entries = new List<AppendEntry>(stream.Entries.Count);
            long bytes = 0;
            foreach (var entry in stream.Entries)
            {
                var verdict = validator.CheckEntry(labels, entry.TimestampNs, entry.Line.Length, nowNs, out var entryReason, out var entryError);
                switch (verdict)
                {
                    case EntryVerdict.Reject:
                        Refuse(ref errors, entryError!);
                        metrics.Discarded(entryReason!, tenant, 1, entry.Line.Length);
                        continue;
                    case EntryVerdict.Truncate:
                        var cut = PushValidator.TruncatedLength(entry.Line.Span, validator.MaxLineSize);
                        metrics.Mutated(DiscardReasons.LineTooLong, tenant, 1, entry.Line.Length - cut);
                        entries.Add(new AppendEntry(entry.TimestampNs, entry.Line[..cut], entry.StructuredMetadata));
                        bytes += cut;
                        continue;
                    default:
                        entries.Add(new AppendEntry(entry.TimestampNs, entry.Line, entry.StructuredMetadata));
                        bytes += entry.Line.Length;
                        continue;
                }
            }

            if (entries.Count == 0)
            {
                continue;
            }

            if (!limits.TryAcquireStream(tenant, labels.Fingerprint, labels, bytes, out var perStreamError))
            {
                Refuse(ref errors, perStreamError);
                status = 429;
                metrics.Discarded(DiscardReasons.PerStreamRateLimit, tenant, entries.Count, bytes);
                continue;
            }

            appends.Add(new StreamAppend(labels, entries));
        }

        if (appends.Count > 0)
        {
            var result = await store.AppendAsync(tenant, appends, cancellationToken).ConfigureAwait(false);
            metrics.DuplicatesDropped(tenant, result.Duplicates);
            for (var i = 0; i < result.StreamsCreated; i++)
            {
                metrics.StreamCreated(tenant);
            }
        }

        return errors is null ? null : (status, errors.ToString());
    }

    private bool Admit(string tenant, LabelSet labels, [NotNullWhen(false)] out string? error)
    {
        var pending = _admissions.GetOrAdd(tenant, static _ => []);
        lock (pending)
        {
            if (pending.Contains(labels.Fingerprint))
            {
                error = null;
                return true;
            }

            // Admitted streams that the store has created since no longer count as pending.
            pending.RemoveWhere(fp => store.StreamExists(tenant, fp));
            if (!limits.TryAdmitNewStream(tenant, store.StreamCount(tenant) + pending.Count, labels, out error))
            {
                return false;
            }

            pending.Add(labels.Fingerprint);
            return true;
        }
    }

    private static void Refuse(ref StringBuilder? errors, string message)
    {
        errors ??= new StringBuilder();
        if (errors.Length > 0)
        {
            errors.Append('\n');
        }

        errors.Append(message);
    }

    private static long SumBytes(PushStream stream)
    {
        long total = 0;
        foreach (var entry in stream.Entries)
        {
            total += entry.Line.Length;
        }

        return total;
    }
}

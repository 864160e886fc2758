using System.Globalization;
using System.Text.Json;
using Runestone.Core.Labels;
using Runestone.Core.Logs;
using Runestone.LogQL.Engine;

namespace Runestone.Server.Http;

/// <summary>Writes Loki's HTTP API response bodies with <see cref="Utf8JsonWriter"/>; log lines go out as UTF-8 bytes.</summary>
public static class LokiJson
{
    /// <summary>
    /// Escaping like Loki's Go encoder for what clients read: quotes as <c>\"</c> and non-ASCII
    /// text as UTF-8 rather than <c>\u0022</c>/<c>\u00e9</c> (smaller and readable in logcli's raw
    /// output). Responses are served as application/json, never embedded in HTML.
    /// </summary>
    public static JsonWriterOptions WriterOptions { get; } = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void WriteQueryResponse(Utf8JsonWriter w, QueryResult result, QueryStatistics stats, double execSeconds, bool categorizeLabels)
    {
        w.WriteStartObject();
        w.WriteString("status", "success");
        w.WriteStartObject("data");
        w.WriteString("resultType", result.ResultType);
        if (categorizeLabels && result is StreamsResult)
        {
            w.WriteStartArray("encodingFlags");
            w.WriteStringValue("categorize-labels");
            w.WriteEndArray();
        }

        w.WritePropertyName("result");
        switch (result)
        {
            case StreamsResult streams:
                WriteStreams(w, streams, categorizeLabels);
                break;
            case VectorResult vector:
                w.WriteStartArray();
                foreach (var sample in vector.Samples)
                {
                    w.WriteStartObject();
                    WriteLabelObject(w, "metric", sample.Metric);
                    w.WritePropertyName("value");
                    WritePoint(w, sample.TimestampNs, sample.Value);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                break;
            case MatrixResult matrix:
                w.WriteStartArray();
                foreach (var series in matrix.Series)
                {
                    w.WriteStartObject();
                    WriteLabelObject(w, "metric", series.Metric);
                    w.WriteStartArray("values");
                    foreach (var point in series.Points)
                    {
                        WritePoint(w, point.TimestampNs, point.Value);
                    }

                    w.WriteEndArray();
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                break;
            case ScalarResult scalar:
                WritePoint(w, scalar.TimestampNs, scalar.Value);
                break;
            default:
                w.WriteStartArray();
                w.WriteEndArray();
                break;
        }

        WriteStats(w, stats, execSeconds);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static void WriteStringList(Utf8JsonWriter w, IEnumerable<string> values)
    {
        w.WriteStartObject();
        w.WriteString("status", "success");
        w.WriteStartArray("data");
        foreach (var value in values)
        {
            w.WriteStringValue(value);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    public static void WriteSeries(Utf8JsonWriter w, IEnumerable<LabelSet> series)
    {
        w.WriteStartObject();
        w.WriteString("status", "success");
        w.WriteStartArray("data");
        foreach (var labels in series)
        {
            WriteLabels(w, labels.Pairs);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>Go's <c>strconv.FormatFloat(v, 'f', -1, 64)</c> as Prometheus and Loki print sample values.</summary>
    public static string FormatValue(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsPositiveInfinity(value))
        {
            return "+Inf";
        }

        if (double.IsNegativeInfinity(value))
        {
            return "-Inf";
        }

        var text = value.ToString("R", CultureInfo.InvariantCulture);
        if (text.Contains('E', StringComparison.Ordinal))
        {
            text = ((decimal)value).ToString(CultureInfo.InvariantCulture);
        }

        return text;
    }

    private static void WriteStreams(Utf8JsonWriter w, StreamsResult streams, bool categorizeLabels)
    {
        // With categorize-labels the engine already keyed streams by their own labels and put
        // structured metadata and parsed labels on the entries.
        w.WriteStartArray();
        foreach (var stream in streams.Streams)
        {
            WriteStream(w, stream, categorizeLabels);
        }

        w.WriteEndArray();
    }

    private static void WriteStream(Utf8JsonWriter w, ResultStream stream, bool categorize)
    {
        w.WriteStartObject();
        w.WritePropertyName("stream");
        WriteLabels(w, stream.Labels.Pairs);
        w.WriteStartArray("values");
        Span<byte> number = stackalloc byte[24];
        foreach (var entry in stream.Entries)
        {
            w.WriteStartArray();
            entry.TimestampNs.TryFormat(number, out var written, default, CultureInfo.InvariantCulture);
            w.WriteStringValue(number[..written]);
            w.WriteStringValue(entry.Line);
            if (categorize)
            {
                // Loki always writes the third element when categorizing, leaving out empty groups.
                w.WriteStartObject();
                if (entry.StructuredMetadata is { Length: > 0 } metadata)
                {
                    w.WritePropertyName("structuredMetadata");
                    WriteLabels(w, metadata);
                }

                if (entry.Parsed is { Length: > 0 } parsed)
                {
                    w.WritePropertyName("parsed");
                    WriteLabels(w, parsed);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteLabelObject(Utf8JsonWriter w, string name, LabelSet labels)
    {
        w.WritePropertyName(name);
        WriteLabels(w, labels.Pairs);
    }

    private static void WriteLabels(Utf8JsonWriter w, ReadOnlySpan<LabelPair> labels)
    {
        w.WriteStartObject();
        foreach (var pair in labels)
        {
            w.WriteString(pair.Name, pair.Value);
        }

        w.WriteEndObject();
    }

    private static void WritePoint(Utf8JsonWriter w, long timestampNs, double value)
    {
        w.WriteStartArray();
        w.WriteRawValue((timestampNs / 1e9).ToString("0.###", CultureInfo.InvariantCulture), skipInputValidation: true);
        w.WriteStringValue(FormatValue(value));
        w.WriteEndArray();
    }

    private static void WriteStats(Utf8JsonWriter w, QueryStatistics stats, double execSeconds)
    {
        var bytes = stats.TotalBytesProcessed;
        var lines = stats.TotalLinesProcessed;
        w.WriteStartObject("stats");
        w.WriteStartObject("summary");
        w.WriteNumber("bytesProcessedPerSecond", execSeconds > 0 ? (long)(bytes / execSeconds) : 0);
        w.WriteNumber("linesProcessedPerSecond", execSeconds > 0 ? (long)(lines / execSeconds) : 0);
        w.WriteNumber("totalBytesProcessed", bytes);
        w.WriteNumber("totalLinesProcessed", lines);
        w.WriteNumber("execTime", execSeconds);
        w.WriteNumber("queueTime", 0);
        w.WriteNumber("subqueries", 0);
        w.WriteNumber("totalEntriesReturned", stats.EntriesReturned);
        w.WriteNumber("splits", 0);
        w.WriteNumber("shards", 0);
        w.WriteNumber("totalPostFilterLines", stats.PostFilterLines);
        w.WriteNumber("totalStructuredMetadataBytesProcessed", 0);
        w.WriteEndObject();
        w.WriteStartObject("querier");
        WriteStore(w, stats, includeHead: false);
        w.WriteEndObject();
        w.WriteStartObject("ingester");
        w.WriteNumber("totalReached", 1);
        w.WriteNumber("totalChunksMatched", 0);
        w.WriteNumber("totalBatches", 0);
        w.WriteNumber("totalLinesSent", 0);
        WriteStore(w, stats, includeHead: true);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteStore(Utf8JsonWriter w, QueryStatistics stats, bool includeHead)
    {
        w.WriteStartObject("store");
        w.WriteNumber("totalChunksRef", includeHead ? 0 : stats.ChunksScanned);
        w.WriteNumber("totalChunksDownloaded", includeHead ? 0 : stats.ChunksScanned);
        w.WriteNumber("chunksDownloadTime", 0);
        w.WriteStartObject("chunk");
        w.WriteNumber("headChunkBytes", includeHead ? stats.HeadChunkBytes : 0);
        w.WriteNumber("headChunkLines", includeHead ? stats.HeadChunkLines : 0);
        w.WriteNumber("decompressedBytes", includeHead ? 0 : stats.DecompressedBytes);
        w.WriteNumber("decompressedLines", includeHead ? 0 : stats.DecompressedLines);
        w.WriteNumber("compressedBytes", includeHead ? 0 : stats.CompressedBytes);
        w.WriteNumber("totalDuplicates", 0);
        w.WriteEndObject();
        w.WriteEndObject();
    }
}

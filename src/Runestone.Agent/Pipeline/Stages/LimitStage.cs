namespace Runestone.Agent.Pipeline.Stages;

/// <summary>
/// <c>limit</c>: a token bucket (rate per second, burst) overall or per value of a label; over the
/// limit entries are dropped (<c>drop: true</c>) or the pipeline waits for a token.
/// </summary>
public sealed class LimitStage(double rate, int burst, bool drop, string? byLabelName, int maxDistinctLabels, StageContext context) : Stage
{
    private readonly Dictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);

    public override string Name => "limit";

    protected override bool Apply(PipelineEntry entry)
    {
        var key = string.Empty;
        if (byLabelName is not null)
        {
            if (!entry.Labels.TryGetValue(byLabelName, out var v))
            {
                return true;
            }

            key = v;
        }

        if (!_buckets.TryGetValue(key, out var bucket))
        {
            if (_buckets.Count >= maxDistinctLabels)
            {
                _buckets.Clear();
            }

            bucket = new Bucket { Tokens = burst, Last = context.Clock.GetTimestamp() };
            _buckets[key] = bucket;
        }

        Refill(bucket);
        if (bucket.Tokens >= 1)
        {
            bucket.Tokens -= 1;
            return true;
        }

        if (drop)
        {
            context.Dropped("ingestion_rate_limit");
            return false;
        }

        var wait = TimeSpan.FromSeconds((1 - bucket.Tokens) / rate);
        Task.Delay(wait, context.Clock).GetAwaiter().GetResult();
        Refill(bucket);
        bucket.Tokens = Math.Max(0, bucket.Tokens - 1);
        return true;
    }

    private void Refill(Bucket bucket)
    {
        var now = context.Clock.GetTimestamp();
        var elapsed = context.Clock.GetElapsedTime(bucket.Last, now).TotalSeconds;
        bucket.Last = now;
        bucket.Tokens = Math.Min(burst, bucket.Tokens + (elapsed * rate));
    }

    private sealed class Bucket
    {
        public double Tokens { get; set; }

        public long Last { get; set; }
    }
}

namespace Runestone.Server.Metrics;

/// <summary>Loki's <c>reason</c> values of <c>loki_ingester_chunks_flushed_total</c>.</summary>
public static class FlushReasons
{
    /// <summary>The chunk reached <c>chunk_target_size</c>.</summary>
    public const string Full = "full";

    /// <summary>The chunk received nothing for <c>chunk_idle_period</c>.</summary>
    public const string Idle = "idle";

    /// <summary>The chunk spanned <c>max_chunk_age</c>.</summary>
    public const string MaxAge = "max_age";

    /// <summary>A flush was asked for (<c>POST /flush</c> or shutdown).</summary>
    public const string Forced = "forced";
}

namespace Runestone.Bench.Workload;

/// <summary>Line format a generated stream writes.</summary>
internal enum LineFormat
{
    Logfmt,
    Json,
    Nginx,
}

/// <summary>One generated stream: its label text, format and relative volume.</summary>
internal sealed record WorkloadStream(int Index, string Labels, string App, string Pod, LineFormat Format, double Weight);

using System.Text;
using Runestone.Core.Labels;
using Runestone.Core.Logs;
using Runestone.Storage.Engine;
using Runestone.Storage.Wal;

namespace Runestone.Storage.Tests;

/// <summary>Helpers to open a <see cref="LogStore"/> in a temp directory and read it back as plain tuples.</summary>
internal static class StoreHarness
{
    public static StoreOptions Options(TempDirectory dir) => new()
    {
        ChunksDirectory = dir.Sub("chunks"),
        WalDirectory = dir.Sub("wal"),
        IndexDirectory = dir.Sub("index"),
        WalSync = WalSyncMode.Never,
        FlushCheckPeriod = TimeSpan.FromHours(1),
    };

    public static LabelSet Stream(string app, string env = "prod") => LabelSet.Of(("app", app), ("env", env));

    public static LabelMatcher Eq(string name, string value) => new(Core.Labels.MatchType.Equal, name, value);

    public static ValueTask<AppendResult> Push(this LogStore store, string tenant, LabelSet labels, params (long Ts, string Line)[] entries) =>
        store.AppendAsync(tenant, [new StreamAppend(labels, entries.Select(e => new AppendEntry(e.Ts, Encoding.UTF8.GetBytes(e.Line), null)).ToList())], CancellationToken.None);

    public static List<(long Ts, string Line)> Query(this LogStore store, string tenant, string app, long start = long.MinValue, long end = long.MaxValue, Direction direction = Direction.Forward, ILineFilter? filter = null)
    {
        var result = new List<(long, string)>();
        foreach (var iterator in store.Select(tenant, [Eq("app", app)], start, end, direction, filter, new QueryStatistics()))
        {
            using (iterator)
            {
                while (iterator.MoveNext())
                {
                    result.Add((iterator.Timestamp, Encoding.UTF8.GetString(iterator.Line)));
                }
            }
        }

        return result;
    }

    public static (long, string)[] Entries(params long[] timestamps) => timestamps.Select(t => (t, "line " + t)).ToArray();

    public static async Task<bool> WaitUntil(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(20);
        }

        return true;
    }
}

/// <summary>A tiny substring filter, like LogQL's <c>|= "text"</c>.</summary>
internal sealed class ContainsFilter(string text) : ILineFilter
{
    private readonly byte[] _needle = Encoding.UTF8.GetBytes(text);

    /// <summary>Lines this filter was asked about (to see which blocks were split into lines).</summary>
    public int LinesChecked { get; private set; }

    public bool Matches(ReadOnlySpan<byte> line)
    {
        LinesChecked++;
        return line.IndexOf(_needle) >= 0;
    }

    public bool MayMatchAny(ReadOnlySpan<byte> bytes) => bytes.IndexOf(_needle) >= 0;
}

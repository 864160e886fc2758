using System.Globalization;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Runestone.Agent.Positions;

/// <summary>
/// Read positions in Promtail's format (<c>positions: {path: "offset"}</c>): byte offsets per file,
/// and text positions such as a journal cursor (<c>journal-&lt;job&gt;: "s=…;i=…"</c>), saved atomically (temp file, fsync, rename) so a crash leaves the old or the new file, never half of one.
/// </summary>
public sealed class PositionsFile : IAsyncDisposable
{
    private readonly object _lock = new();
    private readonly Dictionary<string, string> _positions = new(StringComparer.Ordinal);
    private readonly string _path;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _syncPeriod;
    private readonly CancellationTokenSource _stop = new();
    private Task? _syncLoop;
    private bool _dirty;

    private PositionsFile(string path, TimeProvider clock, TimeSpan syncPeriod)
    {
        _path = path;
        _clock = clock;
        _syncPeriod = syncPeriod;
    }

    /// <summary>Loads the file (missing is empty). Invalid YAML throws unless <paramref name="ignoreInvalid"/>, which starts empty.</summary>
    public static PositionsFile Open(string path, TimeProvider clock, TimeSpan syncPeriod, bool ignoreInvalid)
    {
        var p = new PositionsFile(path, clock, syncPeriod);
        if (File.Exists(path))
        {
            try
            {
                p.Parse(File.ReadAllText(path));
            }
            catch (Exception ex) when (ex is YamlException or FormatException or InvalidDataException)
            {
                if (!ignoreInvalid)
                {
                    throw new InvalidDataException($"positions file '{path}' is not valid YAML ({ex.Message}); fix or delete it, or set positions.ignore_invalid_yaml: true to start over", ex);
                }

                p._positions.Clear();
            }
        }

        return p;
    }

    public string Path => _path;

    /// <summary>Starts saving every sync period.</summary>
    public void StartSync() => _syncLoop ??= SyncLoopAsync(_stop.Token);

    public long Get(string key)
    {
        lock (_lock)
        {
            return _positions.TryGetValue(key, out var v) && long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var offset) ? offset : 0;
        }
    }

    /// <summary>A text position (a journal cursor); null when none is saved.</summary>
    public string? GetText(string key)
    {
        lock (_lock)
        {
            return _positions.TryGetValue(key, out var v) ? v : null;
        }
    }

    public bool Contains(string key)
    {
        lock (_lock)
        {
            return _positions.ContainsKey(key);
        }
    }

    public void Put(string key, long offset) => PutText(key, offset.ToString(CultureInfo.InvariantCulture));

    /// <summary>Saves a text position (a journal cursor).</summary>
    public void PutText(string key, string value)
    {
        lock (_lock)
        {
            if (!_positions.TryGetValue(key, out var old) || old != value)
            {
                _positions[key] = value;
                _dirty = true;
            }
        }
    }

    public void Remove(string key)
    {
        lock (_lock)
        {
            _dirty |= _positions.Remove(key);
        }
    }

    public IReadOnlyDictionary<string, string> Snapshot()
    {
        lock (_lock)
        {
            return new Dictionary<string, string>(_positions, StringComparer.Ordinal);
        }
    }

    /// <summary>Writes the positions now (temp file + fsync + rename).</summary>
    public void Save()
    {
        string text;
        lock (_lock)
        {
            if (!_dirty && File.Exists(_path))
            {
                return;
            }

            text = Format(_positions);
            _dirty = false;
        }

        var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(_path))!;
        Directory.CreateDirectory(dir);
        var tmp = _path + ".tmp";
        using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            fs.Write(Encoding.UTF8.GetBytes(text));
            fs.Flush(flushToDisk: true);
        }

        File.Move(tmp, _path, overwrite: true);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_syncLoop is not null)
        {
            try
            {
                await _syncLoop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        Save();
        _stop.Dispose();
    }

    private async Task SyncLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(_syncPeriod, _clock, ct).ConfigureAwait(false);
            try
            {
                Save();
            }
            catch (IOException ex)
            {
                await Console.Error.WriteLineAsync($"agent: cannot save positions to '{_path}': {ex.Message}").ConfigureAwait(false);
            }
        }
    }

    private void Parse(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            return;
        }

        foreach (var (k, v) in root.Children)
        {
            if ((k as YamlScalarNode)?.Value != "positions" || v is not YamlMappingNode map)
            {
                continue;
            }

            foreach (var (pk, pv) in map.Children)
            {
                var key = (pk as YamlScalarNode)?.Value;
                var value = (pv as YamlScalarNode)?.Value;
                if (key is null || value is null)
                {
                    throw new FormatException($"bad positions entry '{key}: {value}'");
                }

                _positions[key] = value;
            }
        }
    }

    private static string Format(Dictionary<string, string> positions)
    {
        var sb = new StringBuilder("positions:\n");
        foreach (var (k, v) in positions.OrderBy(x => x.Key, StringComparer.Ordinal))
        {
            sb.Append("  ").Append(Quote(k)).Append(": ").Append(Quote(v)).Append('\n');
        }

        return sb.ToString();
    }

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}

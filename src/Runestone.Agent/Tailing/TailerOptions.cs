namespace Runestone.Agent.Tailing;

/// <summary>How a file is read.</summary>
public sealed record TailerOptions
{
    /// <summary>How often the file is checked for new data, rotation and truncation at EOF.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Lines longer than this many bytes are cut or dropped; 0 = no limit.</summary>
    public long MaxLineSize { get; init; }

    public bool MaxLineSizeTruncate { get; init; }

    /// <summary>How many clients must confirm an entry before its offset is saved.</summary>
    public int Clients { get; init; } = 1;

    /// <summary>Read <c>.gz</c> files once, decompressed.</summary>
    public bool Decompress { get; init; }

    public int ReadBufferSize { get; init; } = 64 * 1024;
}

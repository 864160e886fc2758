namespace Runestone.LogQL.Syntax;

/// <summary>How <c>unwrap</c> turns a label value into a number.</summary>
public enum UnwrapConversion
{
    /// <summary>A float.</summary>
    None,

    /// <summary><c>duration(label)</c>: a Go duration, in seconds.</summary>
    Duration,

    /// <summary><c>duration_seconds(label)</c>: same as <see cref="Duration"/>.</summary>
    DurationSeconds,

    /// <summary><c>bytes(label)</c>: a byte size such as <c>5 MB</c>.</summary>
    Bytes,
}

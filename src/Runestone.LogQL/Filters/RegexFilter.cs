using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;
using Runestone.Core.Logs;

namespace Runestone.LogQL.Filters;

/// <summary>
/// <c>|~ "re"</c> that is not a plain literal: a cheap prefilter on literals every match must
/// contain rejects most lines on the bytes; only survivors are decoded and run through the regex.
/// </summary>
internal sealed class RegexFilter(Regex regex, ILineFilter? prefilter) : ILineFilter
{
    private const int StackChars = 512;

    public Regex Regex { get; } = regex;

    public ILineFilter? Prefilter { get; } = prefilter;

    public bool Matches(ReadOnlySpan<byte> line)
    {
        if (Prefilter is not null && !Prefilter.Matches(line))
        {
            return false;
        }

        return IsMatch(Regex, line);
    }

    // Every match contains the prefilter's literals, so bytes without them hold no match.
    public bool MayMatchAny(ReadOnlySpan<byte> bytes) => Prefilter is null || Prefilter.MayMatchAny(bytes);

    public bool MayMatchAnyStatic(ReadOnlySpan<byte> staticText, SearchValues<byte> variableBytes) =>
        Prefilter is null || Prefilter.MayMatchAnyStatic(staticText, variableBytes);

    /// <summary>Runs a regex over UTF-8 bytes without allocating a string.</summary>
    internal static bool IsMatch(Regex regex, ReadOnlySpan<byte> line)
    {
        if (line.Length <= StackChars)
        {
            Span<char> chars = stackalloc char[StackChars];
            var n = Encoding.UTF8.GetChars(line, chars);
            return regex.IsMatch(chars[..n]);
        }

        var rented = ArrayPool<char>.Shared.Rent(line.Length);
        try
        {
            var n = Encoding.UTF8.GetChars(line, rented);
            return regex.IsMatch(rented.AsSpan(0, n));
        }
        finally
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }
}

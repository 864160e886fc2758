using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Runestone.LogQL.Filters;

/// <summary>
/// The address set of LogQL's <c>ip("...")</c>: one address (<c>192.168.0.1</c>), a CIDR
/// (<c>192.168.0.0/16</c>, <c>2001:db8::/32</c>) or an inclusive range (<c>192.168.0.1-192.168.0.9</c>).
/// </summary>
internal sealed class IpMatcher
{
    private readonly UInt128 _low;
    private readonly UInt128 _high;
    private readonly bool _v6;

    private IpMatcher(UInt128 low, UInt128 high, bool v6)
    {
        _low = low;
        _high = high;
        _v6 = v6;
    }

    public static bool TryCreate(string pattern, [NotNullWhen(true)] out IpMatcher? matcher)
    {
        matcher = null;
        var text = pattern.AsSpan().Trim();
        var slash = text.IndexOf('/');
        if (slash >= 0)
        {
            if (!TryParse(text[..slash], out var value, out var v6)
                || !int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var prefix))
            {
                return false;
            }

            var bits = v6 ? 128 : 32;
            if (prefix > bits)
            {
                return false;
            }

            var hostBits = bits - prefix;
            var hostMask = hostBits == 0 ? UInt128.Zero : hostBits == 128 ? UInt128.MaxValue : (UInt128.One << hostBits) - 1;
            var low = value & ~hostMask;
            matcher = new IpMatcher(low, low | hostMask, v6);
            return true;
        }

        var dash = text.IndexOf('-');
        if (dash >= 0)
        {
            if (!TryParse(text[..dash].Trim(), out var low, out var v6a)
                || !TryParse(text[(dash + 1)..].Trim(), out var high, out var v6b)
                || v6a != v6b || low > high)
            {
                return false;
            }

            matcher = new IpMatcher(low, high, v6a);
            return true;
        }

        if (!TryParse(text, out var single, out var isV6))
        {
            return false;
        }

        matcher = new IpMatcher(single, single, isV6);
        return true;
    }

    public bool Matches(ReadOnlySpan<char> address) =>
        TryParse(address.Trim(), out var value, out var v6) && v6 == _v6 && value >= _low && value <= _high;

    /// <summary>True when any address written in the UTF-8 line is in the set.</summary>
    public bool MatchesAnyIn(ReadOnlySpan<byte> line)
    {
        Span<char> chars = stackalloc char[64];
        var i = 0;
        while (i < line.Length)
        {
            if (!IsAddressByte(line[i]))
            {
                i++;
                continue;
            }

            var start = i;
            var hasSeparator = false;
            while (i < line.Length && IsAddressByte(line[i]))
            {
                hasSeparator |= line[i] is (byte)'.' or (byte)':';
                i++;
            }

            var token = line[start..i].Trim("."u8);
            if (!hasSeparator || token.Length > chars.Length || token.Length < 2)
            {
                continue;
            }

            var n = Encoding.ASCII.GetChars(token, chars);
            if (Matches(chars[..n]) || (token.Length > 2 && Matches(chars[..n].TrimEnd(':'))))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsAddressByte(byte b) => b is (>= (byte)'0' and <= (byte)'9') or (>= (byte)'a' and <= (byte)'f')
        or (>= (byte)'A' and <= (byte)'F') or (byte)'.' or (byte)':';

    private static bool TryParse(ReadOnlySpan<char> text, out UInt128 value, out bool v6)
    {
        value = UInt128.Zero;
        v6 = false;
        if (text.IsEmpty || !IPAddress.TryParse(text, out var address))
        {
            return false;
        }

        // IPAddress accepts forms Go rejects ("1", "1.2"): require dotted quads for IPv4.
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            if (text.Count('.') != 3)
            {
                return false;
            }

            Span<byte> v4 = stackalloc byte[4];
            address.TryWriteBytes(v4, out _);
            value = BinaryPrimitives.ReadUInt32BigEndian(v4);
            return true;
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        value = BinaryPrimitives.ReadUInt128BigEndian(bytes);
        v6 = true;
        return true;
    }
}

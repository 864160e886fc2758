namespace Runestone.LogQL.Log;

/// <summary>
/// Extracted label names the way Loki's parsers sanitise them: only ASCII letters, digits,
/// underscores and colons survive (others become <c>_</c>), and a leading digit gets a <c>_</c> prefix.
/// </summary>
internal static class LabelNames
{
    public const string ExtractedSuffix = "_extracted";

    public static string Sanitize(ReadOnlySpan<char> name)
    {
        var valid = name.Length > 0 && !char.IsAsciiDigit(name[0]);
        foreach (var c in name)
        {
            if (!IsNameChar(c))
            {
                valid = false;
                break;
            }
        }

        if (valid)
        {
            return name.ToString();
        }

        var prefix = name.Length > 0 && char.IsAsciiDigit(name[0]) ? 1 : 0;
        return string.Create(name.Length + prefix, (Name: name.ToString(), Prefix: prefix), static (span, state) =>
        {
            if (state.Prefix == 1)
            {
                span[0] = '_';
            }

            for (var i = 0; i < state.Name.Length; i++)
            {
                var c = state.Name[i];
                span[i + state.Prefix] = IsNameChar(c) ? c : '_';
            }
        });
    }

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or ':';
}

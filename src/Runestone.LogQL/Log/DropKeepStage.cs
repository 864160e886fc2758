using Runestone.LogQL.Syntax;

namespace Runestone.LogQL.Log;

/// <summary><c>| drop ...</c> and <c>| keep ...</c>. Keep never removes <c>__error__</c>/<c>__error_details__</c>.</summary>
internal sealed class DropKeepStage(IReadOnlyList<NamedMatcher> names, bool keep) : Stage
{
    private readonly List<string> _toDelete = [];

    public override bool Process(long timestampNs, ref ReadOnlySpan<byte> line, LabelsBuilder labels)
    {
        if (!keep)
        {
            foreach (var n in names)
            {
                if (n.Matcher is null || (labels.TryGet(n.Name, out var v) && n.Matcher.Matches(v)))
                {
                    labels.Delete(n.Name);
                }
            }

            return true;
        }

        _toDelete.Clear();
        foreach (var pair in labels.Snapshot())
        {
            if (pair.Name is LabelsBuilder.ErrorLabel or LabelsBuilder.ErrorDetailsLabel)
            {
                continue;
            }

            var kept = false;
            foreach (var n in names)
            {
                if (n.Name == pair.Name && (n.Matcher is null || n.Matcher.Matches(pair.Value)))
                {
                    kept = true;
                    break;
                }
            }

            if (!kept)
            {
                _toDelete.Add(pair.Name);
            }
        }

        foreach (var name in _toDelete)
        {
            labels.Delete(name);
        }

        return true;
    }
}

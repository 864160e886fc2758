namespace Runestone.Agent.Pipeline;

/// <summary>
/// A pipeline stage. Most stages change or drop the entry in <see cref="Apply"/>; stages that
/// hold entries back (cri partial lines, multiline) override <see cref="Process"/> and <see cref="Flush"/>.
/// </summary>
public abstract class Stage
{
    /// <summary>The stage name in Promtail's config (<c>regex</c>, <c>cri</c>, …).</summary>
    public abstract string Name { get; }

    /// <summary>Changes the entry; returns false to drop it.</summary>
    protected virtual bool Apply(PipelineEntry entry) => true;

    public virtual void Process(PipelineEntry entry, IStageSink next)
    {
        if (Apply(entry))
        {
            next.Emit(entry);
        }
    }

    /// <summary>True while the stage holds entries back (partial or multiline blocks).</summary>
    public virtual bool HasPending => false;

    /// <summary>Emits held entries that waited long enough (all of them when <paramref name="force"/>).</summary>
    public virtual void Flush(DateTimeOffset now, IStageSink next, bool force)
    {
    }
}

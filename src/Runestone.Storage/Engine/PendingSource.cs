using Runestone.Storage.Chunks;
using Runestone.Storage.Head;
using Runestone.Storage.Index;

namespace Runestone.Storage.Engine;

/// <summary>A not-yet-opened source of a stream iterator: a persisted chunk, a sealed block or a head snapshot.</summary>
internal sealed record PendingSource(long MinTs, long MaxTs, ChunkRef? Chunk = null, SealedBlock? Block = null, HeadSnapshot? Head = null);

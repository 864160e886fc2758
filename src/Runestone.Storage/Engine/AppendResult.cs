namespace Runestone.Storage.Engine;

/// <summary>What an append did: entries stored, exact duplicates skipped, streams created.</summary>
public readonly record struct AppendResult(int Stored, int Duplicates, int StreamsCreated);

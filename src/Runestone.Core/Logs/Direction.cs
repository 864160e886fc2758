namespace Runestone.Core.Logs;

/// <summary>Order in which entries are returned: oldest first or newest first.</summary>
public enum Direction
{
    Forward,
    Backward,
}

namespace Runestone.LogQL;

/// <summary>
/// A query the engine refuses: bad syntax, bad semantics or a limit exceeded. The server maps
/// it to HTTP 400; <see cref="Exception.Message"/> is one line saying what to change.
/// </summary>
public class QueryException : Exception
{
    public QueryException()
    {
    }

    public QueryException(string message)
        : base(message)
    {
    }

    public QueryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

namespace Runestone.Server.Configuration;

/// <summary>A command line that cannot be used (unknown flag, missing or bad value); the caller exits with code 2.</summary>
public sealed class CommandLineException : Exception
{
    public CommandLineException(string message)
        : base(message)
    {
    }

    public CommandLineException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

namespace Runestone.Server.Configuration;

/// <summary>
/// A configuration that cannot be used: malformed YAML, a value of the wrong type, or a value out
/// of range. The message is one line that names where the problem is and what to change; the
/// caller prints it and exits with code 1.
/// </summary>
public sealed class ConfigException : Exception
{
    public ConfigException(string message)
        : base(message)
    {
    }

    public ConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

namespace Runestone.Server.Http;

/// <summary>A client error with the HTTP status to answer and a one-line reason.</summary>
public sealed class BadRequestException(string message, int statusCode = 400) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
}

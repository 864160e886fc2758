using Microsoft.AspNetCore.Http;

namespace Runestone.Server.Http;

/// <summary>
/// The tenant of a request: the <c>X-Scope-OrgID</c> header when auth is enabled (401 "no org
/// id" without it), else Loki's single tenant <c>fake</c>.
/// </summary>
public sealed class TenantResolver(bool authEnabled)
{
    public const string SingleTenant = "fake";
    public const string Header = "X-Scope-OrgID";

    public string Resolve(HttpRequest request)
    {
        if (!authEnabled)
        {
            return SingleTenant;
        }

        var value = request.Headers[Header].ToString().Trim();
        if (value.Length == 0)
        {
            throw new BadRequestException("no org id", StatusCodes.Status401Unauthorized);
        }

        if (!IsValid(value))
        {
            throw new BadRequestException($"tenant ID '{value}' is invalid: use at most 150 characters of letters, digits and !-_.*'() (and not '.' or '..')");
        }

        return value;
    }

    /// <summary>Loki's tenant ID rule, which also keeps tenants safe as directory names.</summary>
    public static bool IsValid(string tenant)
    {
        if (tenant.Length is 0 or > 150 || tenant is "." or "..")
        {
            return false;
        }

        foreach (var c in tenant)
        {
            var ok = char.IsAsciiLetterOrDigit(c) || c is '!' or '-' or '_' or '.' or '*' or '\'' or '(' or ')';
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }
}

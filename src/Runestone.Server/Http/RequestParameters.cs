using Microsoft.AspNetCore.Http;
using Runestone.Core.Logs;
using Runestone.Core.Time;

namespace Runestone.Server.Http;

/// <summary>Loki's query parameters from the query string or a form body, parsed with Loki's defaults.</summary>
public sealed class RequestParameters
{
    private readonly IQueryCollection _query;
    private readonly IFormCollection? _form;

    private RequestParameters(IQueryCollection query, IFormCollection? form)
    {
        _query = query;
        _form = form;
    }

    public static async Task<RequestParameters> ReadAsync(HttpRequest request)
    {
        IFormCollection? form = null;
        if (HttpMethods.IsPost(request.Method) && request.HasFormContentType)
        {
            form = await request.ReadFormAsync(request.HttpContext.RequestAborted).ConfigureAwait(false);
        }

        return new RequestParameters(request.Query, form);
    }

    public string? Get(string name)
    {
        if (_form is not null && _form.TryGetValue(name, out var formValue) && formValue.Count > 0)
        {
            return formValue[0];
        }

        return _query.TryGetValue(name, out var value) && value.Count > 0 ? value[0] : null;
    }

    public IReadOnlyList<string> GetAll(string name)
    {
        var result = new List<string>();
        if (_form is not null && _form.TryGetValue(name, out var formValues))
        {
            foreach (var v in formValues)
            {
                if (v is not null)
                {
                    result.Add(v);
                }
            }
        }

        if (_query.TryGetValue(name, out var values))
        {
            foreach (var v in values)
            {
                if (v is not null)
                {
                    result.Add(v);
                }
            }
        }

        return result;
    }

    public string RequiredQuery()
    {
        var query = Get("query");
        if (string.IsNullOrWhiteSpace(query))
        {
            throw new BadRequestException("missing parameter 'query': pass a LogQL query, e.g. query={app=\"api\"}");
        }

        return query;
    }

    public long Time(string name, long fallback)
    {
        var text = Get(name);
        if (string.IsNullOrEmpty(text))
        {
            return fallback;
        }

        if (!UnixNanos.TryParse(text, out var nanos))
        {
            throw new BadRequestException($"invalid parameter '{name}': cannot parse '{text}' as a timestamp; use RFC3339 or Unix seconds/nanoseconds");
        }

        return nanos;
    }

    /// <summary>Start and end per Loki: end defaults to now, start to end - since (default 1h).</summary>
    public (long Start, long End) Range(long nowNs, TimeSpan defaultSince)
    {
        var end = Time("end", nowNs);
        var since = defaultSince;
        var sinceText = Get("since");
        if (!string.IsNullOrEmpty(sinceText) && !DurationText.TryParse(sinceText, out since))
        {
            throw new BadRequestException($"invalid parameter 'since': cannot parse '{sinceText}' as a duration, e.g. 5m or 1h30m");
        }

        var start = Time("start", end - UnixNanos.FromTimeSpan(since));
        if (end < start)
        {
            throw new BadRequestException("invalid time range: the end timestamp must not be before the start time");
        }

        return (start, end);
    }

    public int Limit(int fallback)
    {
        var text = Get("limit");
        if (string.IsNullOrEmpty(text))
        {
            return fallback;
        }

        if (!int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var limit) || limit <= 0)
        {
            throw new BadRequestException($"invalid parameter 'limit': '{text}' is not a positive integer");
        }

        return limit;
    }

    public Direction Direction()
    {
        var text = Get("direction");
        return text?.ToLowerInvariant() switch
        {
            null or "" or "backward" => Core.Logs.Direction.Backward,
            "forward" => Core.Logs.Direction.Forward,
            _ => throw new BadRequestException($"invalid parameter 'direction': '{text}'; use forward or backward"),
        };
    }

    /// <summary>A step or interval: a duration (<c>30s</c>) or a float number of seconds; 0 when absent.</summary>
    public long Duration(string name)
    {
        var text = Get(name);
        if (string.IsNullOrEmpty(text))
        {
            return 0;
        }

        if (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
        {
            return (long)(seconds * UnixNanos.PerSecond);
        }

        if (DurationText.TryParse(text, out var span))
        {
            return UnixNanos.FromTimeSpan(span);
        }

        throw new BadRequestException($"invalid parameter '{name}': cannot parse '{text}' as a duration, e.g. 15s or 1m");
    }
}

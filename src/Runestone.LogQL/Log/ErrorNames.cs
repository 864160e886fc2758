namespace Runestone.LogQL.Log;

/// <summary>Loki's <c>__error__</c> values.</summary>
internal static class ErrorNames
{
    public const string Json = "JSONParserErr";
    public const string Logfmt = "LogfmtParserErr";
    public const string LabelFilter = "LabelFilterErr";
    public const string TemplateFormat = "TemplateFormatErr";
    public const string SampleExtraction = "SampleExtractionErr";
}

using Runestone.LogQL.Syntax;

namespace Runestone.LogQL.Tests;

public sealed class PrettifierTests
{
    /// <summary>
    /// Every case of Loki's own prettier tests (grafana/loki pkg/logql/syntax/prettier_test.go:
    /// TestFormat, TestFormat_VectorAggregation, TestFormat_LabelReplace, TestFormat_BinOp),
    /// which run with MaxCharsPerLine = 20: name, input, Loki's output.
    /// </summary>
    public static TheoryData<string, string, string> LokiCases => new()
    {
        { "basic stream selector", "{job=\"loki\", instance=\"localhost\"}", "{job=\"loki\", instance=\"localhost\"}" },
        { "pipeline_label_filter", "{job=\"loki\", instance=\"localhost\"}|logfmt|level=\"error\" ", "{job=\"loki\", instance=\"localhost\"}\n  | logfmt\n  | level=\"error\"" },
        { "pipeline_line_filter", "{job=\"loki\", instance=\"localhost\"}|= \"error\" != \"memcached\" |= ip(\"192.168.0.1\") |logfmt", "{job=\"loki\", instance=\"localhost\"}\n  |= \"error\"\n  != \"memcached\"\n  |= ip(\"192.168.0.1\")\n  | logfmt" },
        { "pipeline_line_format", "{job=\"loki\", instance=\"localhost\"}|logfmt|line_format \"{{.error}}\"", "{job=\"loki\", instance=\"localhost\"}\n  | logfmt\n  | line_format \"{{.error}}\"" },
        { "pipeline_label_format", "{job=\"loki\", instance=\"localhost\"}|logfmt|label_format dst=\"{{.src}}\"", "{job=\"loki\", instance=\"localhost\"}\n  | logfmt\n  | label_format dst=\"{{.src}}\"" },
        { "aggregation", "count_over_time({job=\"loki\", instance=\"localhost\"}|logfmt[1m])", "count_over_time(\n  {job=\"loki\", instance=\"localhost\"}\n    | logfmt [1m]\n)" },
        { "aggregation_with_offset", "count_over_time({job=\"loki\", instance=\"localhost\"}|= \"error\"[5m] offset 20m)", "count_over_time(\n  {job=\"loki\", instance=\"localhost\"}\n    |= \"error\" [5m] offset 20m\n)" },
        { "unwrap", "quantile_over_time(0.99,{container=\"ingress-nginx\",service=\"hosted-grafana\"}| json| unwrap response_latency_seconds| __error__=\"\"[1m]) by (cluster)", "quantile_over_time(\n  0.99,\n  {container=\"ingress-nginx\", service=\"hosted-grafana\"}\n    | json\n    | unwrap response_latency_seconds\n    | __error__=\"\" [1m]\n) by (cluster)" },
        { "pipeline_aggregation_line_filter", "count_over_time({job=\"loki\", instance=\"localhost\"}|= \"error\" != \"memcached\" |= ip(\"192.168.0.1\") |logfmt[1m])", "count_over_time(\n  {job=\"loki\", instance=\"localhost\"}\n    |= \"error\"\n    != \"memcached\"\n    |= ip(\"192.168.0.1\")\n    | logfmt [1m]\n)" },
        { "jsonparserExpr", "{job=\"loki\", namespace=\"loki-prod\", container=\"nginx-ingress\"}| json first_server=\"servers[0]\", ua=\"request.headers[\\\"User-Agent\\\"]\" | level=\"error\"", "{job=\"loki\", namespace=\"loki-prod\", container=\"nginx-ingress\"}\n  | json first_server=\"servers[0]\",ua=\"request.headers[\\\"User-Agent\\\"]\"\n  | level=\"error\"" },
        { "sum", "sum(count_over_time({foo=\"bar\",namespace=\"loki\",instance=\"localhost\"}[5m])) by (container)", "sum by (container)(\n  count_over_time(\n    {foo=\"bar\", namespace=\"loki\", instance=\"localhost\"} [5m]\n  )\n)" },
        { "topk", "topk(5, count_over_time({foo=\"bar\",namespace=\"loki\",instance=\"localhost\"}[5m])) by (container)", "topk by (container)(\n  5,\n  count_over_time(\n    {foo=\"bar\", namespace=\"loki\", instance=\"localhost\"} [5m]\n  )\n)" },
        { "label_replace", "label_replace(rate({job=\"api-server\",service=\"a:c\"}|= \"err\" [5m]), \"foo\", \"$1\", \"service\", \"(.*):.*\")", "label_replace(\n  rate(\n    {job=\"api-server\", service=\"a:c\"}\n      |= \"err\" [5m]\n  ),\n  \"foo\",\n  \"$1\",\n  \"service\",\n  \"(.*):.*\"\n)" },
        { "label_replace_nested", "label_replace(label_replace(rate({job=\"api-server\",service=\"a:c\"}|= \"err\" [5m]), \"foo\", \"$1\", \"service\", \"(.*):.*\"), \"foo\", \"$1\", \"service\", \"(.*):.*\")", "label_replace(\n  label_replace(\n    rate(\n      {job=\"api-server\", service=\"a:c\"}\n        |= \"err\" [5m]\n    ),\n    \"foo\",\n    \"$1\",\n    \"service\",\n    \"(.*):.*\"\n  ),\n  \"foo\",\n  \"$1\",\n  \"service\",\n  \"(.*):.*\"\n)" },
        { "single binop", "sum(rate({job=\"loki\", namespace=\"loki-prod\", instance=\"localhost\"}[5m]))/sum(count_over_time({job=\"loki\", namespace=\"loki-prod\", instance=\"localhost\"}[5m]))", "  sum(\n    rate(\n      {job=\"loki\", namespace=\"loki-prod\", instance=\"localhost\"} [5m]\n    )\n  )\n/\n  sum(\n    count_over_time(\n      {job=\"loki\", namespace=\"loki-prod\", instance=\"localhost\"} [5m]\n    )\n  )" },
        { "multiple binops", "sum(rate({job=\"loki\"}[5m])) + sum(rate({job=\"loki-dev\"}[5m])) / sum(rate({job=\"loki-prod\"}[5m]))", "  sum(\n    rate(\n      {job=\"loki\"} [5m]\n    )\n  )\n+\n    sum(\n      rate(\n        {job=\"loki-dev\"} [5m]\n      )\n    )\n  /\n    sum(\n      rate(\n        {job=\"loki-prod\"} [5m]\n      )\n    )" },
        { "multiple binops check precedence", "sum(rate({job=\"loki\"}[5m])) / sum(rate({job=\"loki-dev\"}[5m])) + sum(rate({job=\"loki-prod\"}[5m]))", "    sum(\n      rate(\n        {job=\"loki\"} [5m]\n      )\n    )\n  /\n    sum(\n      rate(\n        {job=\"loki-dev\"} [5m]\n      )\n    )\n+\n  sum(\n    rate(\n      {job=\"loki-prod\"} [5m]\n    )\n  )" },
        { "multiple binops check precedence2", "sum(rate({job=\"loki\"}[5m])) - sum(rate({job=\"loki-stage\"}[5m])) / sum(rate({job=\"loki-dev\"}[5m])) + sum(rate({job=\"loki-prod\"}[5m]))", "    sum(\n      rate(\n        {job=\"loki\"} [5m]\n      )\n    )\n  -\n      sum(\n        rate(\n          {job=\"loki-stage\"} [5m]\n        )\n      )\n    /\n      sum(\n        rate(\n          {job=\"loki-dev\"} [5m]\n        )\n      )\n+\n  sum(\n    rate(\n      {job=\"loki-prod\"} [5m]\n    )\n  )" },
        { "multiple binops check precedence3", "sum(rate({job=\"loki\"}[5m])) - sum(rate({job=\"loki-stage\"}[5m])) % sum(rate({job=\"loki-dev\"}[5m])) + sum(rate({job=\"loki-prod\"}[5m]))", "    sum(\n      rate(\n        {job=\"loki\"} [5m]\n      )\n    )\n  -\n      sum(\n        rate(\n          {job=\"loki-stage\"} [5m]\n        )\n      )\n    %\n      sum(\n        rate(\n          {job=\"loki-dev\"} [5m]\n        )\n      )\n+\n  sum(\n    rate(\n      {job=\"loki-prod\"} [5m]\n    )\n  )" },
        { "multiple binops check precedence4", "sum(rate({job=\"loki\"}[5m])) / sum(rate({job=\"loki-stage\"}[5m])) % sum(rate({job=\"loki-dev\"}[5m])) + sum(rate({job=\"loki-prod\"}[5m]))", "      sum(\n        rate(\n          {job=\"loki\"} [5m]\n        )\n      )\n    /\n      sum(\n        rate(\n          {job=\"loki-stage\"} [5m]\n        )\n      )\n  %\n    sum(\n      rate(\n        {job=\"loki-dev\"} [5m]\n      )\n    )\n+\n  sum(\n    rate(\n      {job=\"loki-prod\"} [5m]\n    )\n  )" },
        { "multiple binops check precedence5", "sum(rate({job=\"loki\"}[5m])) / sum(rate({job=\"loki-stage\"}[5m])) % sum(rate({job=\"loki-dev\"}[5m])) * sum(rate({job=\"loki-prod\"}[5m]))", "      sum(\n        rate(\n          {job=\"loki\"} [5m]\n        )\n      )\n    /\n      sum(\n        rate(\n          {job=\"loki-stage\"} [5m]\n        )\n      )\n  %\n    sum(\n      rate(\n        {job=\"loki-dev\"} [5m]\n      )\n    )\n*\n  sum(\n    rate(\n      {job=\"loki-prod\"} [5m]\n    )\n  )" },
        { "binops with options", "sum(rate({job=\"loki\"}[5m])) * on(instance, job) group_left (node) sum(rate({job=\"loki-prod\"}[5m]))", "  sum(\n    rate(\n      {job=\"loki\"} [5m]\n    )\n  )\n* on (instance, job) group_left (node)\n  sum(\n    rate(\n      {job=\"loki-prod\"} [5m]\n    )\n  )" },
    };

    [Theory]
    [MemberData(nameof(LokiCases))]
    public void Matches_Lokis_prettier_at_twenty_characters_a_line(string name, string query, string expected)
    {
        Assert.False(string.IsNullOrEmpty(name));
        Assert.Equal(expected, Prettifier.Prettify(LogQLParser.Parse(query), maxLineLength: 20));
    }

    [Theory]
    [MemberData(nameof(LokiCases))]
    public void Prettified_text_parses_back_to_the_same_expression(string name, string query, string expected)
    {
        Assert.False(string.IsNullOrEmpty(name));
        var expr = LogQLParser.Parse(query);
        Assert.Equal(expr, LogQLParser.Parse(expected));
        Assert.Equal(expr, LogQLParser.Parse(Prettifier.Prettify(expr)));
    }

    [Theory]
    [InlineData("{job=\"loki\"}|logfmt|level=\"error\"", "{job=\"loki\"} | logfmt | level=\"error\"")]
    [InlineData("sum(count_over_time({foo=\"bar\"}[5m])) by (container)", "sum by (container)(count_over_time({foo=\"bar\"}[5m]))")]
    [InlineData("quantile_over_time(0.99, {a=\"b\"} | unwrap x [1m])", "quantile_over_time(0.99,{a=\"b\"} | unwrap x[1m])")]
    // Loki's String() wraps every binary operation in parentheses, the outermost one too.
    [InlineData("sum(rate({a=\"b\"}[1m])) / 2", "(sum(rate({a=\"b\"}[1m])) / 2)")]
    [InlineData("sum(rate({a=\"b\"}[1m]) > bool 1)", "sum((rate({a=\"b\"}[1m]) > bool 1))")]
    public void Short_queries_stay_on_one_line_at_the_default_width(string query, string expected)
    {
        Assert.Equal(expected, Prettifier.Prettify(LogQLParser.Parse(query)));
    }

    [Fact]
    public void Adjacent_line_filters_that_fit_stay_on_one_line_as_one_stage()
    {
        var query = "{app=\"checkout\", namespace=\"production\", cluster=\"eu-west-1\"} |= \"error\" != \"timeout\" | logfmt | level=\"error\" | line_format \"{{.msg}}\"";
        const string Expected = "{app=\"checkout\", namespace=\"production\", cluster=\"eu-west-1\"}\n  |= \"error\" != \"timeout\"\n  | logfmt\n  | level=\"error\"\n  | line_format \"{{.msg}}\"";
        Assert.Equal(Expected, Prettifier.Prettify(LogQLParser.Parse(query)));
    }

    [Theory]
    [InlineData(0.99, "0.99")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00001, "1e-05")]
    [InlineData(100000.0, "100000")]
    [InlineData(1000000.0, "1e+06")]
    [InlineData(123456789.0, "1.23456789e+08")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(1e21, "1e+21")]
    public void Function_parameters_print_as_gos_default_float_format(double value, string expected)
    {
        Assert.Equal(expected, NumberText.FormatGoDefault(value));
    }
}

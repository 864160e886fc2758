namespace Runestone.LogQL.Tests;

/// <summary>Every query of Loki's LogQL documentation pages parses, and parse → print → parse is stable.</summary>
public class DocExamplesTests
{
    [Theory]
    // log_queries/_index.md
    [InlineData("{container=\"query-frontend\",namespace=\"loki-dev\"} |= \"metrics.go\" | logfmt | duration > 10s and throughput_mb < 500")]
    [InlineData("{app=\"mysql\",name=\"mysql-backup\"}")]
    [InlineData("{name =~ \"mysql.+\"}")]
    [InlineData("{name !~ \"mysql.+\", app=\"x\"}")]
    [InlineData("{name !~ `mysql-\\d+`, app=\"x\"}")]
    [InlineData("{name =~ \".*mysql.*\"} | line_format \"{{.status_code}}\"")]
    [InlineData("{job=\"mysql\"} |= \"error\"")]
    [InlineData("{instance=~\"kafka-[23]\",name=\"kafka\"} != \"kafka.server:type=ReplicaManager\"")]
    [InlineData("{name=\"kafka\"} |~ \"tsdb-ops.*io:2003\"")]
    [InlineData("{name=\"cassandra\"} |~  `error=\\w+`")]
    [InlineData("{job=\"mysql\"} |= \"error\" != \"timeout\"")]
    [InlineData("{job=\"mysql\"} |= \"error\" | json | line_format \"{{.err}}\"")]
    [InlineData("{job=\"mysql\"} | json | line_format \"{{.message}}\" |= \"error\"")]
    [InlineData("{job=\"example\"} | decolorize")]
    [InlineData("{a=\"b\"} | duration >= 20ms or size == 20KB and method!~\"2..\"")]
    [InlineData("{a=\"b\"} | duration >= 20ms or size == 20KB | method!~\"2..\"")]
    [InlineData("{a=\"b\"} | ((duration >= 20ms or method=\"GET\") and size <= 20KB)")]
    [InlineData("{a=\"b\"} | json first_server=\"servers[0]\", ua=\"request.headers[\\\"User-Agent\\\"]\"")]
    [InlineData("{a=\"b\"} | json server_list=\"servers\", headers=\"request.headers\"")]
    [InlineData("{a=\"b\"} | logfmt --keep-empty --strict host")]
    [InlineData("{a=\"b\"} | pattern \"<ip> - - <_> \\\"<method> <uri> <_>\\\" <status> <size> <_> \\\"<agent>\\\" <_>\"")]
    [InlineData("{container=\"frontend\"} | logfmt | line_format \"{{.ip}} {{.status}} {{div .duration 1000}}\"")]
    [InlineData("{job=\"varlogs\"}|json|drop level, method=\"GET\"")]
    [InlineData("{job=\"varlogs\"}|json|drop __error__")]
    [InlineData("{job=\"varlogs\"}|json|keep level, tenant, app=~\"some-api.*\"")]
    [InlineData("{a=\"b\"} | label_format foo=bar | label_format foo=\"new\"")]
    // query_examples.md
    [InlineData("{job_name=\"myapp\"} != ip(\"192.168.4.5-192.168.4.20\")")]
    [InlineData("{job_name=\"myapp\"}\n\t\t| logfmt\n\t\t| addr = ip(\"192.168.4.5/16\")\n\t\t| addr != ip(\"192.168.4.2\")")]
    [InlineData("{job=\"security\"} \n    |~ \"Invalid user.*\"\n    | regexp \"(^(?P<user>\\\\S+ {1,2}){8})\"\n    | regexp \"(^(?P<ip>\\\\S+ {1,2}){10})\"\n    | line_format \"IP = {{.ip}}\\tUSER = {{.user}}\"")]
    [InlineData("{job=\"security\"}\n != \"grafana_com\"\n |= \"session opened\"\n != \"sudo: \"\n |regexp \"(^(?P<user>\\\\S+ {1,2}){11})\"\n | line_format \"USER = {{.user}}\"")]
    [InlineData("sum by (host) (rate({job=\"mysql\"}\n    |= \"error\" != \"timeout\"\n    | json\n    | duration > 10s [1m]))")]
    [InlineData("{cluster=\"ops-tools1\", namespace=\"loki-dev\", job=\"loki-dev/query-frontend\"} |= \"metrics.go\" != \"out of order\" | logfmt | duration > 30s or status_code != \"200\"")]
    [InlineData("{job=\"loki-ops/query-frontend\"} | logfmt | line_format \"{{.msg}}\" | regexp \"(?P<method>\\\\w+) (?P<path>[\\\\w|/]+) \\\\((?P<status>\\\\d+?)\\\\) (?P<duration>.*)\"")]
    [InlineData("{cluster=\"ops-tools1\", name=\"querier\", namespace=\"loki-dev\"}\n  |= \"metrics.go\" != \"loki-canary\"\n  | logfmt\n  | query != \"\"\n  | label_format query=\"{{ Replace .query \\\"\\\\n\\\" \\\"\\\" -1 }}\"\n  | line_format \"{{ .ts}}\\t{{.duration}}\\ttraceID = {{.traceID}}\\t{{ printf \\\"%-100.100s\\\" .query }} \"")]
    [InlineData("quantile_over_time(0.99,\n  {cluster=\"ops-tools1\",container=\"ingress-nginx\"}\n    | json\n    | __error__ = \"\"\n    | unwrap request_time [1m]) by (path)")]
    [InlineData("sum by (org_id) (\n  sum_over_time(\n  {cluster=\"ops-tools1\",container=\"loki-dev\"}\n      |= \"metrics.go\"\n      | logfmt\n      | unwrap bytes_processed [1m])\n  )")]
    [InlineData("topk(10,sum(rate({region=\"us-east1\"}[5m])) by (name))")]
    [InlineData("sum(count_over_time({job=\"mysql\"}[5m])) by (level)")]
    [InlineData("avg(rate(({job=\"nginx\"} |= \"GET\" | json | path=\"/home\")[10s])) by (region)")]
    // metric_queries.md
    [InlineData("count_over_time({job=\"mysql\"}[5m])")]
    [InlineData("count_over_time({job=\"mysql\"}[5m] offset 5m)")]
    [InlineData("sum(count_over_time({namespace=\"traefik\"}[5m])) # will return nothing\n  or\nvector(0) # will return 0")]
    // template_functions.md (line_format/label_format queries)
    [InlineData("{job=\"loki/querier\"} | label_format nowEpoch=`{{(unixEpoch now)}}`,createDateEpoch=`{{unixEpoch (toDate \"2006-01-02\" .createDate)}}` | label_format dateTimeDiff=`{{sub .nowEpoch .createDateEpoch}}` | dateTimeDiff > 86400")]
    [InlineData("{job=\"access_log\"} | json | line_format `{{.http_request_headers_x_forwarded_for | default \"-\"}}`")]
    [InlineData("{job=\"loki/querier\"} |= \"finish in prometheus\" | logfmt | line_format `{{ range $q := fromJson .queries }} {{ $q.query }} {{ end }}`")]
    [InlineData("{job=\"xyzlog\"} | line_format `{{ __line__ | count \"XYZ\"}}`")]
    [InlineData("{a=\"b\"} | json | line_format `from=\"{{date \"2006-01-02\" (unixToTime .from)}}\"`")]
    // The seed's alert and dashboards.
    [InlineData("rate({namespace=\"default\"} |= \"error\" [5m]) > 0.1")]
    [InlineData("sum by (pod) (rate({namespace=\"default\", app=~\".+\"} |~ \"(?i)error|exception\" [5m]))")]
    public void Documented_queries_parse_and_print_stably(string query)
    {
        var expr = LogQLParser.Parse(query);
        var printed = expr.ToString();
        var again = LogQLParser.Parse(printed);
        Assert.Equal(expr, again);
        Assert.Equal(printed, again.ToString());
    }
}

"""CloudWatch over the protocols current clients send besides Debian's query: JSON 1.0 with
`x-amzn-query-mode` (botocore 1.39+ and the JS SDK v3 since mid-2025; the requests are shaped
as botocore 1.43 sends them), and gzip-compressed bodies (botocore and the SDKs compress
PutMetricData past 10 KiB). Every reply is checked against the model;
JSON errors carry the shape in __type and the query code in x-amzn-query-error, as AWS's do."""

from __future__ import annotations

import gzip
import json
import urllib.parse
from datetime import timedelta, timezone

import pytest

from harness import raw_http
from harness.clock import advance, to_next_minute
import shapes

TARGET = "GraniteServiceVersion20100801"
JSON_10 = "application/x-amz-json-1.0"


@pytest.fixture(scope="session")
def server_args() -> tuple[str, ...]:
    return ("--clock", "manual", "--no-docker")


def call(server, operation: str, document: dict, *, compress: bool = False) -> tuple[int, dict, raw_http.RawReply]:
    """One JSON 1.0 request as botocore 1.43 makes it; the reply checked against the model."""
    body = json.dumps(document).encode()
    headers = {"x-amzn-query-mode": "true"}
    if compress:
        body = gzip.compress(body)
        headers["Content-Encoding"] = "gzip"
    reply = raw_http.post(server.endpoint, body, target=f"{TARGET}.{operation}", content_type=JSON_10,
                          headers=headers)
    decoded = shapes.validate_response(operation, reply.status, reply.headers, reply.body,
                                       service="cloudwatch", protocol="json")
    return reply.status, decoded, reply


def test_json_metrics_in_and_out(server):
    minute = to_next_minute(server)
    epoch = minute.timestamp()
    for offset, value in ((5, 3.0), (20, 7.0), (65, 11.0)):
        status, out, _ = call(server, "PutMetricData", {"Namespace": "Shop", "MetricData": [
            {"MetricName": "Latency", "Dimensions": [{"Name": "Service", "Value": "web"}],
             "Timestamp": epoch + offset, "Value": value, "Unit": "Milliseconds"}]})
        assert (status, out) == (200, {})

    status, stats, _ = call(server, "GetMetricStatistics", {
        "Namespace": "Shop", "MetricName": "Latency", "Dimensions": [{"Name": "Service", "Value": "web"}],
        "StartTime": epoch - 60, "EndTime": epoch + 180, "Period": 60, "Statistics": ["Sum", "Maximum"]})
    assert status == 200
    assert stats["Label"] == "Latency"
    points = sorted(stats["Datapoints"], key=lambda p: p["Timestamp"])
    assert [(p["Timestamp"], p["Sum"], p["Maximum"], p["Unit"]) for p in points] == [
        (epoch, 10.0, 7.0, "Milliseconds"), (epoch + 60, 11.0, 11.0, "Milliseconds")], points

    status, data, _ = call(server, "GetMetricData", {
        "StartTime": epoch - 60, "EndTime": epoch + 180, "MetricDataQueries": [{"Id": "latency", "MetricStat": {
            "Metric": {"Namespace": "Shop", "MetricName": "Latency",
                       "Dimensions": [{"Name": "Service", "Value": "web"}]},
            "Period": 60, "Stat": "Average"}}]})
    assert status == 200
    [result] = data["MetricDataResults"]
    assert (result["Id"], result["StatusCode"], result["Values"]) == ("latency", "Complete", [11.0, 5.0])
    assert result["Timestamps"] == [epoch + 60, epoch]  # epoch seconds, newest first

    status, listed, _ = call(server, "ListMetrics", {"Namespace": "Shop"})
    assert listed["Metrics"] == [{"Namespace": "Shop", "MetricName": "Latency",
                                  "Dimensions": [{"Name": "Service", "Value": "web"}]}]


def test_json_alarms_and_what_boto3_sees_of_them(server, cloudwatch):
    status, out, _ = call(server, "PutMetricAlarm", {
        "AlarmName": "json-high", "Namespace": "Shop", "MetricName": "Orders", "Statistic": "Sum",
        "Period": 60, "EvaluationPeriods": 1, "Threshold": 5, "ComparisonOperator": "GreaterThanThreshold",
        "TreatMissingData": "notBreaching", "Tags": [{"Key": "team", "Value": "shop"}]})
    assert (status, out) == (200, {})
    status, described, _ = call(server, "DescribeAlarms", {"AlarmNames": ["json-high"]})
    [alarm] = described["MetricAlarms"]
    assert alarm["StateValue"] == "INSUFFICIENT_DATA"
    assert isinstance(alarm["StateUpdatedTimestamp"], (int, float))
    assert isinstance(alarm["AlarmConfigurationUpdatedTimestamp"], (int, float))

    minute = to_next_minute(server)
    call(server, "PutMetricData", {"Namespace": "Shop", "MetricData": [
        {"MetricName": "Orders", "Timestamp": minute.timestamp() + 5, "Value": 9}]})
    advance(server, 60)
    status, described, _ = call(server, "DescribeAlarms", {"AlarmNames": ["json-high"], "StateValue": "ALARM"})
    [alarm] = described["MetricAlarms"]
    assert alarm["StateReason"].startswith("Threshold Crossed: 1 out of the last 1 datapoints [9.0 ("), alarm
    # The same alarm, read over query by boto3 1.37: one state, whatever the protocol.
    [seen] = cloudwatch.describe_alarms(AlarmNames=["json-high"])["MetricAlarms"]
    assert (seen["StateValue"], seen["StateReason"]) == ("ALARM", alarm["StateReason"])
    assert seen["StateUpdatedTimestamp"].timestamp() == pytest.approx(alarm["StateUpdatedTimestamp"], abs=0.001)

    status, history, _ = call(server, "DescribeAlarmHistory", {"AlarmName": "json-high", "HistoryItemType": "StateUpdate"})
    # Missing data is notBreaching: the first evaluation, before the datapoint, went to OK.
    assert [h["HistorySummary"] for h in history["AlarmHistoryItems"]] == [
        "Alarm updated from OK to ALARM", "Alarm updated from INSUFFICIENT_DATA to OK"], history
    status, out, _ = call(server, "DeleteAlarms", {"AlarmNames": ["json-high"]})
    assert (status, out) == (200, {})


def test_json_errors_carry_the_shape_and_the_query_code(server):
    status, error, reply = call(server, "SetAlarmState", {"AlarmName": "nope", "StateValue": "OK", "StateReason": "x"})
    assert status == 404
    assert error["__type"] == "com.amazonaws.cloudwatch#ResourceNotFound"
    assert reply.header("x-amzn-query-error") == "ResourceNotFound;Sender"
    assert error["message"] == "Could not find alarm nope."

    status, error, reply = call(server, "PutMetricData", {"Namespace": "AWS/ECS", "MetricData": [
        {"MetricName": "CPUUtilization", "Value": 1}]})
    assert status == 400
    assert error["__type"] == "com.amazonaws.cloudwatch#InvalidParameterValueException"
    assert reply.header("x-amzn-query-error") == "InvalidParameterValue;Sender"
    assert "AWS/" in error["message"], error

    status, error, reply = call(server, "GetMetricStatistics", {"Namespace": "Shop", "MetricName": "Latency"})
    assert status == 400
    assert reply.header("x-amzn-query-error") == "InvalidParameterValue;Sender", error  # as over query
    assert "'StartTime'" in error["message"], error

    status, error, reply = call(server, "ListMetrics", {"Namespace": 5})  # a number where a string goes
    assert status == 400 and error["message"], error

    status, error, reply = call(server, "ListDashboards", {})
    assert (status, shapes.error_code(error)) == (501, "NotImplementedException"), error
    assert error["message"] == "ecslocal does not implement cloudwatch:ListDashboards yet."


def test_gzip_bodies_as_current_clients_compress_them(server, cloudwatch):
    # botocore 1.31+ gzips PutMetricData (model: requestcompression) once the body passes 10 KiB;
    # Debian's boto3 predates that, so the compressed query form is made here as botocore makes it.
    minute = to_next_minute(server)
    values = [float(v % 50) for v in range(150)]
    form = {"Action": "PutMetricData", "Version": "2010-08-01", "Namespace": "Bulk"}
    for i in range(1, 9):
        form[f"MetricData.member.{i}.MetricName"] = f"Bulk{i}"
        form[f"MetricData.member.{i}.Timestamp"] = (minute + timedelta(seconds=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
        for j, v in enumerate(values, start=1):
            form[f"MetricData.member.{i}.Values.member.{j}"] = str(v)
            form[f"MetricData.member.{i}.Counts.member.{j}"] = "9"
    body = urllib.parse.urlencode(form).encode()
    assert len(body) > 10240
    reply = raw_http.post(server.endpoint, gzip.compress(body), content_type="application/x-www-form-urlencoded; charset=utf-8",
                          headers={"Content-Encoding": "gzip"})
    shapes.validate_response("PutMetricData", reply.status, reply.headers, reply.body, service="cloudwatch")
    assert reply.status == 200, reply.body
    stats = cloudwatch.get_metric_statistics(Namespace="Bulk", MetricName="Bulk8", StartTime=minute,
                                             EndTime=minute + timedelta(minutes=1), Period=60,
                                             Statistics=["SampleCount", "Sum"])["Datapoints"]
    assert [(p["SampleCount"], p["Sum"]) for p in stats] == [(1350.0, 9.0 * sum(values))], stats

    status, out, _ = call(server, "PutMetricData", {"Namespace": "Bulk", "MetricData": [
        {"MetricName": "Zipped", "Timestamp": minute.timestamp() + 5, "Value": 4.0}]}, compress=True)
    assert (status, out) == (200, {})
    status, listed, _ = call(server, "ListMetrics", {"Namespace": "Bulk", "MetricName": "Zipped"})
    assert [m["MetricName"] for m in listed["Metrics"]] == ["Zipped"]

    broken = raw_http.post(server.endpoint, b"{\"Namespace\": \"Bulk\"}", target=f"{TARGET}.ListMetrics",
                           content_type=JSON_10, headers={"x-amzn-query-mode": "true", "Content-Encoding": "gzip"})
    error = shapes.validate_response("ListMetrics", broken.status, broken.headers, broken.body,
                                     service="cloudwatch", protocol="json")
    assert (broken.status, shapes.error_code(error)) == (400, "SerializationException"), error
    assert error["message"] == "The request body (Content-Encoding: gzip) is not valid gzip"


def cbor_call(server, operation: str, document: dict | None) -> tuple[int, dict, raw_http.RawReply]:
    """One Smithy RPC v2 CBOR request (what newer Go and Java SDKs send); the reply checked."""
    import cbor2  # Debian's python3-cbor2

    body = b"" if document is None else cbor2.dumps(document, datetime_as_timestamp=True, timezone=timezone.utc)
    reply = raw_http.post(server.endpoint, body, content_type="application/cbor",
                          path=f"/service/{TARGET}/operation/{operation}",
                          headers={"smithy-protocol": "rpc-v2-cbor", "Accept": "application/cbor"})
    decoded = shapes.validate_cbor_response(operation, reply.status, reply.headers, reply.body, service="cloudwatch")
    return reply.status, decoded, reply


def test_cbor_metrics_alarms_and_errors(server):
    minute = to_next_minute(server)
    status, out, _ = cbor_call(server, "PutMetricData", {"Namespace": "Cbor", "MetricData": [
        {"MetricName": "Hits", "Dimensions": [{"Name": "Page", "Value": "home"}],
         "Timestamp": minute + timedelta(seconds=5), "Value": 2.5, "Unit": "Count"},
        {"MetricName": "Hits", "Dimensions": [{"Name": "Page", "Value": "home"}],
         "Timestamp": minute + timedelta(seconds=40), "Values": [1.0, 4.0], "Counts": [2.0, 1.0], "Unit": "Count"}]})
    assert (status, out) == (200, {})

    status, stats, _ = cbor_call(server, "GetMetricStatistics", {
        "Namespace": "Cbor", "MetricName": "Hits", "Dimensions": [{"Name": "Page", "Value": "home"}],
        "StartTime": minute, "EndTime": minute + timedelta(minutes=1), "Period": 60,
        "Statistics": ["Sum", "SampleCount", "Maximum"]})
    assert status == 200
    assert [(p["Timestamp"], p["Sum"], p["SampleCount"], p["Maximum"]) for p in stats["Datapoints"]] == [
        (minute.timestamp(), 8.5, 4.0, 4.0)], stats

    status, data, _ = cbor_call(server, "GetMetricData", {
        "StartTime": minute - timedelta(minutes=1), "EndTime": minute + timedelta(minutes=2),
        "MetricDataQueries": [{"Id": "hits", "ReturnData": True, "MetricStat": {
            "Metric": {"Namespace": "Cbor", "MetricName": "Hits", "Dimensions": [{"Name": "Page", "Value": "home"}]},
            "Period": 60, "Stat": "Sum"}}]})
    [result] = data["MetricDataResults"]
    assert (result["Values"], result["Timestamps"]) == ([8.5], [minute.timestamp()]), result

    status, listed, _ = cbor_call(server, "ListMetrics", None)  # no input: an empty body
    assert {m["MetricName"] for m in listed["Metrics"]} >= {"Hits"}, listed

    status, out, _ = cbor_call(server, "PutMetricAlarm", {
        "AlarmName": "cbor-high", "Namespace": "Cbor", "MetricName": "Hits", "Statistic": "Sum", "Period": 60,
        "EvaluationPeriods": 1, "Threshold": 100.0, "ComparisonOperator": "GreaterThanThreshold"})
    assert (status, out) == (200, {})
    status, described, _ = cbor_call(server, "DescribeAlarms", {"AlarmNamePrefix": "cbor-"})
    [alarm] = described["MetricAlarms"]
    assert (alarm["AlarmName"], alarm["Threshold"], alarm["StateValue"]) == ("cbor-high", 100.0, "INSUFFICIENT_DATA")

    status, error, reply = cbor_call(server, "DeleteAlarms", {"AlarmNames": "cbor-high"})  # a string for a list
    assert status == 400 and error["message"], error
    status, error, reply = cbor_call(server, "SetAlarmState", {"AlarmName": "nope", "StateValue": "OK",
                                                              "StateReason": "x"})
    assert (status, error["__type"]) == (404, "com.amazonaws.cloudwatch#ResourceNotFound"), error
    assert reply.header("x-amzn-query-error") == "ResourceNotFound;Sender"

    bad = raw_http.post(server.endpoint, b"\xbf\x61", content_type="application/cbor",
                        path=f"/service/{TARGET}/operation/ListMetrics", headers={"smithy-protocol": "rpc-v2-cbor"})
    error = shapes.validate_cbor_response("ListMetrics", bad.status, bad.headers, bad.body, service="cloudwatch")
    assert (bad.status, shapes.error_code(error)) == (400, "SerializationException"), error
    lost = raw_http.post(server.endpoint, b"", content_type="application/cbor",
                         path="/service/NoSuchService/operation/ListMetrics", headers={"smithy-protocol": "rpc-v2-cbor"})
    error = shapes.validate_cbor_response("ListMetrics", lost.status, lost.headers, lost.body, service="cloudwatch")
    assert shapes.error_code(error) == "UnknownOperationException", error
    assert error["message"] == "No service of ecslocal answers Smithy RPC v2 CBOR as NoSuchService"


@pytest.mark.parametrize("protocol", ["json", "cbor"])
def test_every_alarm_operation_over_json_and_cbor(server, protocol):
    """The operations the other tests leave out, each reply checked against the model."""
    def send(operation: str, document: dict) -> dict:
        status, out, reply = (call if protocol == "json" else cbor_call)(server, operation, document)
        assert status == 200, (operation, out)
        return out

    name = f"ops-{protocol}"
    send("PutMetricAlarm", {"AlarmName": name, "Namespace": "Ops", "MetricName": "Load",
                            "Dimensions": [{"Name": "Host", "Value": "a"}], "ExtendedStatistic": "p90",
                            "Period": 60, "EvaluationPeriods": 2, "DatapointsToAlarm": 1, "Threshold": 0.5,
                            "ComparisonOperator": "LessThanThreshold", "AlarmActions": [
                                "arn:aws:sns:us-east-1:000000000000:ops"]})
    arn = f"arn:aws:cloudwatch:us-east-1:000000000000:alarm:{name}"
    for_metric = send("DescribeAlarmsForMetric", {"Namespace": "Ops", "MetricName": "Load",
                                                  "Dimensions": [{"Name": "Host", "Value": "a"}]})
    assert [a["AlarmName"] for a in for_metric["MetricAlarms"]] == [name]
    assert for_metric["MetricAlarms"][0]["ExtendedStatistic"] == "p90"
    send("DisableAlarmActions", {"AlarmNames": [name]})
    assert send("DescribeAlarms", {"AlarmNames": [name]})["MetricAlarms"][0]["ActionsEnabled"] is False
    send("EnableAlarmActions", {"AlarmNames": [name]})
    send("TagResource", {"ResourceARN": arn, "Tags": [{"Key": "team", "Value": "ops"}, {"Key": "tier", "Value": "1"}]})
    send("UntagResource", {"ResourceARN": arn, "TagKeys": ["tier"]})
    assert send("ListTagsForResource", {"ResourceARN": arn})["Tags"] == [{"Key": "team", "Value": "ops"}]
    send("SetAlarmState", {"AlarmName": name, "StateValue": "ALARM", "StateReason": "by hand"})
    history = send("DescribeAlarmHistory", {"AlarmName": name})["AlarmHistoryItems"]
    assert {h["HistoryItemType"] for h in history} >= {"ConfigurationUpdate", "StateUpdate"}, history
    minute = to_next_minute(server)
    send("PutMetricData", {"Namespace": "Ops", "MetricData": [
        {"MetricName": "Load", "Dimensions": [{"Name": "Host", "Value": "a"}],
         "Timestamp": minute if protocol == "cbor" else minute.timestamp(), "Values": [0.1, 0.2, 0.9]}]})
    start, end = minute, minute + timedelta(minutes=1)
    stats = send("GetMetricStatistics", {"Namespace": "Ops", "MetricName": "Load",
                                         "Dimensions": [{"Name": "Host", "Value": "a"}],
                                         "StartTime": start if protocol == "cbor" else start.timestamp(),
                                         "EndTime": end if protocol == "cbor" else end.timestamp(),
                                         "Period": 60, "ExtendedStatistics": ["p50"]})
    assert [p["ExtendedStatistics"]["p50"] for p in stats["Datapoints"]] == [0.2], stats
    send("DeleteAlarms", {"AlarmNames": [name]})
    assert send("DescribeAlarms", {"AlarmNamePrefix": "ops-"})["MetricAlarms"] == []

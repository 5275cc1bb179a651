"""CloudWatch over the query protocol (2010-08-01) with the real AWS CLI (waiters included) and
boto3, every reply checked against the model, on a manual clock (`--clock manual`): the tests move
virtual time with POST /_ecslocal/clock/advance, so alarm evaluation is deterministic and instant.
Metrics in and out, alarms evaluated at period ends with AWS's reasons, history, actions, tags,
and the errors AWS answers."""

from __future__ import annotations

import json
from datetime import timedelta

import botocore.exceptions
import pytest

from harness.cli import ok
from harness.clock import advance, clock, stamp, to_next_minute
from harness.expect import cli_error, client_error


@pytest.fixture(scope="session")
def server_args() -> tuple[str, ...]:
    return ("--clock", "manual", "--no-docker")


def test_metrics_in_and_out_with_the_cli_and_boto3(aws, cloudwatch, server):
    minute = to_next_minute(server)
    for value in (2, 4, 9):
        ok(aws(f"cloudwatch put-metric-data --namespace Shop --metric-name Latency --unit Milliseconds "
               f"--value {value} --dimensions Service=web --timestamp {stamp(minute + timedelta(seconds=5))}"))
    cloudwatch.put_metric_data(Namespace="Shop", MetricData=[
        {"MetricName": "Latency", "Dimensions": [{"Name": "Service", "Value": "web"}], "Unit": "Milliseconds",
         "Timestamp": minute + timedelta(seconds=70), "Values": [1, 10], "Counts": [9, 1]}])

    stats = ok(aws(f"cloudwatch get-metric-statistics --namespace Shop --metric-name Latency "
                   f"--dimensions Name=Service,Value=web --start-time {stamp(minute - timedelta(minutes=5))} "
                   f"--end-time {stamp(minute + timedelta(minutes=5))} --period 60 "
                   f"--statistics Sum Average Maximum SampleCount")).json()
    points = sorted(stats["Datapoints"], key=lambda p: p["Timestamp"])
    assert stats["Label"] == "Latency"
    assert [(p["Sum"], p["Average"], p["Maximum"], p["SampleCount"]) for p in points] == [
        (15.0, 5.0, 9.0, 3.0), (19.0, 1.9, 10.0, 10.0)], points
    assert {p["Unit"] for p in points} == {"Milliseconds"}

    p99 = cloudwatch.get_metric_statistics(
        Namespace="Shop", MetricName="Latency", Dimensions=[{"Name": "Service", "Value": "web"}],
        StartTime=minute + timedelta(minutes=1), EndTime=minute + timedelta(minutes=2), Period=60,
        ExtendedStatistics=["p50", "p99"])["Datapoints"]
    assert [p["ExtendedStatistics"] for p in p99] == [{"p50": 1.0, "p99": 10.0}], p99

    data = cloudwatch.get_metric_data(
        StartTime=minute - timedelta(minutes=5), EndTime=minute + timedelta(minutes=5),
        MetricDataQueries=[{"Id": "latency", "MetricStat": {
            "Metric": {"Namespace": "Shop", "MetricName": "Latency", "Dimensions": [{"Name": "Service", "Value": "web"}]},
            "Period": 60, "Stat": "Maximum"}}])["MetricDataResults"]
    assert [(r["Id"], r["Values"], r["StatusCode"]) for r in data] == [("latency", [10.0, 9.0], "Complete")], data
    assert data[0]["Timestamps"][0] > data[0]["Timestamps"][1]  # newest first

    listed = ok(aws("cloudwatch list-metrics --namespace Shop")).json()["Metrics"]
    assert listed == [{"Namespace": "Shop", "MetricName": "Latency",
                       "Dimensions": [{"Name": "Service", "Value": "web"}]}], listed


def test_metric_errors_are_awss(aws, cloudwatch, server):
    cli_error(aws("cloudwatch put-metric-data --namespace AWS/ECS --metric-name CPUUtilization --value 1"),
              "InvalidParameterValue", "PutMetricData")
    with pytest.raises(botocore.exceptions.ClientError) as e:
        cloudwatch.get_metric_statistics(Namespace="Shop", MetricName="Latency", StartTime=clock(server),
                                         EndTime=clock(server) + timedelta(hours=1), Period=45, Statistics=["Sum"])
    client_error(e.value, "InvalidParameterValue")
    with pytest.raises(botocore.exceptions.ClientError) as e:
        cloudwatch.get_metric_data(StartTime=clock(server) - timedelta(hours=1), EndTime=clock(server),
                                   MetricDataQueries=[{"Id": "e1", "Expression": "SEARCH('{Shop} Latency', 'Sum', 60)"}])
    client_error(e.value, "NotImplementedException",
                 "ecslocal does not evaluate the metric math function SEARCH yet (it does +, -, *, /, ^, SUM, AVG, "
                 "MIN, MAX, ABS, FILL and METRICS) (query e1).")
    with pytest.raises(botocore.exceptions.ClientError) as e:
        cloudwatch.get_metric_data(StartTime=clock(server) - timedelta(hours=1), EndTime=clock(server),
                                   MetricDataQueries=[{"Id": "e1", "Expression": "m1 +"}])
    client_error(e.value, "InvalidParameterValue")
    cli_error(aws("cloudwatch set-alarm-state --alarm-name nope --state-value OK --state-reason x"),
              "ResourceNotFound", "SetAlarmState")
    cli_error(aws("cloudwatch list-dashboards"), "NotImplementedException", "ListDashboards")


def test_metric_math_in_get_metric_data(aws, cloudwatch, server):
    minute = to_next_minute(server)
    for offset, errors, requests in ((5, 2, 40), (65, 0, 50), (125, 9, 30)):
        cloudwatch.put_metric_data(Namespace="Math", MetricData=[
            {"MetricName": "Errors", "Value": errors, "Timestamp": minute + timedelta(seconds=offset)},
            {"MetricName": "Requests", "Value": requests, "Timestamp": minute + timedelta(seconds=offset)}])
    advance(server, 180)

    def stat(name: str, ident: str) -> dict:
        return {"Id": ident, "ReturnData": False,
                "MetricStat": {"Metric": {"Namespace": "Math", "MetricName": name}, "Period": 60, "Stat": "Sum"}}

    results = cloudwatch.get_metric_data(
        StartTime=minute, EndTime=minute + timedelta(minutes=3), ScanBy="TimestampAscending",
        MetricDataQueries=[stat("Errors", "errors"), stat("Requests", "requests"),
                           {"Id": "rate", "Expression": "100 * errors / requests", "Label": "Error rate"},
                           {"Id": "total", "Expression": "SUM(METRICS())"},
                           {"Id": "peak", "Expression": "MAX(requests)"}])["MetricDataResults"]
    by_id = {r["Id"]: r for r in results}
    assert set(by_id) == {"rate", "total", "peak"}, results  # ReturnData false: not returned
    assert by_id["rate"]["Label"] == "Error rate"
    assert by_id["rate"]["Values"] == [5.0, 0.0, 30.0]
    assert [t.timestamp() for t in by_id["rate"]["Timestamps"]] == [
        (minute + timedelta(minutes=i)).timestamp() for i in range(3)]
    assert by_id["total"]["Values"] == [42.0, 50.0, 39.0]
    assert by_id["peak"]["Values"] == [50.0, 50.0, 50.0]  # a number: the same at every period

    # FILL: a minute without data gets the given value; through the CLI as the console sends it.
    queries = json.dumps([{"Id": "errors", "MetricStat": {"Metric": {"Namespace": "Math", "MetricName": "Errors"},
                                                          "Period": 60, "Stat": "Sum"}, "ReturnData": False},
                          {"Id": "filled", "Expression": "FILL(errors, 0) + 1"}])
    out = ok(aws("cloudwatch", "get-metric-data", "--start-time", stamp(minute - timedelta(minutes=1)),
                 "--end-time", stamp(minute + timedelta(minutes=3)), "--scan-by", "TimestampAscending",
                 "--metric-data-queries", queries)).json()["MetricDataResults"]
    assert [(r["Id"], r["Values"]) for r in out] == [("filled", [1.0, 3.0, 1.0, 10.0])], out


def test_a_metric_math_alarm_evaluates_its_expression(aws, cloudwatch, server):
    def stat(name: str, ident: str) -> dict:
        return {"Id": ident, "ReturnData": False,
                "MetricStat": {"Metric": {"Namespace": "MathAlarm", "MetricName": name}, "Period": 60, "Stat": "Sum"}}

    metrics = [stat("Errors", "errors"), stat("Requests", "requests"),
               {"Id": "rate", "Expression": "100 * errors / requests", "Label": "Error rate", "ReturnData": True}]
    ok(aws("cloudwatch", "put-metric-alarm", "--alarm-name", "error-rate", "--evaluation-periods", "1",
           "--threshold", "10", "--comparison-operator", "GreaterThanThreshold",
           "--metrics", json.dumps(metrics)))
    [alarm] = cloudwatch.describe_alarms(AlarmNames=["error-rate"])["MetricAlarms"]
    assert [m["Id"] for m in alarm["Metrics"]] == ["errors", "requests", "rate"], alarm
    assert "MetricName" not in alarm and alarm["StateValue"] == "INSUFFICIENT_DATA"

    minute = to_next_minute(server)
    cloudwatch.put_metric_data(Namespace="MathAlarm", MetricData=[
        {"MetricName": "Errors", "Value": 3, "Timestamp": minute + timedelta(seconds=5)},
        {"MetricName": "Requests", "Value": 20, "Timestamp": minute + timedelta(seconds=5)}])
    advance(server, 60)
    ok(aws("cloudwatch wait alarm-exists --alarm-names error-rate --state-value ALARM"))
    [alarm] = cloudwatch.describe_alarms(AlarmNames=["error-rate"])["MetricAlarms"]
    assert alarm["StateReason"].startswith("Threshold Crossed: 1 out of the last 1 datapoints [15.0 ("), alarm
    reason = json.loads(alarm["StateReasonData"])
    assert "statistic" not in reason and reason["period"] == 60, reason

    with pytest.raises(botocore.exceptions.ClientError) as e:
        cloudwatch.put_metric_alarm(AlarmName="searching", EvaluationPeriods=1, Threshold=1,
                                    ComparisonOperator="GreaterThanThreshold",
                                    Metrics=[{"Id": "s", "Expression": "SEARCH('{MathAlarm} Errors', 'Sum', 60)",
                                              "Period": 60, "ReturnData": True}])
    client_error(e.value, "NotImplementedException")
    with pytest.raises(botocore.exceptions.ClientError) as e:
        cloudwatch.put_metric_alarm(AlarmName="two", EvaluationPeriods=1, Threshold=1,
                                    ComparisonOperator="GreaterThanThreshold",
                                    Metrics=[dict(stat("Errors", "errors"), ReturnData=True),
                                             {"Id": "e2", "Expression": "errors * 2", "ReturnData": True}])
    client_error(e.value, "InvalidParameterValue",
                 "Metrics list must contain exactly one metric with ReturnData set to true.")
    cloudwatch.delete_alarms(AlarmNames=["error-rate"])


def test_an_alarm_evaluates_at_each_period_end(aws, cloudwatch, server):
    ok(aws("cloudwatch put-metric-alarm --alarm-name orders-high --namespace Shop --metric-name Orders "
           "--dimensions Name=Shop,Value=eu --statistic Sum --period 60 --evaluation-periods 2 "
           "--datapoints-to-alarm 2 --threshold 100 --comparison-operator GreaterThanThreshold "
           "--alarm-actions arn:aws:sns:us-east-1:000000000000:ops --tags Key=team,Value=shop"))
    ok(aws("cloudwatch wait alarm-exists --alarm-names orders-high"))
    [alarm] = ok(aws("cloudwatch describe-alarms --alarm-names orders-high")).json()["MetricAlarms"]
    assert (alarm["StateValue"], alarm["StateReason"]) == ("INSUFFICIENT_DATA", "Unchecked: Initial alarm creation")
    assert alarm["AlarmArn"] == "arn:aws:cloudwatch:us-east-1:000000000000:alarm:orders-high"

    minute = to_next_minute(server)
    for offset in (0, 60):
        cloudwatch.put_metric_data(Namespace="Shop", MetricData=[
            {"MetricName": "Orders", "Dimensions": [{"Name": "Shop", "Value": "eu"}], "Value": 150,
             "Timestamp": minute + timedelta(seconds=offset + 5)}])
    advance(server, 60)  # minute + 1:10: one breaching minute of the two needed
    assert cloudwatch.describe_alarms(AlarmNames=["orders-high"])["MetricAlarms"][0]["StateValue"] == "INSUFFICIENT_DATA"
    advance(server, 60)  # minute + 2:10: both
    ok(aws("cloudwatch wait alarm-exists --alarm-names orders-high --state-value ALARM"))
    [alarm] = cloudwatch.describe_alarms(AlarmNames=["orders-high"], StateValue="ALARM")["MetricAlarms"]
    assert alarm["StateReason"].startswith(
        "Threshold Crossed: 2 out of the last 2 datapoints [150.0 ("), alarm["StateReason"]
    assert alarm["StateReason"].endswith(
        "were greater than the threshold (100.0) (minimum 2 datapoints for INSUFFICIENT_DATA -> ALARM transition)."), alarm
    reason = json.loads(alarm["StateReasonData"])
    assert reason["statistic"] == "Sum" and reason["period"] == 60 and len(reason["evaluatedDatapoints"]) == 2, reason

    history = cloudwatch.describe_alarm_history(AlarmName="orders-high")["AlarmHistoryItems"]
    kinds = [h["HistoryItemType"] for h in history]
    assert kinds.count("ConfigurationUpdate") == 1 and kinds.count("StateUpdate") == 1, history
    actions = [h for h in history if h["HistoryItemType"] == "Action"]
    assert actions and "arn:aws:sns:us-east-1:000000000000:ops" in actions[0]["HistorySummary"], actions

    # Without data the alarm goes back to INSUFFICIENT_DATA (TreatMissingData missing).
    advance(server, 4 * 60)
    assert cloudwatch.describe_alarms(AlarmNames=["orders-high"])["MetricAlarms"][0]["StateValue"] == "INSUFFICIENT_DATA"

    tags = cloudwatch.list_tags_for_resource(ResourceARN=alarm["AlarmArn"])["Tags"]
    assert tags == [{"Key": "team", "Value": "shop"}]
    for_metric = cloudwatch.describe_alarms_for_metric(MetricName="Orders", Namespace="Shop",
                                                       Dimensions=[{"Name": "Shop", "Value": "eu"}])["MetricAlarms"]
    assert [a["AlarmName"] for a in for_metric] == ["orders-high"]
    ok(aws("cloudwatch delete-alarms --alarm-names orders-high"))
    assert cloudwatch.describe_alarms()["MetricAlarms"] == []


def test_set_alarm_state_and_disabled_actions(aws, cloudwatch, server):
    cloudwatch.put_metric_alarm(AlarmName="manual", Namespace="Shop", MetricName="Orders", Statistic="Average",
                                Period=60, EvaluationPeriods=1, Threshold=1, ComparisonOperator="LessThanThreshold",
                                TreatMissingData="notBreaching")
    ok(aws("cloudwatch disable-alarm-actions --alarm-names manual"))
    ok(aws("cloudwatch set-alarm-state --alarm-name manual --state-value ALARM --state-reason testing"))
    [alarm] = cloudwatch.describe_alarms(AlarmNames=["manual"])["MetricAlarms"]
    assert (alarm["StateValue"], alarm["StateReason"], alarm["ActionsEnabled"]) == ("ALARM", "testing", False)
    to_next_minute(server)  # the next evaluation: no data, treated as not breaching
    assert cloudwatch.describe_alarms(AlarmNames=["manual"])["MetricAlarms"][0]["StateValue"] == "OK"

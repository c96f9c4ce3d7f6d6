"""template.yaml alarms on what needs a person: every function's errors and throttles, and every dead-letter
queue that holds a message; all of them notify the one alarm topic, which mails AlarmEmail only when one is given."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest
from cfnlint.decode import decode_str

from infra.deploy.api_events import TEMPLATE

ALARM = "AWS::CloudWatch::Alarm"


@cache
def _template() -> dict[str, Any]:
    template, problems = decode_str(TEMPLATE.read_text())
    assert not problems
    return dict(template)


def _resources(kind: str) -> dict[str, dict[str, Any]]:
    return {name: resource for name, resource in _template()["Resources"].items() if resource["Type"] == kind}


def _named(value: Any) -> str | None:
    """The resource a Ref or Fn::GetAtt points at."""
    if isinstance(value, dict) and len(value) == 1:
        (function, argument), = value.items()
        if function == "Ref":
            return str(argument)
        if function == "Fn::GetAtt":
            return str(argument[0] if isinstance(argument, list) else str(argument).split(".", 1)[0])
    return None


def _dead_letter_targets(node: Any) -> Iterator[str]:
    """Resources named where failed messages or events go: a queue's redrive target, a function's DeadLetterQueue,
    an event source's OnFailure destination, an IoT rule's ErrorAction."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "deadLetterTargetArn" and (name := _named(value)):
                yield name
            elif key in ("DeadLetterQueue", "OnFailure") and isinstance(value, dict):
                yield from (name for name in map(_named, value.values()) if name)
            elif key == "ErrorAction" and isinstance(value, dict):
                yield from (name for action in value.values() if isinstance(action, dict)
                            for name in map(_named, action.values()) if name)
            yield from _dead_letter_targets(value)
    elif isinstance(node, list):
        for item in node:
            yield from _dead_letter_targets(item)


def dead_letter_queues() -> list[str]:
    queues = _resources("AWS::SQS::Queue")
    named = set(_dead_letter_targets(_template()["Resources"])) | {name for name in queues if "DeadLetter" in name}
    return sorted(name for name in named if name in queues)


def _alarms_on(namespace: str, metric: str, dimension: str, resource: str) -> list[dict[str, Any]]:
    return [
        alarm["Properties"] for alarm in _resources(ALARM).values()
        if alarm["Properties"].get("Namespace") == namespace and alarm["Properties"].get("MetricName") == metric
        and any(d["Name"] == dimension and _named(d["Value"]) == resource for d in alarm["Properties"]["Dimensions"])
    ]


def _fires_on_any_within_five_minutes(alarm: dict[str, Any]) -> bool:
    return (alarm["ComparisonOperator"] == "GreaterThanThreshold" and float(alarm["Threshold"]) == 0
            and int(alarm["Period"]) * int(alarm["EvaluationPeriods"]) <= 300
            and alarm.get("TreatMissingData") == "notBreaching")


def _notifies_the_alarm_topic(alarm: dict[str, Any]) -> bool:
    return [_named(action) for action in alarm.get("AlarmActions", [])] == ["AlarmTopic"]


def test_the_uplink_dead_letter_queue_is_found() -> None:
    assert "UplinkDeadLetterQueue" in dead_letter_queues()


@pytest.mark.parametrize("queue", dead_letter_queues())
def test_every_dead_letter_queue_alarms_on_its_first_message(queue: str) -> None:
    alarms = _alarms_on("AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", queue)
    assert alarms, f"{queue} has no alarm on ApproximateNumberOfMessagesVisible"
    assert any(alarm["Statistic"] == "Maximum" and _fires_on_any_within_five_minutes(alarm)
               and _notifies_the_alarm_topic(alarm) for alarm in alarms)


@pytest.mark.parametrize("function", sorted(_resources("AWS::Serverless::Function")))
@pytest.mark.parametrize("metric", ["Errors", "Throttles"])
def test_every_function_alarms_on_any_error_and_any_throttle(function: str, metric: str) -> None:
    alarms = _alarms_on("AWS/Lambda", metric, "FunctionName", function)
    assert alarms, f"{function} has no {metric} alarm: add its line under OBSERVABILITY in template.yaml"
    assert any(alarm["Statistic"] == "Sum" and _fires_on_any_within_five_minutes(alarm)
               and _notifies_the_alarm_topic(alarm) for alarm in alarms)


def test_no_alarm_watches_a_tenant() -> None:
    for name, alarm in _resources(ALARM).items():
        dimensions = {dimension["Name"].lower() for dimension in alarm["Properties"].get("Dimensions", [])}
        assert not {"tenant", "tenant_id"} & dimensions, name


def test_alarms_mail_the_alarm_email_only_when_one_is_given() -> None:
    template = _template()
    assert template["Parameters"]["AlarmEmail"]["Default"] == ""
    [(name, subscription)] = _resources("AWS::SNS::Subscription").items()
    assert _named(subscription["Properties"]["TopicArn"]) == "AlarmTopic"
    assert subscription["Properties"]["Protocol"] == "email"
    assert _named(subscription["Properties"]["Endpoint"]) == "AlarmEmail"
    condition = subscription.get("Condition")
    assert template["Conditions"][condition] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "AlarmEmail"}, ""]}]}, name


def test_every_function_writes_its_metrics_to_the_gridvend_namespace() -> None:
    variables = _template()["Globals"]["Function"]["Environment"]["Variables"]
    assert variables["POWERTOOLS_METRICS_NAMESPACE"] == "Gridvend"

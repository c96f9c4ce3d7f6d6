"""Notification templates and rules: an alarm event matching a rule is mailed with the template filled
in (HTML-escaped), and logged; events or meters outside the rule are not."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from functions.commands.context import CommandContext, use_context
from functions.commands.notifier import RecordingMailer
from functions.commands.wiring import ack_handler, event_listeners
from functions.ingest.directory import Directory
from functions.ingest.network import NetworkTracker
from functions.ingest.service import Ingestor
from gridvend.iot.messages import EventCode, EventMessage
from gridvend.iot.publishing import MemoryShadowStore, RecordingPublisher
from gridvend.iot.rule_events import read_uplink, rule_message
from gridvend.iot.topics import Channel, uplink_topic
from gridvend.store.ami.firmware import MemoryObjectStore
from tests.api.conftest import Api
from tests.api.test_commands_views import SERIAL, THING, msg_id, provision

TEMPLATE = {
    "name": "Alarm mail",
    "subject": "${eventName} on meter ${devAddr}",
    "body": "The <b>${devAddr}</b> meter reported <b>${eventType}</b> (${eventValue}).",
}


@pytest.fixture
def mailer(api: Api) -> Iterator[tuple[CommandContext, RecordingMailer]]:
    context = CommandContext(api.store, RecordingPublisher(), MemoryShadowStore(), MemoryObjectStore())
    use_context(context)
    yield context, RecordingMailer()
    use_context(None)


def _event(api: Api, context: CommandContext, mail: RecordingMailer, tenant_id: str, code: EventCode,
           value: str = "") -> None:
    ingestor = Ingestor(api.store, Directory(api.store), NetworkTracker(api.store), ack_handler(api.store, context),
                        event_listeners(api.store, context, mail))
    message = EventMessage(msg_id=msg_id(), meter=SERIAL, at=datetime.now(UTC), code=code, value=value or None)
    body = json.dumps(rule_message(uplink_topic(tenant_id, THING, Channel.EVENT), message.model_dump_json().encode(),
                                   int(datetime.now(UTC).timestamp() * 1000)))
    ingestor.ingest([read_uplink(body)])


def test_a_matching_alarm_is_mailed_with_the_template_filled_in(
    api: Api, mailer: tuple[CommandContext, RecordingMailer]
) -> None:
    context, mail = mailer
    tenant_id, admin = api.new_tenant()
    provision(api, tenant_id)
    template = api.call("POST", "/v1/notification-templates", TEMPLATE, admin).body
    rule = {"name": "Tamper desk", "event_codes": ["cover_open", "tamper"], "template_id": template["template_id"],
            "recipients": ["desk@utility.example"]}
    assert api.call("POST", "/v1/notification-rules", rule, admin).status == 201

    _event(api, context, mail, tenant_id, EventCode.COVER_OPEN, value="<lid>")
    _event(api, context, mail, tenant_id, EventCode.LOW_CREDIT_1)

    assert mail.sent == [(
        "alarms@gridvend.local", ["desk@utility.example"], f"Cover open on meter {SERIAL}",
        f"The <b>{SERIAL}</b> meter reported <b>cover_open</b> (&lt;lid&gt;).",
    )]
    logged = api.call("GET", "/v1/notifications", headers=admin).body["items"]
    assert [(entry["event"], entry["status"]) for entry in logged] == [("cover_open", "sent")]


def test_a_rule_for_other_meters_stays_quiet(api: Api, mailer: tuple[CommandContext, RecordingMailer]) -> None:
    context, mail = mailer
    tenant_id, admin = api.new_tenant()
    provision(api, tenant_id)
    template = api.call("POST", "/v1/notification-templates", TEMPLATE, admin).body
    rule = {"name": "Only one meter", "template_id": template["template_id"], "recipients": ["a@b.example"],
            "group": {"meters": ["04719999999"]}}
    api.call("POST", "/v1/notification-rules", rule, admin)

    _event(api, context, mail, tenant_id, EventCode.TAMPER)

    assert mail.sent == []


def test_templates_and_rules_are_checked(api: Api, mailer: tuple[CommandContext, RecordingMailer]) -> None:
    _, admin = api.new_tenant()
    typo = api.call("POST", "/v1/notification-templates", {**TEMPLATE, "body": "${devAdr} failed"}, admin)
    template = api.call("POST", "/v1/notification-templates", TEMPLATE, admin).body
    no_template = api.call("POST", "/v1/notification-rules", {"name": "R", "template_id": "missing",
                                                               "recipients": ["a@b.example"]}, admin)
    bad_mail = api.call("POST", "/v1/notification-rules", {"name": "R", "template_id": template["template_id"],
                                                            "recipients": ["not-an-address"]}, admin)
    api.call("POST", "/v1/notification-rules", {"name": "R", "template_id": template["template_id"],
                                                 "recipients": ["a@b.example"]}, admin)
    in_use = api.call("DELETE", f"/v1/notification-templates/{template['template_id']}", headers=admin)

    assert (typo.status, "devAdr" in typo.body["detail"]) == (400, True)
    assert (no_template.status, no_template.body["errors"][0]["field"]) == (400, "template_id")
    assert (bad_mail.status, bad_mail.body["errors"][0]["field"]) == (400, "recipients[0]")
    assert (in_use.status, in_use.body["errors"][0]["field"]) == (400, "template_id")

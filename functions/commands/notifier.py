"""Alarm notifications: each newly stored event is matched against the tenant's rules (event type,
group of meters); each matching rule's template is filled in and mailed (SES; moto server locally), and
the mail is logged. Runs inside ingest, once per new event."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

from gridvend.ami.notifications import MeterPlace, Rule, matching_rules, render
from gridvend.auth.context import system_context
from gridvend.store.ami.events import NewEvent
from gridvend.store.ami.notifications import NotificationRepository
from gridvend.store.archives import ArchiveRepository
from gridvend.store.items import ItemStore

log = logging.getLogger("gridvend.notifications")
RULES_CACHE_SECONDS = 30.0
DEFAULT_SENDER = "alarms@gridvend.local"


class Mailer(Protocol):
    def send(self, sender: str, recipients: list[str], subject: str, body: str, as_html: bool) -> None: ...


class SesMailer:
    """SES. verify_sender: ask SES to verify the sender first (moto server refuses unverified senders)."""

    def __init__(self, client: Any, verify_sender: bool = False) -> None:
        self._client = client
        self._verify = verify_sender
        self._verified: set[str] = set()

    def send(self, sender: str, recipients: list[str], subject: str, body: str, as_html: bool) -> None:
        if self._verify and sender not in self._verified:
            self._client.verify_email_identity(EmailAddress=sender)
            self._verified.add(sender)
        self._client.send_email(
            Source=sender,
            Destination={"ToAddresses": recipients},
            Message={"Subject": {"Data": subject}, "Body": {"Html" if as_html else "Text": {"Data": body}}},
        )


class RecordingMailer:
    def __init__(self) -> None:
        self.sent: list[tuple[str, list[str], str, str]] = []

    def send(self, sender: str, recipients: list[str], subject: str, body: str, as_html: bool) -> None:
        self.sent.append((sender, recipients, subject, body))


def mailer_from_env() -> Mailer:
    import boto3

    return SesMailer(boto3.client("ses"), verify_sender=bool(os.environ.get("AWS_ENDPOINT_URL")))


class Notifier:
    def __init__(self, store: ItemStore, mailer: Mailer, sender: str | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._store, self._mailer = store, mailer
        self._sender = sender or os.environ.get("GRIDVEND_NOTIFY_FROM") or DEFAULT_SENDER
        self._clock = clock
        self._rules: dict[str, tuple[float, list[Rule]]] = {}
        self._lock = threading.Lock()

    def _tenant_rules(self, tenant_id: str) -> list[Rule]:
        with self._lock:
            cached = self._rules.get(tenant_id)
        if cached and self._clock() - cached[0] < RULES_CACHE_SECONDS:
            return cached[1]
        rules = NotificationRepository(self._store, tenant_id).rules()
        with self._lock:
            self._rules[tenant_id] = (self._clock(), rules)
        return rules

    def __call__(self, event: NewEvent) -> None:
        rules = self._tenant_rules(event.tenant_id)
        if not rules:
            return
        kind = event.event_type
        needs_place = any(not rule.group.everyone for rule in rules)
        place = _place(self._store, event.tenant_id, event.meter) if needs_place else MeterPlace(event.meter)
        chosen = matching_rules(rules, kind.code, kind.alarm, place)
        if not chosen:
            return
        values = _values(self._store, event)
        repository = NotificationRepository(self._store, event.tenant_id)
        for rule in chosen:
            template = repository.get("template", rule.template_id)
            if template is None:
                log.warning("rule %s names a missing template %s", rule.rule_id, rule.template_id)
                continue
            as_html = bool(template.get("html", True))
            subject = render(str(template.get("subject", "")), values, as_html=False)
            body = render(str(template.get("body", "")), values, as_html=as_html)
            status = "sent"
            try:
                self._mailer.send(self._sender, list(rule.recipients), subject, body, as_html)
            except Exception as error:
                status = f"failed: {type(error).__name__}"
                log.warning("notification of rule %s not sent", rule.rule_id, exc_info=True)
            repository.log_sent(event.at, rule.rule_id, event.msg_id, {
                "rule_id": rule.rule_id, "meter": event.meter, "event": kind.code, "to": list(rule.recipients),
                "subject": subject, "status": status,
            })


def _values(store: ItemStore, event: NewEvent) -> dict[str, str]:
    values = {
        "devAddr": event.meter, "thing": event.thing_id, "eventType": event.event_type.code,
        "eventName": event.event_type.name, "eventValue": "" if event.value is None else str(event.value),
        "eventTime": event.at.isoformat(timespec="seconds"), "severity": str(event.event_type.severity),
        "tenant": event.tenant_id, "devModel": "", "consumerCode": "", "consumerName": "",
    }
    try:  # the meter and customer archives are their own modules: what they know is welcome, not required
        from gridvend.store.contracts import ContractRepository
        from gridvend.store.customers import CustomerRepository
        from gridvend.store.meters import MeterRepository

        ctx = system_context(event.tenant_id, "notifications")
        meter = MeterRepository(store, ctx).get(event.meter)
        if meter is not None:
            model = ArchiveRepository(store, ctx).get("meter-models", meter.model_id)
            values["devModel"] = model.name if model else meter.model_id
        contract = ContractRepository(store, ctx, decimals=2).get(event.meter)
        if contract is not None:
            values["consumerCode"] = contract.customer_code
            customer = CustomerRepository(store, ctx).get(contract.customer_code)
            values["consumerName"] = customer.name if customer else ""
    except Exception:
        log.info("meter or customer details unavailable for %s", event.meter, exc_info=True)
    return values


def _place(store: ItemStore, tenant_id: str, serial: str) -> MeterPlace:
    try:
        from gridvend.store.meters import MeterRepository

        ctx = system_context(tenant_id, "notifications")
        meter = MeterRepository(store, ctx).get(serial)
        if meter is None or meter.branch_id is None:
            return MeterPlace(serial)
        archives = ArchiveRepository(store, ctx)
        branch = archives.get("branches", meter.branch_id)
        regions: list[str] = []
        region_id = branch.data.get("region_id") if branch else None
        while region_id and region_id not in regions:
            regions.append(region_id)
            region = archives.get("regions", region_id)
            region_id = region.data.get("parent_id") if region else None
        return MeterPlace(serial, meter.branch_id, tuple(regions))
    except Exception:
        log.info("no place for meter %s", serial, exc_info=True)
        return MeterPlace(serial)

"""Every invocation is observed: its metrics go out as EMF on stdout with the tenant as a property, never a
dimension; a refused vend is counted once by its reason; conflicts and given-up sales are counted; every log line
carries the correlation id, the tenant and the operator; an ingested batch records its largest lag."""

from __future__ import annotations

import io
import json
import logging
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from aws_lambda_powertools.logging import correlation_paths

from functions.common.observability import add_metric, logger, observe_tenant, observed
from functions.ingest import handler as ingest_handler
from functions.ingest.directory import Directory
from functions.ingest.network import NetworkTracker
from functions.ingest.service import Ingestor, Outcome, Status
from functions.vending import service as vend_service
from gridvend.clock import clock_at
from gridvend.iot import obis
from gridvend.iot.messages import ReadingMessage
from gridvend.iot.rule_events import rule_message
from gridvend.iot.topics import Channel, uplink_topic
from gridvend.store.ami.things import Thing, ThingKind, ThingRegistry
from gridvend.store.memory import MemoryItemStore
from gridvend.store.vends import VendStateMoved
from iot.router.queue_events import queue_event, queue_record
from tests.api.conftest import Api
from tests.api.vending_setup import _master_key, install, open_shop

__all__ = ["_master_key"]

LogLines = Callable[[], list[dict[str, Any]]]


@dataclass
class LambdaContext:
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_name: str = "gridvend-test"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:eu-west-1:000000000000:function:gridvend-test"


@pytest.fixture
def log_lines() -> Iterator[LogLines]:
    """The process logger's JSON lines from here on, at INFO, through a handler of their own with the logger's
    formatter (its own handler holds the stdout of import time, not capsys', and other tests may move it)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logger.registered_formatter)
    underlying = logging.getLogger(logger.name)
    level = underlying.level
    underlying.addHandler(handler)
    underlying.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]
    underlying.removeHandler(handler)
    underlying.setLevel(level)


def emf_documents(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines() if line.startswith('{"_aws"')]


def values(documents: list[dict[str, Any]], name: str) -> list[float]:
    found: list[float] = []
    for document in documents:
        value = document.get(name)
        found += value if isinstance(value, list) else [] if value is None else [value]
    return found


def dimension_sets(document: dict[str, Any]) -> list[list[str]]:
    return [dimensions for directive in document["_aws"]["CloudWatchMetrics"] for dimensions in directive["Dimensions"]]


def with_metric(documents: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [document for document in documents if name in document]


def key() -> str:
    return f"pay-{uuid.uuid4().hex}"


def test_a_sale_counts_one_vend_with_the_tenant_as_a_property_not_a_dimension(
    api: Api, capsys: pytest.CaptureFixture[str]
) -> None:
    shop = open_shop(api)
    install(api, shop, "13000000001")
    capsys.readouterr()

    reply = shop.sell(api, "13000000001", key())

    assert reply.status == 201, reply.body
    documents = emf_documents(capsys.readouterr().out)
    [sale] = with_metric(documents, "Vends")
    assert values([sale], "Vends") == [1.0]
    assert sale["tenant_id"] == shop.tenant_id
    assert dimension_sets(sale) == [["service"]]
    assert all("tenant_id" not in dimensions for document in documents for dimensions in dimension_sets(document))
    assert values(documents, "VendFailures") == []


def test_a_retry_with_the_same_key_counts_a_replay_and_no_second_vend(
    api: Api, capsys: pytest.CaptureFixture[str]
) -> None:
    shop = open_shop(api)
    install(api, shop, "13000000002")
    payment = key()
    assert shop.sell(api, "13000000002", payment).status == 201
    capsys.readouterr()

    again = shop.sell(api, "13000000002", payment)

    assert again.status == 201 and again.headers["Idempotent-Replayed"] == "true"
    documents = emf_documents(capsys.readouterr().out)
    assert values(documents, "VendReplays") == [1.0]
    assert values(documents, "Vends") == []


@pytest.mark.parametrize(
    ("send", "status", "reason"),
    [
        (lambda api, shop: shop.sell(api, "13999999999", key()), 404, "NotFound"),
        (lambda api, shop: api.call("POST", "/v1/vends", {"meter": "13000000003", "amount": "10"}, shop.headers),
         400, "InvalidInput"),
    ],
    ids=["unknown-meter", "no-idempotency-key"],
)
def test_a_refused_vend_is_counted_once_with_its_reason_as_the_dimension(
    api: Api, capsys: pytest.CaptureFixture[str], send: Callable[..., Any], status: int, reason: str
) -> None:
    shop = open_shop(api)
    capsys.readouterr()

    reply = send(api, shop)

    assert reply.status == status, reply.body
    documents = with_metric(emf_documents(capsys.readouterr().out), "VendFailures")
    assert len(documents) == 1 and values(documents, "VendFailures") == [1.0]
    [failure] = documents
    assert dimension_sets(failure) == [["service", "Reason"]]
    assert failure["Reason"] == reason
    assert failure["tenant_id"] == shop.tenant_id


def test_each_conflict_is_counted_and_a_sale_given_up_says_so(
    api: Api, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    shop = open_shop(api)
    install(api, shop, "13000000004")

    def another_sale_always_first(*_: Any) -> None:
        raise VendStateMoved("another vend for this meter committed first")

    monkeypatch.setattr(vend_service, "MAX_ATTEMPTS", 3)
    monkeypatch.setattr(vend_service, "commit", another_sale_always_first)
    capsys.readouterr()

    reply = shop.sell(api, "13000000004", key())

    assert reply.status == 409, reply.body
    documents = emf_documents(capsys.readouterr().out)
    assert values(documents, "VendConflicts") == [1.0, 1.0, 1.0]
    assert values(documents, "VendRetriesExhausted") == [1.0]
    assert values(documents, "Vends") == []
    assert [document["Reason"] for document in with_metric(documents, "VendFailures")] == ["Conflict"]


def test_log_lines_of_a_request_carry_its_correlation_id_tenant_and_operator(
    api: Api, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, log_lines: LogLines
) -> None:
    shop = open_shop(api)
    install(api, shop, "13000000005")

    def broken(*_: Any, **__: Any) -> Any:
        raise RuntimeError("the store went away")

    monkeypatch.setattr(vend_service.VendService, "vend", broken)
    capsys.readouterr()

    reply = shop.sell(api, "13000000005", key())

    assert reply.status == 500
    request_id = reply.body["detail"].rsplit(" ", 1)[-1]
    [line] = [line for line in log_lines() if line["message"] == "unhandled error"]
    assert line["correlation_id"] == request_id  # the local gateway's event has no API Gateway request id
    assert line["tenant_id"] == shop.tenant_id
    assert line["operator"] == "admin"
    failures = with_metric(emf_documents(capsys.readouterr().out), "VendFailures")
    assert [document["Reason"] for document in failures] == ["InternalError"]


def test_the_correlation_id_is_api_gateways_request_id_or_else_the_invocations(log_lines: LogLines) -> None:
    @observed(correlation_paths.API_GATEWAY_REST)
    def api_handler(event: dict[str, Any], context: Any) -> None:
        logger.info("answered")

    api_handler({"requestContext": {"requestId": "gateway-request-1"}}, LambdaContext())
    context = LambdaContext()
    api_handler({"requestContext": {}}, context)

    assert [line["correlation_id"] for line in log_lines()] == ["gateway-request-1", context.aws_request_id]


def test_an_invocation_keeps_nothing_of_the_tenant_of_the_one_before(
    capsys: pytest.CaptureFixture[str], log_lines: LogLines
) -> None:
    @observed()
    def handler(event: dict[str, Any], context: Any) -> None:
        if event.get("tenant"):
            observe_tenant(event["tenant"], "clerk")
        else:
            add_metric("Vends")
        logger.info("handled")

    handler({"tenant": "acme"}, LambdaContext())  # counts nothing: its tenant stays in the metric set unflushed
    capsys.readouterr()
    handler({}, LambdaContext())

    first, second = log_lines()
    assert (first["tenant_id"], first["operator"]) == ("acme", "clerk")
    assert "tenant_id" not in second and "operator" not in second
    [document] = emf_documents(capsys.readouterr().out)
    assert values([document], "Vends") == [1.0] and "tenant_id" not in document


def test_an_ingested_batch_records_the_lag_of_its_oldest_uplink(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    now = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    store = MemoryItemStore()
    ThingRegistry(store, "acme").register(Thing("MOD-1", ThingKind.MODULE, ("04710000001",), "acme:MOD-1"))
    ingestor = Ingestor(store, Directory(store), NetworkTracker(store), lambda uplink: Outcome(Status.STORED))
    monkeypatch.setattr(ingest_handler, "default_ingestor", lambda: ingestor)
    records = []
    for number, age in enumerate((30, 90, 5)):
        reading = ReadingMessage(msg_id=f"reading-lag-{number}", meter="04710000001", at=now - timedelta(seconds=age),
                                 registers={obis.ACTIVE_IMPORT: Decimal("1.5")})
        body = rule_message(uplink_topic("acme", "MOD-1", Channel.READING), reading.model_dump_json().encode(),
                            int((now - timedelta(seconds=1)).timestamp() * 1000))
        records.append(queue_record(body))
    capsys.readouterr()

    with clock_at(now):
        response = ingest_handler.handler(queue_event(records), LambdaContext())

    assert response == {"batchItemFailures": []}
    [document] = with_metric(emf_documents(capsys.readouterr().out), "IngestLagSeconds")
    assert values([document], "IngestLagSeconds") == [90.0]
    assert document["_aws"]["CloudWatchMetrics"][0]["Metrics"] == [{"Name": "IngestLagSeconds", "Unit": "Seconds"}]

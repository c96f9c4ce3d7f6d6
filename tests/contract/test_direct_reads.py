"""The direct BatchGetItem gives back exactly what PynamoDB's does, signs as the model's connection does, and leaves
anything but a clean answer to PynamoDB."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.awsrequest import AWSPreparedRequest
from botocore.httpsession import URLLib3Session

from gridvend.store.direct_reads import DirectReader, item_from_wire, value_from_wire
from gridvend.store.dynamo import AwsCredentials, DynamoItemStore, TableItem, table_model_with_credentials
from gridvend.store.items import Item

VARIED_DATA: dict[str, Any] = {
    "text": "Ünïcode ☀",
    "whole": 12345678901234,
    "negative": -3,
    "fraction": 0.25,
    "flag": True,
    "off": False,
    "nothing": None,
    "blob": b"\x00\x01\xfe",
    "list": [1, "two", {"three": 3}, [4.5], None],
    "nested": {"deeper": {"deepest": "x", "count": 0}},
    "empty_map": {},
    "empty_list": [],
    "names": {"a", "b"},
    "numbers": {1, 2.5},
    "blobs": {b"\x01", b"\x02"},
}


@pytest.fixture
def partition() -> str:
    return f"T#d{uuid.uuid4().hex[:8]}#THING"


@pytest.fixture
def store(dynamodb_table: str) -> DynamoItemStore:
    return DynamoItemStore()


def written(store: DynamoItemStore, partition: str) -> list[Item]:
    items: list[Item] = [
        {"pk": partition, "sk": "varied", "entity": "thing", "version": 3, "balance": -7, "data": VARIED_DATA},
        {"pk": partition, "sk": "bare"},
        {"pk": partition, "sk": "tallies", "tally_count": 2, "tally_energy": 505, "expires_at": 1_900_000_000},
        {"pk": partition, "sk": "indexed", "gsi1pk": "G#1", "gsi1sk": "2026", "search": "abc", "data": {}},
    ]
    store.put_many(items)
    return items


def test_the_direct_answer_equals_pynamodbs_for_every_kind_of_value(store: DynamoItemStore, partition: str) -> None:
    items = written(store, partition)
    keys = [(item["pk"], item["sk"]) for item in items] + [(partition, "missing")]
    direct = store._direct_reader().batch_get(keys)
    assert direct is not None
    assert direct == store.batch_get_through_model(keys)
    assert direct[(partition, "varied")]["data"] == VARIED_DATA
    assert (partition, "missing") not in direct


def test_batch_get_answers_through_pynamodb_when_the_direct_answer_is_not_clean(
    store: DynamoItemStore, partition: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = written(store, partition)
    monkeypatch.setattr(DirectReader, "batch_get", lambda self, keys: None)
    found = store.batch_get([(partition, "varied"), (partition, "missing"), (partition, "varied")])
    assert found[0] is not None and found[0]["data"] == items[0]["data"]
    assert found[1] is None
    assert found[2] == found[0] and found[2] is not found[0]


def test_an_error_status_is_not_a_clean_answer(dynamodb_table: str, partition: str) -> None:
    connection = TableItem._get_connection().connection
    reader = DirectReader(connection, f"no-such-table-{uuid.uuid4().hex[:6]}", frozenset(TableItem.get_attributes()))
    assert reader.batch_get([(partition, "x")]) is None


def test_a_broken_connection_is_not_a_clean_answer(dynamodb_table: str, partition: str) -> None:
    connection = TableItem._get_connection().connection
    reader = DirectReader(connection, TableItem.Meta.table_name, frozenset(TableItem.get_attributes()))
    reader._url = "http://127.0.0.1:9"  # discard port: nothing listens
    assert reader.batch_get([(partition, "x")]) is None


def test_too_many_keys_go_to_pynamodb_which_splits_them(store: DynamoItemStore, partition: str) -> None:
    store.put_many([{"pk": partition, "sk": f"k{number:03d}"} for number in range(130)])
    keys = [(partition, f"k{number:03d}") for number in range(130)]
    assert store._direct_reader().batch_get(keys) is None
    assert [item["sk"] for item in store.batch_get(keys) if item] == [sk for _, sk in keys]


def test_a_tenant_store_signs_its_direct_reads_with_the_tenants_credentials(
    dynamodb_table: str, partition: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    credentials = AwsCredentials("ASIATENANTKEY", "tenant-secret", "tenant-session-token")
    tenant_store = DynamoItemStore(table_model_with_credentials(credentials))
    sent: list[AWSPreparedRequest] = []
    original_send = URLLib3Session.send

    def recording_send(self: URLLib3Session, request: AWSPreparedRequest) -> Any:
        sent.append(request)
        return original_send(self, request)

    monkeypatch.setattr(URLLib3Session, "send", recording_send)
    tenant_store.batch_get([(partition, "x")])
    [request] = sent
    assert "Credential=ASIATENANTKEY/" in request.headers["Authorization"]
    assert request.headers["X-Amz-Security-Token"] == "tenant-session-token"
    assert b"tenant-secret" not in request.body and "tenant-secret" not in str(request.headers)


@pytest.mark.parametrize(
    ("wire", "value"),
    [
        ({"S": "x"}, "x"),
        ({"N": "42"}, 42),
        ({"N": "-0.5"}, -0.5),
        ({"BOOL": False}, False),
        ({"NULL": True}, None),
        ({"B": "AAH+"}, b"\x00\x01\xfe"),
        ({"SS": ["a", "b"]}, {"a", "b"}),
        ({"NS": ["1", "2.5"]}, {1, 2.5}),
        ({"BS": ["AQ=="]}, {b"\x01"}),
        ({"L": [{"N": "1"}, {"M": {"k": {"S": "v"}}}]}, [1, {"k": "v"}]),
    ],
)
def test_each_attribute_type_reads_as_pynamodb_gives_it(wire: dict[str, Any], value: Any) -> None:
    assert value_from_wire(wire) == value


def test_an_unknown_attribute_type_is_refused() -> None:
    with pytest.raises(ValueError, match="XYZ"):
        value_from_wire({"XYZ": "?"})


def test_undeclared_and_null_top_level_attributes_are_left_out() -> None:
    wire = {"pk": {"S": "p"}, "sk": {"S": "s"}, "stray": {"S": "?"}, "entity": {"NULL": True}}
    assert item_from_wire(wire, frozenset({"pk", "sk", "entity"})) == {"pk": "p", "sk": "s"}

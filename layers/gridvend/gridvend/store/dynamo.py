"""ItemStore on DynamoDB through PynamoDB: one table, tenant-first keys, two overloaded GSIs, a stream."""

from __future__ import annotations

import copy
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import boto3
from pynamodb.attributes import MapAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.condition import Condition as PynamoCondition
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from gridvend.store.direct_reads import DirectReader
from gridvend.store.items import (
    Check,
    Condition,
    Delete,
    Increment,
    Item,
    ItemStore,
    Page,
    Put,
    TransactionConflict,
    TransactionRaced,
    WriteOp,
)


class Gsi1(GlobalSecondaryIndex["TableItem"]):
    class Meta:
        index_name = "gsi1"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class Gsi2(GlobalSecondaryIndex["TableItem"]):
    class Meta:
        index_name = "gsi2"
        projection = AllProjection()

    gsi2pk = UnicodeAttribute(hash_key=True)
    gsi2sk = UnicodeAttribute(range_key=True)


class TableItem(Model):
    """Every entity is one of these; its own fields live in `data`."""

    class Meta:
        table_name = os.environ.get("GRIDVEND_TABLE", "gridvend")
        region = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
        host = os.environ.get("AWS_ENDPOINT_URL_DYNAMODB") or None
        billing_mode = "PAY_PER_REQUEST"
        stream_view_type = "NEW_AND_OLD_IMAGES"
        # None: the process's own credentials. table_model_with_credentials sets them on a subclass.
        aws_access_key_id: str | None = None
        aws_secret_access_key: str | None = None
        aws_session_token: str | None = None

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    gsi2pk = UnicodeAttribute(null=True)
    gsi2sk = UnicodeAttribute(null=True)
    entity = UnicodeAttribute(null=True)
    search = UnicodeAttribute(null=True)
    ref_count = NumberAttribute(null=True)
    version = NumberAttribute(null=True)
    counter = NumberAttribute(null=True)
    balance = NumberAttribute(null=True)
    expires_at = NumberAttribute(null=True)
    # Rollup measures that transactions add to: counts, integer minor units, tenths of a kWh.
    tally_count = NumberAttribute(null=True)
    tally_amount = NumberAttribute(null=True)
    tally_energy = NumberAttribute(null=True)
    tally_vat = NumberAttribute(null=True)
    tally_charges = NumberAttribute(null=True)
    tally_debt = NumberAttribute(null=True)
    tally_net = NumberAttribute(null=True)
    data = MapAttribute(null=True)  # type: ignore[var-annotated]

    gsi1 = Gsi1()
    gsi2 = Gsi2()


_ATTRIBUTES = frozenset(TableItem.get_attributes())


def configure_table(table_name: str, endpoint_url: str | None, region: str = "us-east-1") -> None:
    """Points the model at a table; used at start-up and by tests that run their own DynamoDB Local."""
    TableItem.Meta.table_name = table_name
    TableItem.Meta.host = endpoint_url
    TableItem.Meta.region = region
    TableItem._connection = None


@dataclass(frozen=True)
class AwsCredentials:
    """Temporary credentials (e.g. from STS AssumeRole) that one store signs its calls with."""

    access_key_id: str
    secret_access_key: str = field(default="", repr=False)
    session_token: str = field(default="", repr=False)


def table_model_with_credentials(credentials: AwsCredentials) -> type[TableItem]:
    """A subclass of TableItem on the same table whose connection signs with these credentials.
    PynamoDB keeps one connection per model class, so each set of credentials needs its own class."""
    meta = type(
        "Meta",
        (TableItem.Meta,),
        {
            "table_name": TableItem.Meta.table_name,
            "region": TableItem.Meta.region,
            "host": TableItem.Meta.host,
            "aws_access_key_id": credentials.access_key_id,
            "aws_secret_access_key": credentials.secret_access_key,
            "aws_session_token": credentials.session_token,
        },
    )
    # `_connection: None` here, or the subclass would find and reuse the base class's connection.
    return type("CredentialedTableItem", (TableItem,), {"Meta": meta, "_connection": None, "__module__": __name__})


def create_table_if_missing() -> None:
    if TableItem.exists():
        return
    TableItem.create_table(wait=True)
    client = boto3.client("dynamodb", region_name=TableItem.Meta.region, endpoint_url=TableItem.Meta.host)
    client.update_time_to_live(
        TableName=TableItem.Meta.table_name,
        TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires_at"},
    )


def _to_model(item: Item, model_class: type[TableItem] = TableItem) -> TableItem:
    model = model_class()
    for name, value in item.items():
        setattr(model, name, value)
    return model


def _from_model(model: TableItem) -> Item:
    item: Item = {}
    for name in TableItem.get_attributes():
        value = getattr(model, name)
        if value is None:
            continue
        if name == "data":
            value = value.as_dict() if isinstance(value, MapAttribute) else value
        item[name] = value
    return item


def _attribute(name: str) -> Any:
    if name not in TableItem.get_attributes():
        raise ValueError(f"{name} is not a top-level attribute of the table item")
    return getattr(TableItem, name)


def _condition(condition: Condition | None) -> PynamoCondition | None:
    if condition is None:
        return None
    parts: list[PynamoCondition] = []
    if condition.must_exist is True:
        parts.append(TableItem.pk.exists())
    elif condition.must_exist is False:
        parts.append(TableItem.pk.does_not_exist())
    for name, expected in condition.equals.items():
        parts.append(_attribute(name) == expected)
    for name, ceiling in condition.at_most.items():
        attribute = _attribute(name)
        parts.append(attribute.does_not_exist() | (attribute <= ceiling))
    for name, floor in condition.at_least.items():
        parts.append(_attribute(name) >= floor)
    combined = parts[0]
    for part in parts[1:]:
        combined = combined & part
    return combined


class DynamoItemStore(ItemStore):
    """`model` is TableItem (the process's own credentials) or a table_model_with_credentials class."""

    def __init__(self, model: type[TableItem] = TableItem) -> None:
        self._model = model
        self._reader: DirectReader | None = None
        self._reader_connection: Connection | None = None

    @property
    def model(self) -> type[TableItem]:
        return self._model

    def get(self, pk: str, sk: str) -> Item | None:
        try:
            return _from_model(self._model.get(pk, sk, consistent_read=True))
        except self._model.DoesNotExist:
            return None

    def batch_get(self, keys: Sequence[tuple[str, str]]) -> list[Item | None]:
        """One direct BatchGetItem when its answer is clean; otherwise PynamoDB, which asks for up to 100 distinct
        keys per call and asks again for unprocessed ones."""
        distinct = list(dict.fromkeys(keys))
        found = self._direct_reader().batch_get(distinct) if distinct else {}
        if found is None:
            found = self.batch_get_through_model(distinct)
        answered: list[Item | None] = []
        handed_out: set[tuple[str, str]] = set()
        for key in keys:
            item = found.get(key)
            answered.append(copy.deepcopy(item) if item is not None and key in handed_out else item)
            handed_out.add(key)
        return answered

    def batch_get_through_model(self, distinct_keys: list[tuple[str, str]]) -> dict[tuple[str, str], Item]:
        return {
            (model.pk, model.sk): _from_model(model)
            for model in self._model.batch_get(distinct_keys, consistent_read=True)
        }

    def _direct_reader(self) -> DirectReader:
        """Rebuilt when the model's connection is (configure_table drops it), so it always reads that table."""
        connection = self._model._get_connection().connection
        if self._reader is None or self._reader_connection is not connection:
            self._reader = DirectReader(connection, self._model.Meta.table_name, _ATTRIBUTES)
            self._reader_connection = connection
        return self._reader

    def query(
        self,
        partition: str,
        *,
        index: Literal["gsi1", "gsi2"] | None = None,
        sk_prefix: str | None = None,
        sk_between: tuple[str, str] | None = None,
        contains: tuple[str, str] | None = None,
        limit: int = 50,
        start_key: dict[str, str] | None = None,
        newest_first: bool = False,
    ) -> Page:
        target: Any = self._model if index is None else getattr(self._model, index)
        sort_attribute = TableItem.sk if index is None else _attribute(f"{index}sk")
        range_condition = None
        if sk_prefix is not None:
            range_condition = sort_attribute.startswith(sk_prefix)
        elif sk_between is not None:
            range_condition = sort_attribute.between(*sk_between)
        filter_condition = _attribute(contains[0]).contains(contains[1]) if contains else None
        results = target.query(
            partition,
            range_key_condition=range_condition,
            filter_condition=filter_condition,
            limit=limit,
            page_size=limit if contains is None else None,
            last_evaluated_key=_start_key_to_wire(start_key),
            scan_index_forward=not newest_first,
            consistent_read=index is None,
        )
        items = [_from_model(model) for model in results]
        return Page(items, _start_key_from_wire(results.last_evaluated_key))

    def transact(self, operations: Sequence[WriteOp]) -> None:
        # The model's own connection: same endpoint and credentials, and its client is reused.
        connection: Connection = self._model._get_connection().connection
        try:
            with TransactWrite(connection=connection) as transaction:
                for operation in operations:
                    _add_to_transaction(transaction, operation, self._model)
        except TransactWriteError as error:
            reasons = error.cancellation_reasons or []
            sent_order = _order_sent(operations)
            failed = sorted(
                sent_order[position]
                for position, reason in enumerate(reasons)
                if reason is not None and reason.code == "ConditionalCheckFailed"
            )
            if failed:
                raise TransactionConflict(failed) from error
            if any(reason is not None and reason.code == "TransactionConflict" for reason in reasons):
                raise TransactionRaced from error
            raise

    def put_many(self, items: Sequence[Item]) -> None:
        """PynamoDB sends 25 items per BatchWriteItem call and resends unprocessed ones."""
        with self._model.batch_write() as batch:
            for item in items:
                batch.save(_to_model(item, self._model))


_SENT_GROUPS = (Check, Delete, Put, Increment)


def _order_sent(operations: Sequence[WriteOp]) -> list[int]:
    """PynamoDB sends checks, then deletes, puts and updates: the caller's index of each item as sent."""
    return [
        position
        for group in _SENT_GROUPS
        for position, operation in enumerate(operations)
        if isinstance(operation, group)
    ]


def _add_to_transaction(transaction: TransactWrite, operation: WriteOp, model_class: type[TableItem]) -> None:
    if isinstance(operation, Put):
        transaction.save(_to_model(operation.item, model_class), condition=_condition(operation.condition))
    elif isinstance(operation, Delete):
        transaction.delete(
            _to_model({"pk": operation.pk, "sk": operation.sk}, model_class), condition=_condition(operation.condition)
        )
    elif isinstance(operation, Increment):
        actions = [_attribute(name).add(amount) for name, amount in operation.amounts.items()]
        actions += [_attribute(name).set(value) for name, value in operation.assign.items()]
        transaction.update(
            _to_model({"pk": operation.pk, "sk": operation.sk}, model_class),
            actions=actions,
            condition=_condition(operation.condition),
        )
    elif isinstance(operation, Check):
        condition = _condition(operation.condition)
        assert condition is not None
        transaction.condition_check(model_class, operation.pk, operation.sk, condition=condition)


def _start_key_to_wire(start_key: dict[str, str] | None) -> dict[str, dict[str, str]] | None:
    if start_key is None:
        return None
    return {name: {"S": value} for name, value in start_key.items()}


def _start_key_from_wire(wire: dict[str, Any] | None) -> dict[str, str] | None:
    if not wire:
        return None
    return {name: value["S"] for name, value in wire.items()}

"""A consistent BatchGetItem sent over botocore's HTTP session and signed by botocore's SigV4 signer, with the
answer read by `json`.

The generic client's work around each call (shape-driven serialiser and parser, event hooks, user agent) costs a
small read more client CPU than DynamoDB spends answering it, and a vend reads once before its transaction. This
path skips that work and nothing else: the same endpoint, region and credentials as the model's own connection,
the same consistency. Whatever is not a clean answer (an error status, a throttle, keys left unprocessed, a
broken connection) returns None, and the caller asks again through PynamoDB, which retries and raises as usual.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from typing import Any

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import BotoCoreError
from botocore.httpsession import URLLib3Session
from botocore.utils import get_environ_proxies
from pynamodb.connection import Connection
from pynamodb.settings import get_settings_value
from urllib3.connection import HTTPConnection

from gridvend.store.items import Item

MAX_KEYS = 100  # DynamoDB's limit for one BatchGetItem
TARGET = "DynamoDB_20120810.BatchGetItem"
Key = tuple[str, str]


def value_from_wire(wire: dict[str, Any]) -> Any:
    """One DynamoDB JSON attribute value as PynamoDB's untyped attributes give it back."""
    ((kind, value),) = wire.items()
    if kind == "S":
        return value
    if kind == "N":
        return json.loads(value)
    if kind == "M":
        return {name: value_from_wire(member) for name, member in value.items()}
    if kind == "L":
        return [value_from_wire(member) for member in value]
    if kind == "BOOL":
        return bool(value)
    if kind == "NULL":
        return None
    if kind == "B":
        return base64.b64decode(value)
    if kind == "SS":
        return set(value)
    if kind == "NS":
        return {json.loads(number) for number in value}
    if kind == "BS":
        return {base64.b64decode(member) for member in value}
    raise ValueError(f"unknown DynamoDB attribute type {kind}")


def item_from_wire(wire: dict[str, dict[str, Any]], attributes: frozenset[str]) -> Item:
    """The table item as the store hands it out: its declared attributes only, none that are null."""
    item: Item = {}
    for name, encoded in wire.items():
        if name not in attributes:
            continue
        value = value_from_wire(encoded)
        if value is not None:
            item[name] = value
    return item


class DirectReader:
    """Built from the model's PynamoDB connection, so it signs as that connection does (a tenant's store signs with
    the tenant's credentials)."""

    def __init__(self, connection: Connection, table_name: str, attributes: frozenset[str]) -> None:
        client = connection.client
        self._url: str = client.meta.endpoint_url
        self._region: str = client.meta.region_name
        self._credentials: Credentials | None = connection.session.get_credentials()
        self._table_name = table_name
        self._attributes = attributes
        self._http = URLLib3Session(
            proxies=get_environ_proxies(self._url),
            timeout=get_settings_value("read_timeout_seconds"),
            max_pool_connections=get_settings_value("max_pool_connections"),
            socket_options=list(HTTPConnection.default_socket_options),
        )

    def batch_get(self, keys: Sequence[Key]) -> dict[Key, Item] | None:
        """The items found under these distinct keys, or None when the answer was not clean."""
        if not keys or len(keys) > MAX_KEYS or self._credentials is None:
            return None
        request = AWSRequest(
            method="POST",
            url=self._url,
            data=self._body(keys),
            headers={"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": TARGET},
        )
        SigV4Auth(self._credentials.get_frozen_credentials(), "dynamodb", self._region).add_auth(request)
        try:
            response = self._http.send(request.prepare())
        except BotoCoreError:  # every transport failure botocore raises
            return None
        if response.status_code != 200:
            return None
        answer = json.loads(response.content)
        if answer.get("UnprocessedKeys"):
            return None
        found = answer.get("Responses", {}).get(self._table_name, [])
        return {(wire["pk"]["S"], wire["sk"]["S"]): item_from_wire(wire, self._attributes) for wire in found}

    def _body(self, keys: Sequence[Key]) -> bytes:
        asked = [{"pk": {"S": pk}, "sk": {"S": sk}} for pk, sk in keys]
        return json.dumps({"RequestItems": {self._table_name: {"Keys": asked, "ConsistentRead": True}}}).encode()

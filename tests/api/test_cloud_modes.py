"""The cloud modes, in-process on moto: tenant-scoped table access (GRIDVEND_TENANT_ROLE_ARN: every request of
tenant X reaches DynamoDB with credentials assumed for X, whose keys the role's LeadingKeys condition allows)
and Cognito identity (GRIDVEND_IDENTITY=cognito: login through the user pool, its ID token as the bearer).
moto evaluates no IAM conditions, so every DynamoDB call is recorded and checked against the template's
condition with the session's tag (tests/unit/auth/iam_policy.py)."""

from __future__ import annotations

import json
import os
import re
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import boto3
import jwt
import pytest
import requests
from chalice.test import Client
from moto import mock_aws
from pynamodb.connection.base import Connection

from functions.common import deps
from functions.common.auth import clear_permission_cache
from functions.common.tenant_credentials import TenantStores
from gridvend.auth.context import PLATFORM_OPERATOR_ROLE, system_context
from gridvend.store.dynamo import TableItem, create_table_if_missing
from gridvend.store.users import Operator, OperatorRepository, new_operator_id
from tests.api.conftest import Api
from tests.unit.auth.iam_policy import leading_keys_allowed

REGION = "us-east-1"
FUNCTION_KEY = "AKIAFUNCTIONOWNKEY01"
PLATFORM_PASSWORD = "platform-pass-1"
HASH_KEYS = {"pk", "gsi1pk", "gsi2pk"}
_AMBIENT = ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_REGION", "AWS_ENDPOINT_URL",
            "AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_COGNITO_IDP", "GRIDVEND_JWKS_URL")


@dataclass
class TableCall:
    access_key: str | None
    operation: str
    leading_keys: list[str]


@dataclass
class Cloud:
    api: Api
    cognito: Any
    pool_id: str
    calls: list[TableCall] = field(default_factory=list)

    def pool_user(self, username: str) -> dict[str, Any]:
        reply: dict[str, Any] = self.cognito.admin_get_user(UserPoolId=self.pool_id, Username=username)
        return reply

    def pool_groups(self, username: str) -> set[str]:
        reply = self.cognito.admin_list_groups_for_user(UserPoolId=self.pool_id, Username=username)
        return {group["GroupName"] for group in reply["Groups"]}


def _leading_keys(operation_kwargs: dict[str, Any]) -> list[str]:
    keys: list[str] = []

    def from_item(item: dict[str, Any]) -> None:
        keys.append(item["pk"]["S"])

    for name in ("Key", "Item"):
        if name in operation_kwargs:
            from_item(operation_kwargs[name])
    expression = operation_kwargs.get("KeyConditionExpression")
    if expression:
        names = operation_kwargs.get("ExpressionAttributeNames", {})
        values = operation_kwargs.get("ExpressionAttributeValues", {})
        for placeholder, value in re.findall(r"(#\w+) = (:\w+)", expression):
            if names.get(placeholder) in HASH_KEYS:
                keys.append(values[value]["S"])
    for entry in operation_kwargs.get("TransactItems", []):
        for action in entry.values():
            from_item(action.get("Key") or action["Item"])
    for requests_of_table in operation_kwargs.get("RequestItems", {}).values():
        for request in requests_of_table:
            for action in request.values():
                from_item(action.get("Key") or action["Item"])
    return keys


def _serve_json(document: dict[str, Any]) -> ThreadingHTTPServer:
    body = json.dumps(document).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _user_pool(cognito: Any) -> tuple[str, str]:
    """A pool shaped like template.yaml's, and a client that allows only server-side sign-in."""
    pool = cognito.create_user_pool(
        PoolName=f"operators-{uuid.uuid4().hex[:6]}",
        Policies={"PasswordPolicy": {"MinimumLength": 8, "RequireLowercase": False, "RequireUppercase": False,
                                     "RequireNumbers": False, "RequireSymbols": False}},
        Schema=[
            {"Name": "tenant_id", "AttributeDataType": "String", "Mutable": False},
            {"Name": "sales_point", "AttributeDataType": "String", "Mutable": True},
        ],
        UsernameConfiguration={"CaseSensitive": False},
    )["UserPool"]
    client = cognito.create_user_pool_client(
        UserPoolId=pool["Id"],
        ClientName="gridvend-console",
        GenerateSecret=False,
        ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]
    return pool["Id"], client["ClientId"]


@pytest.fixture
def cloud(monkeypatch: pytest.MonkeyPatch, api_app: Any) -> Iterator[Cloud]:
    for variable in _AMBIENT:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", FUNCTION_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "function-secret")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/aws-config")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials")
    table_name = f"gridvend-cloud-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("GRIDVEND_TABLE", table_name)
    for name, value in (("table_name", table_name), ("host", None), ("region", REGION)):
        monkeypatch.setattr(TableItem.Meta, name, value)
    monkeypatch.setattr(TableItem, "_connection", None)
    with mock_aws():
        create_table_if_missing()
        role = boto3.client("iam").create_role(
            RoleName="tenant-table-access",
            AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}),
        )["Role"]
        cognito = boto3.client("cognito-idp", region_name=REGION)
        pool_id, client_id = _user_pool(cognito)
        issuer = f"https://cognito-idp.{REGION}.amazonaws.com/{pool_id}"
        jwks = requests.get(f"{issuer}/.well-known/jwks.json", timeout=5).json()  # served by moto
        server = _serve_json(jwks)  # the verifier fetches keys with urllib, which moto does not intercept
        monkeypatch.setenv("GRIDVEND_TENANT_ROLE_ARN", role["Arn"])
        monkeypatch.setenv("GRIDVEND_IDENTITY", "cognito")
        monkeypatch.setenv("GRIDVEND_USER_POOL_ID", pool_id)
        monkeypatch.setenv("GRIDVEND_USER_POOL_CLIENT_ID", client_id)
        monkeypatch.setenv("GRIDVEND_TOKEN_ISSUER", issuer)
        monkeypatch.setenv("GRIDVEND_TOKEN_AUDIENCE", client_id)
        monkeypatch.setenv("GRIDVEND_JWKS_URL", f"http://127.0.0.1:{server.server_port}/jwks.json")
        deps.reset()
        clear_permission_cache()
        try:
            platform = Operator(new_operator_id(), "platform", "Platform operator", "", [PLATFORM_OPERATOR_ROLE])
            OperatorRepository(deps.item_store(), "platform").create(system_context("platform", "test"), platform)
            deps.identity_directory().add_operator("platform", platform, PLATFORM_PASSWORD)
            calls: list[TableCall] = []
            original = Connection._make_api_call

            def recording(connection: Connection, operation: str, kwargs: dict[str, Any]) -> dict[str, Any]:
                calls.append(TableCall(connection._aws_access_key_id, operation, _leading_keys(kwargs)))
                return original(connection, operation, kwargs)

            monkeypatch.setattr(Connection, "_make_api_call", recording)
            with Client(api_app) as client:
                api = Api(client, deps.item_store())
                api.platform_headers = api.login("platform", "platform", PLATFORM_PASSWORD)
                yield Cloud(api, cognito, pool_id, calls)
        finally:
            server.shutdown()
            server.server_close()
            deps.reset()
            clear_permission_cache()


def _session_tenants() -> dict[str, str]:
    stores = deps._tenant_stores()
    assert stores is not None
    return {session.credentials.access_key_id: session.tenant_id for session in stores.sessions()}


def test_tenant_requests_reach_the_table_only_through_their_tenants_session(cloud: Cloud) -> None:
    api = cloud.api
    first, first_admin = api.new_tenant()
    second, second_admin = api.new_tenant()
    cloud.calls.clear()

    created = api.call("POST", "/v1/archives/payment-terms", {"code": "VOUCHER", "name": "Voucher"}, first_admin)
    assert created.status == 201, created.body
    assert api.call("GET", "/v1/me", headers=first_admin).body["tenant"] == first
    seen_by_first = api.call("GET", "/v1/archives/payment-terms?q=voucher&match=exact", headers=first_admin)
    seen_by_second = api.call("GET", "/v1/archives/payment-terms?q=voucher&match=exact", headers=second_admin)
    assert [item["code"] for item in seen_by_first.body["items"]] == ["VOUCHER"]
    assert seen_by_second.body["items"] == []
    operator = {"username": "clerk", "display_name": "Clerk", "password": "clerk-pass-1"}
    assert api.call("POST", "/v1/operators", operator, second_admin).status == 201
    assert api.call("GET", "/v1/login-log", headers=second_admin).status == 200

    tenant_of_key = _session_tenants()
    assert set(tenant_of_key.values()) >= {first, second}
    assert cloud.calls, "the requests made no table calls"
    for call in cloud.calls:
        assert call.access_key != FUNCTION_KEY and call.access_key is not None, call
        tenant = tenant_of_key[call.access_key]
        assert call.leading_keys and leading_keys_allowed({"tenant_id": tenant}, call.leading_keys), call
    assert {tenant_of_key[str(call.access_key)] for call in cloud.calls} == {first, second}


def test_tenant_credentials_come_from_the_tenant_role_tagged_with_the_tenant(cloud: Cloud) -> None:
    tenant, admin = cloud.api.new_tenant()
    assert cloud.api.call("GET", "/v1/me", headers=admin).status == 200
    stores = deps._tenant_stores()
    assert stores is not None
    session = stores.session_for(tenant)
    identity = boto3.client(
        "sts",
        region_name=REGION,
        aws_access_key_id=session.credentials.access_key_id,
        aws_secret_access_key=session.credentials.secret_access_key,
        aws_session_token=session.credentials.session_token,
    ).get_caller_identity()
    assert identity["Arn"].endswith(f":assumed-role/tenant-table-access/gridvend-{tenant}")
    assert stores.session_for(tenant) is session  # cached, not assumed per request


def test_a_store_signs_with_its_session_and_is_renewed_shortly_before_expiry(cloud: Cloud) -> None:
    now = [datetime.now(UTC)]
    role_arn = os.environ["GRIDVEND_TENANT_ROLE_ARN"]
    stores = TenantStores(boto3.client("sts", region_name=REGION), role_arn, clock=lambda: now[0])
    first = stores.session_for("acme")
    signed_with: list[str] = []

    def remember_key(request: Any, **_: Any) -> None:
        credential = re.search(r"Credential=([A-Z0-9]+)/", request.headers["Authorization"].decode())
        assert credential is not None
        signed_with.append(credential.group(1))

    first.store.model._get_connection().connection.client.meta.events.register("before-send", remember_key)
    first.store.put({"pk": "T#acme#PROBE", "sk": "1"})
    assert first.store.get("T#acme#PROBE", "1") is not None
    assert signed_with == [first.credentials.access_key_id] * 2

    now[0] = first.expires_at - timedelta(seconds=90)
    assert stores.session_for("acme") is first
    now[0] = first.expires_at - timedelta(seconds=30)
    renewed = stores.session_for("acme")
    assert renewed.credentials.access_key_id != first.credentials.access_key_id
    assert renewed.store.model.Meta.aws_access_key_id == renewed.credentials.access_key_id
    assert renewed.store.get("T#acme#PROBE", "1") is not None


def test_platform_routes_use_the_functions_own_credentials(cloud: Cloud) -> None:
    cloud.calls.clear()
    assert cloud.api.call("GET", "/v1/platform/tenants", headers=cloud.api.platform_headers).status == 200
    registry = [call for call in cloud.calls if call.leading_keys != ["T#platform#USER"]]
    assert registry and all(call.access_key is None for call in registry)
    # The one other read is the token check of the platform operator's own record (tests/api/test_token_revocation
    # .py), inside the platform tenant's partition; in the cloud PlatformFunction has no tenant role, so it reads
    # that with its own credentials too.
    assert all(call.operation == "GetItem" for call in cloud.calls if call not in registry)


def test_login_returns_the_pools_id_token_and_the_api_accepts_it(cloud: Cloud) -> None:
    tenant, admin = cloud.api.new_tenant()
    token = admin["Authorization"].split()[1]
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["token_use"] == "id"
    assert claims["iss"].endswith(f"/{cloud.pool_id}")
    assert claims["custom:tenant_id"] == tenant
    assert claims["cognito:username"] == f"{tenant}/admin"
    me = cloud.api.call("GET", "/v1/me", headers=admin).body
    assert (me["tenant"], me["username"], me["roles"], me["permissions"]) == (tenant, "admin", ["admin"], ["*"])
    user = cloud.pool_user(f"{tenant}/admin")
    assert {"Name": "custom:tenant_id", "Value": tenant} in user["UserAttributes"]
    assert cloud.pool_groups(f"{tenant}/admin") == {f"{tenant}/admin"}
    stored = OperatorRepository(deps.item_store(), tenant).require("admin")
    assert stored.password_hash == ""  # the pool keeps the password


def test_operators_are_mirrored_in_the_pool_with_their_roles(cloud: Cloud) -> None:
    api = cloud.api
    tenant, admin = api.new_tenant()
    role = api.call("POST", "/v1/archives/roles", {"code": "R1", "name": "Viewer", "permissions": ["operators:view"]},
                    admin).body
    body = {"username": "clerk", "display_name": "Clerk", "password": "clerk-pass-1", "roles": [role["id"]]}
    assert api.call("POST", "/v1/operators", body, admin).status == 201
    assert cloud.pool_groups(f"{tenant}/clerk") == {f"{tenant}/{role['id']}"}
    clerk = api.login(tenant, "clerk", "clerk-pass-1")
    assert api.call("GET", "/v1/operators", headers=clerk).status == 200
    assert api.call("POST", "/v1/archives/roles", {"code": "R2", "name": "x"}, clerk).status == 403

    assert api.call("PATCH", "/v1/operators/clerk", {"roles": []}, admin).status == 200
    assert cloud.pool_groups(f"{tenant}/clerk") == set()
    assert api.call("POST", "/v1/operators/clerk/password", {"password": "new-clerk-pass"}, admin).status == 204
    assert api.call("POST", "/v1/auth/login", {"tenant": tenant, "username": "clerk",
                                               "password": "clerk-pass-1"}).status == 401
    api.login(tenant, "clerk", "new-clerk-pass")


def test_lockout_barring_and_the_login_log_stay_ours(cloud: Cloud) -> None:
    api = cloud.api
    tenant, admin = api.new_tenant()
    body = {"username": "clerk", "display_name": "Clerk", "password": "clerk-pass-1"}
    assert api.call("POST", "/v1/operators", body, admin).status == 201
    login = {"tenant": tenant, "username": "clerk", "password": "wrong-wrong"}
    assert [api.call("POST", "/v1/auth/login", login).status for _ in range(5)] == [401] * 5
    assert api.call("POST", "/v1/auth/login", {**login, "password": "clerk-pass-1"}).status == 423
    log = api.call("GET", "/v1/login-log", headers=admin).body["items"]
    assert [entry["reason"] for entry in log if entry["username"] == "clerk"][:2] == ["locked", "wrong password"]

    other = {"username": "other", "display_name": "Other", "password": "other-pass-1", "barred": True}
    assert api.call("POST", "/v1/operators", other, admin).status == 201
    refused = api.call("POST", "/v1/auth/login", {"tenant": tenant, "username": "other", "password": "other-pass-1"})
    assert refused.status == 403


def test_password_change_goes_to_the_pool(cloud: Cloud) -> None:
    api = cloud.api
    tenant, admin = api.new_tenant()
    change = {"current_password": "wrong-pass-1", "new_password": "fresh-pass-1"}
    assert api.call("POST", "/v1/auth/password", change, admin).status == 403
    change["current_password"] = "admin-pass-1"
    assert api.call("POST", "/v1/auth/password", change, admin).status == 204
    api.login(tenant, "admin", "fresh-pass-1")
    old = api.call("POST", "/v1/auth/login", {"tenant": tenant, "username": "admin", "password": "admin-pass-1"})
    assert old.status == 401


def test_the_pools_refresh_token_renews_the_id_token_until_a_password_reset_signs_the_operator_out(
    cloud: Cloud,
) -> None:
    api = cloud.api
    tenant, admin = api.new_tenant()
    clerk = {"username": "clerk", "display_name": "C", "password": "clerk-pass-1"}
    assert api.call("POST", "/v1/operators", clerk, admin).status == 201
    login = api.call("POST", "/v1/auth/login", {"tenant": tenant, "username": "clerk", "password": "clerk-pass-1"})
    body = {"tenant": tenant, "username": "clerk", "refresh_token": login.body["refresh_token"]}
    renewed = api.call("POST", "/v1/auth/refresh", body)
    assert renewed.status == 200
    claims = jwt.decode(renewed.body["access_token"], options={"verify_signature": False})
    assert (claims["token_use"], claims["cognito:username"]) == ("id", f"{tenant}/clerk")
    me = api.call("GET", "/v1/me", headers={"Authorization": f"Bearer {renewed.body['access_token']}"})
    assert me.status == 200 and me.body["username"] == "clerk"
    assert api.call("POST", "/v1/auth/refresh", {**body, "username": "admin"}).status == 401

    assert api.call("POST", "/v1/operators/clerk/password", {"password": "fresh-pass-9"}, admin).status == 204
    assert api.call("POST", "/v1/auth/refresh", body).status == 401  # the pool signed the operator out


def test_suspension_disables_the_tenants_pool_users_and_resumption_enables_them(cloud: Cloud) -> None:
    api = cloud.api
    tenant, admin = api.new_tenant()
    bystander, _ = api.new_tenant()
    assert api.call("POST", "/v1/operators", {"username": "clerk", "display_name": "C", "password": "clerk-pass-1"},
                    admin).status == 201
    suspended = api.call("POST", f"/v1/platform/tenants/{tenant}/suspend", headers=api.platform_headers)
    assert suspended.status == 200
    assert [cloud.pool_user(f"{tenant}/{name}")["Enabled"] for name in ("admin", "clerk")] == [False, False]
    assert cloud.pool_user(f"{bystander}/admin")["Enabled"] is True
    login = {"tenant": tenant, "username": "admin", "password": "admin-pass-1"}
    assert api.call("POST", "/v1/auth/login", login).status == 403
    assert api.call("POST", f"/v1/platform/tenants/{tenant}/resume", headers=api.platform_headers).status == 200
    assert cloud.pool_user(f"{tenant}/admin")["Enabled"] is True
    api.login(tenant, "admin", "admin-pass-1")


def test_a_malformed_tenant_at_login_is_refused_before_any_aws_call(cloud: Cloud) -> None:
    cloud.calls.clear()
    reply = cloud.api.call("POST", "/v1/auth/login", {"tenant": "acme*", "username": "admin", "password": "x" * 8})
    assert reply.status == 400
    assert reply.body["errors"][0]["field"] == "tenant"
    assert cloud.calls == []

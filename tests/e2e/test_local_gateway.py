"""The local stack's API has the cloud's shape: template.yaml deployed onto DynamoDB Local and moto (user pool,
buckets, master-key parameter), each request run by the function the template names, in that function's own
process, behind the template's TOKEN authorizer, with operators signing in through the pool."""

from __future__ import annotations

import json
import os
import signal
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import jwt
import pytest
import requests

from functions.common.vending_keys import KMS_KEY_VARIABLE
from gridvend.secure.data_keys import module_context
from gridvend.secure.errors import SecureModuleFailure
from gridvend.secure.kms_data_keys import KmsDataKeys
from infra.local.bootstrap import DEMO_ADMIN, DEMO_TENANT, PLATFORM_LOGIN
from infra.local.demo_vending import DEMO_METERS, MASTER_KEY_VARIABLE, TEST_VENDING_KEY
from infra.local.gateway.deployment import deploy_locally
from infra.local.supervisor import RunningService
from tests.fixtures.local_cloud import running_gateway, seeded_stack_env
from tests.fixtures.local_services import LocalEndpoint

pytestmark = pytest.mark.e2e


@dataclass
class Gateway:
    url: str
    service: RunningService
    env: dict[str, str]

    def call(self, method: str, path: str, body: Any = None, token: str | None = None) -> requests.Response:
        headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
        return requests.request(method, self.url + path, json=body, headers=headers, timeout=60)

    def login(self, tenant: str, username: str, password: str) -> str:
        reply = self.call("POST", "/v1/auth/login", {"tenant": tenant, "username": username, "password": password})
        assert reply.status_code == 200, reply.text
        return str(reply.json()["access_token"])

    def client(self, service: str) -> Any:
        return boto3.client(service, endpoint_url=self.env["AWS_ENDPOINT_URL"], region_name="us-east-1",
                            aws_access_key_id="local", aws_secret_access_key="local")


@pytest.fixture(scope="module")
def gateway(dynamodb_local: LocalEndpoint, moto_server: LocalEndpoint,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    state_dir = tmp_path_factory.mktemp("gateway")
    env = seeded_stack_env(dynamodb_local, moto_server, state_dir, "gateway")
    with running_gateway(env, state_dir) as service:
        yield Gateway(f"http://{service.host}:{service.port}", service, env)


def _worker_handlers(gateway_pid: int) -> dict[int, str]:
    """The gateway's function processes: pid -> the handler each one runs."""
    found: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        parent = next((line.split()[1] for line in status.splitlines() if line.startswith("PPid:")), "")
        if parent == str(gateway_pid) and b"infra.local.gateway.worker" in command:
            found[int(entry.name)] = command[command.index(b"infra.local.gateway.worker") + 1].decode()
    return found


def _running(pid: int) -> bool:
    """Not yet ended (a zombie has ended: it only waits for its parent to read its exit)."""
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def test_operators_sign_in_through_the_user_pool_and_its_token_passes_the_authorizer(gateway: Gateway) -> None:
    token = gateway.login(DEMO_TENANT, *DEMO_ADMIN)
    header = jwt.get_unverified_header(token)
    claims = jwt.decode(token, options={"verify_signature": False})
    pools = gateway.client("cognito-idp").list_user_pools(MaxResults=60)["UserPools"]
    pool_id = next(pool["Id"] for pool in pools if pool["Name"] == f"{gateway.env['GRIDVEND_TABLE']}-operators")
    keys = requests.get(f"{gateway.env['AWS_ENDPOINT_URL']}/{pool_id}/.well-known/jwks.json", timeout=10).json()
    assert header["kid"] in {key["kid"] for key in keys["keys"]}  # signed by the pool, not a local issuer
    assert claims["iss"].endswith(f"/{pool_id}") and claims["custom:tenant_id"] == DEMO_TENANT
    me = gateway.call("GET", "/v1/me", token=token)
    assert me.status_code == 200 and me.json()["tenant"] == DEMO_TENANT


def test_each_route_runs_in_the_process_of_the_function_the_template_names(gateway: Gateway) -> None:
    token = gateway.login(DEMO_TENANT, *DEMO_ADMIN)
    assert gateway.call("GET", "/v1/archives/payment-terms", token=token).status_code == 200
    assert gateway.call("GET", "/v1/cancellations?date=2026-01-01", token=token).status_code == 200
    handlers = _worker_handlers(gateway.service.pid)
    running = set(handlers.values())
    assert {"functions.tenants.app.app", "functions.archives.app.app", "functions.vending.app.app",
            "functions.authorizer.app.handler"} <= running
    assert len(handlers) >= len(running)  # one process (or more) per function, never one for two


def test_the_gateway_refuses_as_api_gateway_does(gateway: Gateway) -> None:
    missing = gateway.call("GET", "/v1/me")
    forged = gateway.call("GET", "/v1/me", token="not.a.token")
    unknown = gateway.call("GET", "/v1/no-such-route", token=gateway.login(DEMO_TENANT, *DEMO_ADMIN))
    assert (missing.status_code, missing.headers["Content-Type"]) == (401, "application/problem+json")
    assert missing.json()["title"] == "Unauthorized" and forged.status_code == 401
    assert (unknown.status_code, unknown.json()) == (403, {"message": "Missing Authentication Token"})
    tenant_token = gateway.login(DEMO_TENANT, *DEMO_ADMIN)
    assert gateway.call("GET", "/v1/platform/tenants", token=tenant_token).status_code == 403
    platform = gateway.login("platform", *PLATFORM_LOGIN)
    assert gateway.call("GET", "/v1/platform/tenants", token=platform).status_code == 200


def test_functions_invoke_functions_through_the_lambda_api(gateway: Gateway) -> None:
    client = boto3.client("lambda", endpoint_url=gateway.url, region_name="us-east-1",
                          aws_access_key_id="local", aws_secret_access_key="local")
    token = gateway.login(DEMO_TENANT, *DEMO_ADMIN)
    event = {"type": "TOKEN", "authorizationToken": f"Bearer {token}", "methodArn": "arn:aws:execute-api:x/api/GET/y"}
    answer = json.loads(client.invoke(FunctionName="AuthorizerFunction", Payload=json.dumps(event))["Payload"].read())
    assert answer["context"]["tenant_id"] == DEMO_TENANT
    assert answer["policyDocument"]["Statement"][0]["Effect"] == "Allow"
    refused = client.invoke(FunctionName="AuthorizerFunction", Payload=json.dumps({**event, "authorizationToken": ""}))
    assert refused["FunctionError"] == "Unhandled"


def test_the_master_key_parameter_is_where_the_template_says(gateway: Gateway) -> None:
    name = f"/{gateway.env['GRIDVEND_TABLE']}/secure-module-master-key"
    stored = gateway.client("ssm").get_parameter(Name=name, WithDecryption=True)["Parameter"]
    assert stored["Type"] == "SecureString" and stored["Value"] == gateway.env[MASTER_KEY_VARIABLE]


def test_vending_keys_live_wrapped_in_the_table_and_a_new_function_process_sells_with_them(gateway: Gateway) -> None:
    token = gateway.login(DEMO_TENANT, *DEMO_ADMIN)

    def sell() -> requests.Response:
        return requests.post(gateway.url + "/v1/vends", json={"meter": DEMO_METERS[0], "amount": "10.00"},
                             headers={"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex},
                             timeout=60)

    assert sell().status_code == 201
    table = boto3.client("dynamodb", endpoint_url=gateway.env["AWS_ENDPOINT_URL_DYNAMODB"], region_name="us-east-1",
                         aws_access_key_id="local", aws_secret_access_key="local")
    keys = table.query(TableName=gateway.env["GRIDVEND_TABLE"], KeyConditionExpression="pk = :pk",
                       ExpressionAttributeValues={":pk": {"S": f"T#{DEMO_TENANT}#SMKEY#SM1"}})["Items"]
    assert keys and TEST_VENDING_KEY not in json.dumps(keys).lower()  # wrapped, never in the clear
    module = table.get_item(TableName=gateway.env["GRIDVEND_TABLE"],
                            Key={"pk": {"S": f"T#{DEMO_TENANT}#SM"}, "sk": {"S": "SM1"}})["Item"]
    wrapped = bytes.fromhex(module["data"]["M"]["wrapped_data_key"]["S"])
    kms = KmsDataKeys(gateway.client("kms"), deploy_locally(gateway.env).shared_environment()[KMS_KEY_VARIABLE])
    assert len(kms.open_data_key(wrapped, module_context(DEMO_TENANT, "SM1"))) == 32
    with pytest.raises(SecureModuleFailure):
        kms.open_data_key(wrapped, module_context(DEMO_TENANT, "SM2"))

    vending = [pid for pid, handler in _worker_handlers(gateway.service.pid).items()
               if handler == "functions.vending.app.app"]
    for pid in vending:  # the instances that sold go; the next sale starts a new one, with nothing on its disk
        os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while any(_running(pid) for pid in vending) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert sell().status_code == 201
    assert not set(vending) & set(_worker_handlers(gateway.service.pid))

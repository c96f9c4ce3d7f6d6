"""The bootstrap after the first deploy, against moto in-process: the stack's outputs, the master key parameter, and
a first platform operator who signs in through the user pool."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from gridvend.auth.cognito import CognitoDirectory
from gridvend.auth.context import PLATFORM_OPERATOR_ROLE, PLATFORM_TENANT
from gridvend.store.dynamo import DynamoItemStore, TableItem, create_table_if_missing
from gridvend.store.users import OperatorRepository
from infra.deploy.bootstrap import (
    BootstrapError,
    StackOutputs,
    bootstrap,
    main,
    master_key_parameter,
    read_stack_outputs,
)

REGION = "eu-west-1"
STACK = "gridvend-test"
PASSWORD = "first-ops-pass"


@pytest.fixture
def session(monkeypatch: pytest.MonkeyPatch) -> Iterator[boto3.Session]:
    for variable in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/aws-config")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials")
    for name in ("table_name", "host", "region"):  # bootstrap points the table model at the stack's table
        monkeypatch.setattr(TableItem.Meta, name, getattr(TableItem.Meta, name, None))
    monkeypatch.setattr(TableItem, "_connection", None)
    with mock_aws():
        yield boto3.Session(region_name=REGION)


def _user_pool(session: boto3.Session) -> tuple[str, str]:
    """A pool and client shaped like template.yaml's."""
    cognito = session.client("cognito-idp")
    pool = cognito.create_user_pool(
        PoolName=f"operators-{uuid.uuid4().hex[:6]}",
        Policies={"PasswordPolicy": {"MinimumLength": 8, "RequireLowercase": False, "RequireUppercase": False,
                                     "RequireNumbers": False, "RequireSymbols": False}},
        Schema=[{"Name": "tenant_id", "AttributeDataType": "String", "Mutable": False},
                {"Name": "sales_point", "AttributeDataType": "String", "Mutable": True}],
        UsernameConfiguration={"CaseSensitive": False},
    )["UserPool"]
    client = cognito.create_user_pool_client(
        UserPoolId=pool["Id"], ClientName="gridvend-console", GenerateSecret=False,
        ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]
    return pool["Id"], client["ClientId"]


@pytest.fixture
def deployed(session: boto3.Session) -> StackOutputs:
    """What `sam deploy` leaves: the table and the user pool, and no master key parameter or operator yet."""
    table_name = f"gridvend-{uuid.uuid4().hex[:8]}"
    TableItem.Meta.table_name, TableItem.Meta.host, TableItem.Meta.region = table_name, None, REGION
    create_table_if_missing()
    pool_id, client_id = _user_pool(session)
    return StackOutputs(table_name, pool_id, client_id, "https://example.execute-api.eu-west-1.amazonaws.com/api")


def _stack_with_outputs(session: boto3.Session, outputs: dict[str, str]) -> None:
    template = {
        "Resources": {"Marker": {"Type": "AWS::SSM::Parameter",
                                 "Properties": {"Name": f"/{STACK}/marker", "Type": "String", "Value": "x"}}},
        "Outputs": {name: {"Value": value} for name, value in outputs.items()},
    }
    session.client("cloudformation").create_stack(StackName=STACK, TemplateBody=json.dumps(template))


def _master_key(session: boto3.Session) -> dict[str, Any]:
    reply = session.client("ssm").get_parameter(Name=master_key_parameter(STACK), WithDecryption=True)
    return dict(reply["Parameter"])


def test_the_outputs_are_read_from_the_stack_by_their_template_names(session: boto3.Session) -> None:
    _stack_with_outputs(session, {"TableName": "t", "UserPoolId": "p", "UserPoolClientId": "c", "ApiUrl": "https://a",
                                  "ConsoleUrl": "https://c"})
    outputs = read_stack_outputs(session.client("cloudformation"), STACK)
    assert outputs == StackOutputs("t", "p", "c", "https://a", "https://c")


def test_a_stack_without_the_templates_outputs_is_refused_by_name(session: boto3.Session) -> None:
    _stack_with_outputs(session, {"TableName": "t"})
    with pytest.raises(BootstrapError, match="UserPoolId, UserPoolClientId"):
        read_stack_outputs(session.client("cloudformation"), STACK)
    with pytest.raises(BootstrapError, match="no-such-stack"):
        read_stack_outputs(session.client("cloudformation"), "no-such-stack")


def test_the_master_key_is_a_new_secure_string_of_32_bytes_and_is_never_replaced(
    session: boto3.Session, deployed: StackOutputs
) -> None:
    first = bootstrap(session, STACK, deployed, "ops", PASSWORD)
    created = _master_key(session)
    assert created["Type"] == "SecureString" and len(bytes.fromhex(created["Value"])) == 32
    assert "created" in first[0]
    again = bootstrap(session, STACK, deployed, "ops", PASSWORD)
    assert _master_key(session)["Value"] == created["Value"] and "kept" in again[0]


def test_the_first_platform_operator_has_a_table_record_and_signs_in_through_the_pool(
    session: boto3.Session, deployed: StackOutputs
) -> None:
    lines = bootstrap(session, STACK, deployed, "Ops", PASSWORD)
    assert lines[1] == f"platform operator ops (tenant {PLATFORM_TENANT}): created"
    operator = OperatorRepository(DynamoItemStore(), PLATFORM_TENANT).require("ops")
    assert operator.roles == [PLATFORM_OPERATOR_ROLE] and operator.password_hash == ""  # the pool keeps it
    directory = CognitoDirectory(session.client("cognito-idp"), deployed.user_pool_id, deployed.user_pool_client_id)
    assert directory.sign_in(PLATFORM_TENANT, operator, PASSWORD) is not None
    assert directory.sign_in(PLATFORM_TENANT, operator, "wrong-password") is None
    groups = session.client("cognito-idp").admin_list_groups_for_user(
        UserPoolId=deployed.user_pool_id, Username=f"{PLATFORM_TENANT}/ops")["Groups"]
    assert [group["GroupName"] for group in groups] == [f"{PLATFORM_TENANT}/{PLATFORM_OPERATOR_ROLE}"]


def test_running_again_keeps_one_operator_and_sets_the_password_given(
    session: boto3.Session, deployed: StackOutputs
) -> None:
    bootstrap(session, STACK, deployed, "ops", PASSWORD)
    first = OperatorRepository(DynamoItemStore(), PLATFORM_TENANT).require("ops")
    lines = bootstrap(session, STACK, deployed, "ops", "a-new-password")
    assert lines[1].endswith("exists; its pool user, roles and password brought in line")
    operator = OperatorRepository(DynamoItemStore(), PLATFORM_TENANT).require("ops")
    assert operator.user_id == first.user_id
    directory = CognitoDirectory(session.client("cognito-idp"), deployed.user_pool_id, deployed.user_pool_client_id)
    assert directory.sign_in(PLATFORM_TENANT, operator, "a-new-password") is not None
    assert directory.sign_in(PLATFORM_TENANT, operator, PASSWORD) is None


def test_a_half_made_operator_whose_pool_user_is_missing_is_finished(
    session: boto3.Session, deployed: StackOutputs
) -> None:
    bootstrap(session, STACK, deployed, "ops", PASSWORD)
    session.client("cognito-idp").admin_delete_user(UserPoolId=deployed.user_pool_id, Username=f"{PLATFORM_TENANT}/ops")
    bootstrap(session, STACK, deployed, "ops", PASSWORD)
    operator = OperatorRepository(DynamoItemStore(), PLATFORM_TENANT).require("ops")
    directory = CognitoDirectory(session.client("cognito-idp"), deployed.user_pool_id, deployed.user_pool_client_id)
    assert directory.sign_in(PLATFORM_TENANT, operator, PASSWORD) is not None


def test_a_bad_username_or_short_password_is_refused_before_anything_is_made(
    session: boto3.Session, deployed: StackOutputs
) -> None:
    with pytest.raises(BootstrapError, match="password"):
        bootstrap(session, STACK, deployed, "ops", "short")
    with pytest.raises(BootstrapError, match="username"):
        bootstrap(session, STACK, deployed, "no spaces", PASSWORD)
    assert OperatorRepository(DynamoItemStore(), PLATFORM_TENANT).get("ops") is None
    with pytest.raises(session.client("ssm").exceptions.ParameterNotFound):
        _master_key(session)


def test_the_command_reads_the_stack_and_prints_what_it_did_and_what_comes_next(
    session: boto3.Session, deployed: StackOutputs, capsys: pytest.CaptureFixture[str]
) -> None:
    _stack_with_outputs(session, {"TableName": deployed.table_name, "UserPoolId": deployed.user_pool_id,
                                  "UserPoolClientId": deployed.user_pool_client_id, "ApiUrl": deployed.api_url})
    assert main(["--stack", STACK, "--username", "ops", "--password", PASSWORD, "--region", REGION]) == 0
    printed = capsys.readouterr().out
    assert f"master key parameter /{STACK}/secure-module-master-key: created" in printed
    assert "platform operator ops (tenant platform): created" in printed
    assert f"python -m infra.deploy.smoke --api {deployed.api_url} --tenant platform --username ops" in printed
    assert OperatorRepository(DynamoItemStore(), PLATFORM_TENANT).get("ops") is not None
    assert main(["--stack", "no-such-stack", "--username", "ops", "--password", PASSWORD, "--region", REGION]) == 1
    assert "bootstrap failed: stack no-such-stack" in capsys.readouterr().err

"""What a new stack cannot make for itself, after its first `sam deploy`: the secure-module master key parameter
and the first platform operator. Run it with administrator credentials, at the repository root:

    python -m infra.deploy.bootstrap --stack NAME --username U --password P [--region R]

It reads the stack's outputs: TableName, UserPoolId and UserPoolClientId, and ApiUrl and ConsoleUrl for what to
do next. The master key (32 random bytes, hex, in the SecureString `/<stack>/secure-module-master-key`) is made
only when the parameter is missing: it wraps every secure module's keys, so it is never replaced. The operator gets
its user-pool user first and its record in the table second, as onboarding does; running the command again
finishes a half-made operator and sets the password given.
"""

from __future__ import annotations

import argparse
import getpass
import secrets
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import boto3
from pydantic import ValidationError

from gridvend.auth.cognito import CognitoDirectory
from gridvend.auth.context import PLATFORM_OPERATOR_ROLE, PLATFORM_TENANT, system_context
from gridvend.auth.identity import IdentityDirectory
from gridvend.errors import InvalidInput
from gridvend.store.dynamo import DynamoItemStore, configure_table
from gridvend.store.items import ItemStore
from gridvend.store.users import Operator, OperatorRepository, new_operator_id
from tenants.onboarding import FirstAdmin

MASTER_KEY_BYTES = 32


class BootstrapError(Exception):
    pass


@dataclass(frozen=True)
class StackOutputs:
    table_name: str
    user_pool_id: str
    user_pool_client_id: str
    api_url: str = ""
    console_url: str = ""


def read_stack_outputs(cloudformation: Any, stack: str) -> StackOutputs:
    """The outputs template.yaml declares, from CloudFormation's DescribeStacks."""
    try:
        described = cloudformation.describe_stacks(StackName=stack)["Stacks"][0]
    except cloudformation.exceptions.ClientError as error:
        raise BootstrapError(f"stack {stack}: {error.response['Error']['Message']}") from None
    outputs = {output["OutputKey"]: output["OutputValue"] for output in described.get("Outputs", [])}
    missing = [name for name in ("TableName", "UserPoolId", "UserPoolClientId") if name not in outputs]
    if missing:
        raise BootstrapError(f"stack {stack} ({described['StackStatus']}) has no output {', '.join(missing)}: "
                             "is it deployed from this repository's template.yaml?")
    return StackOutputs(outputs["TableName"], outputs["UserPoolId"], outputs["UserPoolClientId"],
                        outputs.get("ApiUrl", ""), outputs.get("ConsoleUrl", ""))


def master_key_parameter(stack: str) -> str:
    """The name the selling functions read (GRIDVEND_SECURE_MASTER_KEY_PARAMETER in template.yaml)."""
    return f"/{stack}/secure-module-master-key"


def ensure_master_key(ssm: Any, name: str) -> str:
    try:
        ssm.put_parameter(Name=name, Value=secrets.token_hex(MASTER_KEY_BYTES), Type="SecureString", Overwrite=False,
                          Description="Gridvend: wraps the secure modules' keys; never replace it")
    except ssm.exceptions.ParameterAlreadyExists:
        return "kept (it exists; it is never replaced)"
    return f"created ({MASTER_KEY_BYTES} random bytes, hex, SecureString)"


def ensure_platform_operator(store: ItemStore, directory: IdentityDirectory, username: str, password: str) -> str:
    operators = OperatorRepository(store, PLATFORM_TENANT)
    operator = operators.get(username)
    if operator is None:
        operator = Operator(new_operator_id(), username, "Platform operator",
                            directory.stored_password_hash(password), [PLATFORM_OPERATOR_ROLE])
        directory.add_operator(PLATFORM_TENANT, operator, password)
        operators.create(system_context(PLATFORM_TENANT, "bootstrap"), operator)
        return "created"
    directory.add_operator(PLATFORM_TENANT, operator, password)
    return "exists; its pool user, roles and password brought in line"


def checked_login(username: str, password: str) -> FirstAdmin:
    """The same rules as a tenant's first admin: 3-40 of a-z 0-9 . _ - (lower-cased), a password of 8-128."""
    try:
        return FirstAdmin(username=username.strip().lower(), password=password)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, issue['loc']))}: {issue['msg']}" for issue in error.errors())
        raise BootstrapError(problems) from None


def bootstrap(session: Any, stack: str, outputs: StackOutputs, username: str, password: str) -> list[str]:
    """Everything after reading the outputs; `session` is a boto3 Session. Returns one line per thing done."""
    login = checked_login(username, password)
    parameter = master_key_parameter(stack)
    lines = [f"master key parameter {parameter}: {ensure_master_key(session.client('ssm'), parameter)}"]
    configure_table(outputs.table_name, None, session.region_name)
    directory = CognitoDirectory(session.client("cognito-idp"), outputs.user_pool_id, outputs.user_pool_client_id)
    try:
        done = ensure_platform_operator(DynamoItemStore(), directory, login.username, login.password)
    except InvalidInput as error:
        raise BootstrapError(str(error)) from None
    lines.append(f"platform operator {login.username} (tenant {PLATFORM_TENANT}): {done}")
    return lines


def next_steps(outputs: StackOutputs, username: str) -> list[str]:
    api = outputs.api_url or "<ApiUrl>"
    console = [f"console: {outputs.console_url} (tenant {PLATFORM_TENANT}, {username})"] if outputs.console_url else []
    return [
        *console,
        f"sign in: POST {api}/v1/auth/login {{\"tenant\": \"{PLATFORM_TENANT}\", \"username\": \"{username}\", ...}}",
        f"smoke test: python -m infra.deploy.smoke --api {api} --tenant {PLATFORM_TENANT} --username {username} "
        "--password ...",
    ]


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m infra.deploy.bootstrap",
        description="After the first deploy: put the secure-module master key parameter if it is missing and create "
        "the first platform operator (user-pool user and table record). Safe to run again.",
    )
    parser.add_argument("--stack", required=True, help="the CloudFormation stack name given to sam deploy")
    parser.add_argument("--username", required=True, help="the platform operator's username")
    parser.add_argument("--password", help="the platform operator's password (asked for when left out)")
    parser.add_argument("--region", help="the stack's region (default: the AWS CLI's)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    password = arguments.password or getpass.getpass("platform operator's password: ")
    session = boto3.Session(region_name=arguments.region)
    if not session.region_name:
        print("bootstrap failed: no region: pass --region or configure the AWS CLI's", file=sys.stderr)
        return 1
    try:
        outputs = read_stack_outputs(session.client("cloudformation"), arguments.stack)
        print(f"stack {arguments.stack} in {session.region_name}: table {outputs.table_name}, "
              f"user pool {outputs.user_pool_id}, client {outputs.user_pool_client_id}")
        for line in bootstrap(session, arguments.stack, outputs, arguments.username, password):
            print(line)
    except BootstrapError as error:
        print(f"bootstrap failed: {error}", file=sys.stderr)
        return 1
    for line in next_steps(outputs, checked_login(arguments.username, password).username):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The local stack deployed as template.yaml describes it: what `sam deploy` and the platform's bootstrap would
make in the cloud, made on the local services instead. The user pool and its client (moto's cognito-idp, from the
template's properties), the buckets (moto's S3), the master-key parameter (moto's SSM), and the API's spec with
every reference resolved to these local names."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import boto3

from infra.local.cognito_pool import ensure_user_pool
from infra.local.gateway.intrinsics import LocalResources, local_resources, resolve
from infra.local.gateway.template_api import TEMPLATE, ApiSpec, api_spec, load_template

MASTER_KEY_PARAMETER_VARIABLE = "GRIDVEND_SECURE_MASTER_KEY_PARAMETER"
MASTER_KEY_VARIABLE = "GRIDVEND_SECURE_MASTER_KEY"
# What a function's process gets from the platform rather than from the template: credentials, region and the
# service endpoints (the local services stand in for AWS), and the local stand-in for IoT Core's data plane.
PLATFORM_VARIABLES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL",
                      "AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_DYNAMODB_STREAMS", "PATH", "HOME", "LANG", "TZ")
LOCAL_DATA_PLANE_VARIABLES = ("GRIDVEND_MQTT_HOST", "GRIDVEND_MQTT_PORT", "GRIDVEND_PKI_DIR")
# What code running beside the functions (the bootstrap, the tests) must share with them: how operators sign in
# and tokens are checked, and the key service that wraps the secure modules' data keys.
SHARED_VARIABLES = ("GRIDVEND_IDENTITY", "GRIDVEND_USER_POOL_ID", "GRIDVEND_USER_POOL_CLIENT_ID",
                    "GRIDVEND_TOKEN_ISSUER", "GRIDVEND_TOKEN_AUDIENCE", "GRIDVEND_JWKS_URL",
                    "GRIDVEND_VENDING_KEYS_KMS_KEY")


@dataclass(frozen=True)
class LocalDeployment:
    resources: LocalResources
    spec: ApiSpec

    def shared_environment(self) -> dict[str, str]:
        """SHARED_VARIABLES as the template's functions have them, for code that runs beside them."""
        shared: dict[str, str] = {}
        for function in self.spec.functions.values():
            shared |= {name: function.environment[name] for name in SHARED_VARIABLES if name in function.environment}
        return shared


def aws_client(env: Mapping[str, str], service: str) -> Any:
    return boto3.client(  # type: ignore[call-overload]
        service, endpoint_url=env["AWS_ENDPOINT_URL"], region_name=env.get("AWS_DEFAULT_REGION", "us-east-1"),
        aws_access_key_id=env.get("AWS_ACCESS_KEY_ID", "local"),
        aws_secret_access_key=env.get("AWS_SECRET_ACCESS_KEY", "local"),
    )


def stack_name(env: Mapping[str, str]) -> str:
    """Each local stack is named after its table, so stacks that share a moto server keep apart."""
    return env["GRIDVEND_TABLE"]


def _bucket_names(template: dict[str, Any], stack: str) -> dict[str, str]:
    return {name: f"{stack}-{name.removesuffix('Bucket').lower()}"
            for name, resource in template["Resources"].items() if resource["Type"] == "AWS::S3::Bucket"}


def deploy_locally(env: Mapping[str, str]) -> LocalDeployment:
    """Makes (or finds) the stack's local resources; idempotent."""
    template = load_template(TEMPLATE)
    region = env.get("AWS_DEFAULT_REGION", "us-east-1")
    stack = stack_name(env)
    buckets = _bucket_names(template, stack)
    names = {"GridvendTable": env["GRIDVEND_TABLE"], **buckets}
    base = local_resources(template, stack, region, {}, names)
    pool = ensure_user_pool(aws_client(env, "cognito-idp"), template, base)
    keys = _ensure_kms_keys(aws_client(env, "kms"), template, base)
    resources = local_resources(template, stack, region, {},
                                {**names, **keys, "UserPool": pool.pool_id, "UserPoolClient": pool.client_id})
    s3 = aws_client(env, "s3")
    existing = {bucket["Name"] for bucket in s3.list_buckets().get("Buckets", [])}
    for bucket in sorted(set(buckets.values()) - existing):
        s3.create_bucket(Bucket=bucket)
    spec = api_spec(resources)
    _ensure_master_key_parameter(env, spec)
    return LocalDeployment(resources, spec)


def _ensure_kms_keys(kms: Any, template: dict[str, Any], resources: LocalResources) -> dict[str, str]:
    """The template's KMS keys in moto, found again by their description: logical id -> key id. moto keeps key
    material in memory only, so after a restart a key is new (a module's wrapped data key then no longer opens:
    loading its key file again gives it a new one)."""
    wanted = {name: resolve(resource["Properties"].get("Description", name), resources)
              for name, resource in template["Resources"].items() if resource["Type"] == "AWS::KMS::Key"}
    existing = {kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"].get("Description"): key["KeyId"]
                for key in kms.list_keys().get("Keys", [])}
    return {name: existing.get(description) or kms.create_key(Description=description)["KeyMetadata"]["KeyId"]
            for name, description in wanted.items()}


def _ensure_master_key_parameter(env: Mapping[str, str], spec: ApiSpec) -> None:
    """The SecureString the selling functions read their master key from, holding the local stack's key."""
    key = env.get(MASTER_KEY_VARIABLE)
    names = {function.environment[MASTER_KEY_PARAMETER_VARIABLE] for function in spec.functions.values()
             if MASTER_KEY_PARAMETER_VARIABLE in function.environment}
    if not key or not names:
        return
    ssm = aws_client(env, "ssm")
    for name in sorted(names):
        ssm.put_parameter(Name=name, Value=key, Type="SecureString", Overwrite=True)


def function_platform_env(env: Mapping[str, str], gateway_url: str) -> dict[str, str]:
    platform = {name: env[name] for name in (*PLATFORM_VARIABLES, *LOCAL_DATA_PLANE_VARIABLES) if name in env}
    platform["AWS_ENDPOINT_URL_LAMBDA"] = gateway_url
    # No X-Ray daemon runs here: without one every traced call only logs that its segment was dropped.
    platform["POWERTOOLS_TRACE_DISABLED"] = "true"
    return platform

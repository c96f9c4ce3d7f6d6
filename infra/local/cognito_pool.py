"""The operators' user pool on the local stack: template.yaml's UserPool and UserPoolClient, made in moto's
cognito-idp with the template's own properties (password policy, schema, username rules, sign-in flows, token
lifetimes), so sign-in, groups and claims are the pool's as in the cloud. Made once per moto server; found again by
its name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from infra.local.gateway.intrinsics import LocalResources, resolve

POOL_PROPERTIES = ("Policies", "Schema", "UsernameConfiguration", "AdminCreateUserConfig", "AccountRecoverySetting")
CLIENT_PROPERTIES = ("ClientName", "GenerateSecret", "ExplicitAuthFlows", "PreventUserExistenceErrors",
                     "EnableTokenRevocation", "IdTokenValidity", "AccessTokenValidity", "RefreshTokenValidity",
                     "TokenValidityUnits", "ReadAttributes", "WriteAttributes")


@dataclass(frozen=True)
class LocalPool:
    pool_id: str
    client_id: str


def _plain(value: Any) -> Any:
    """cfn-lint's nodes as plain values, with the numbers Cognito's API wants as numbers."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return value if isinstance(value, (bool, int)) else str(value)


def ensure_user_pool(cognito: Any, template: dict[str, Any], resources: LocalResources,
                     pool_name: str = "UserPool", client_name: str = "UserPoolClient") -> LocalPool:
    pool_spec = template["Resources"][pool_name]["Properties"]
    client_spec = template["Resources"][client_name]["Properties"]
    name = resolve(pool_spec["UserPoolName"], resources)
    pools = cognito.list_user_pools(MaxResults=60)["UserPools"]
    pool_id = next((pool["Id"] for pool in pools if pool["Name"] == name), None)
    if pool_id is None:
        properties = {key: _plain(pool_spec[key]) for key in POOL_PROPERTIES if key in pool_spec}
        for attribute in properties.get("Schema", []):
            constraints = attribute.get("StringAttributeConstraints")
            if constraints:
                attribute["StringAttributeConstraints"] = {key: str(value) for key, value in constraints.items()}
        pool_id = cognito.create_user_pool(PoolName=name, **properties)["UserPool"]["Id"]
    wanted = str(client_spec["ClientName"])
    clients = cognito.list_user_pool_clients(UserPoolId=pool_id, MaxResults=60)["UserPoolClients"]
    client_id = next((client["ClientId"] for client in clients if client["ClientName"] == wanted), None)
    if client_id is None:
        properties = {key: _plain(client_spec[key]) for key in CLIENT_PROPERTIES if key in client_spec}
        client_id = cognito.create_user_pool_client(UserPoolId=pool_id, **properties)["UserPoolClient"]["ClientId"]
    return LocalPool(pool_id, client_id)

"""What the local gateway serves, read from template.yaml: the REST API's routes and the function each goes to, the
TOKEN authorizer, the gateway responses, the binary media types, and every function's handler, limits and
environment (Globals first, the function's own on top), with CloudFormation's intrinsics resolved to local values."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cfnlint.decode import decode_str

from infra.local.gateway.intrinsics import LocalResources, resolve

TEMPLATE = Path(__file__).resolve().parents[3] / "template.yaml"
FUNCTION_TYPE = "AWS::Serverless::Function"
API_TYPE = "AWS::Serverless::Api"


@dataclass(frozen=True)
class FunctionSpec:
    name: str
    handler: str
    environment: dict[str, str]
    timeout_seconds: int
    memory_mb: int


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    function: str
    authorized: bool

    @property
    def segments(self) -> tuple[str, ...]:
        return tuple(self.path.strip("/").split("/"))


@dataclass(frozen=True)
class AuthorizerSpec:
    function: str
    header: str
    validation: re.Pattern[str] | None
    ttl_seconds: int


@dataclass(frozen=True)
class GatewayResponse:
    status: int
    headers: dict[str, str]
    body: str


@dataclass(frozen=True)
class ApiSpec:
    stage: str
    routes: list[Route]
    functions: dict[str, FunctionSpec]
    authorizer: AuthorizerSpec | None
    responses: dict[str, GatewayResponse] = field(default_factory=dict)
    binary_media_types: tuple[str, ...] = ()


def load_template(path: Path = TEMPLATE) -> dict[str, Any]:
    template, problems = decode_str(path.read_text())
    if problems:
        raise ValueError(f"{path} does not parse: {problems[0]}")
    return dict(template)


def _function_specs(template: dict[str, Any], resources: LocalResources) -> dict[str, FunctionSpec]:
    defaults = template.get("Globals", {}).get("Function", {})
    default_env = defaults.get("Environment", {}).get("Variables", {})
    specs: dict[str, FunctionSpec] = {}
    for name, resource in template["Resources"].items():
        if resource["Type"] != FUNCTION_TYPE:
            continue
        properties = resource["Properties"]
        variables = {**default_env, **properties.get("Environment", {}).get("Variables", {})}
        specs[name] = FunctionSpec(
            name=name,
            handler=str(properties["Handler"]),
            environment={key: resolve(value, resources) for key, value in variables.items()},
            timeout_seconds=int(properties.get("Timeout", defaults.get("Timeout", 3))),
            memory_mb=int(properties.get("MemorySize", defaults.get("MemorySize", 128))),
        )
    return specs


def _routes(template: dict[str, Any], api_name: str, default_authorized: bool) -> list[Route]:
    routes: list[Route] = []
    for name, resource in template["Resources"].items():
        if resource["Type"] != FUNCTION_TYPE:
            continue
        for event in resource["Properties"].get("Events", {}).values():
            properties = event.get("Properties", {})
            if event["Type"] != "Api" or properties.get("RestApiId", {}).get("Ref") != api_name:
                continue
            authorizer = properties.get("Auth", {}).get("Authorizer")
            authorized = default_authorized if authorizer is None else authorizer != "NONE"
            routes.append(Route(str(properties["Method"]).upper(), str(properties["Path"]), name, authorized))
    return routes


def _authorizer(api: dict[str, Any]) -> AuthorizerSpec | None:
    auth = api.get("Auth", {})
    default = auth.get("DefaultAuthorizer")
    if not default:
        return None
    spec = auth["Authorizers"][default]
    function = spec["FunctionArn"]["Fn::GetAtt"]
    function_name = function[0] if isinstance(function, list) else str(function).split(".")[0]
    identity = spec.get("Identity", {})
    expression = identity.get("ValidationExpression")
    return AuthorizerSpec(
        function=function_name,
        header=str(identity.get("Header", "Authorization")),
        validation=re.compile(expression) if expression else None,
        ttl_seconds=int(identity.get("ReauthorizeEvery", 300)),
    )


def _responses(api: dict[str, Any]) -> dict[str, GatewayResponse]:
    responses: dict[str, GatewayResponse] = {}
    for kind, response in api.get("GatewayResponses", {}).items():
        headers = {name: str(value).strip("'") for name, value in
                   response.get("ResponseParameters", {}).get("Headers", {}).items()}
        body = str(response.get("ResponseTemplates", {}).get("application/json", ""))
        responses[kind] = GatewayResponse(int(response.get("StatusCode", 500)), headers, body)
    return responses


def api_spec(resources: LocalResources, path: Path = TEMPLATE, api_name: str = "GridvendApi") -> ApiSpec:
    template = load_template(path)
    api = template["Resources"][api_name]
    if api["Type"] != API_TYPE:
        raise ValueError(f"{api_name} is not an {API_TYPE}")
    properties = api["Properties"]
    authorizer = _authorizer(properties)
    return ApiSpec(
        stage=str(properties.get("StageName", "api")),
        routes=_routes(template, api_name, default_authorized=authorizer is not None),
        functions=_function_specs(template, resources),
        authorizer=authorizer,
        responses=_responses(properties),
        binary_media_types=tuple(str(kind).replace("~1", "/") for kind in properties.get("BinaryMediaTypes", [])),
    )

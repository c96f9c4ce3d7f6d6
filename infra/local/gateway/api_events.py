"""The events API Gateway's REST API hands a Lambda, and how it reads their answers: the proxy event for a route,
the TOKEN authorizer's event and the IAM policy it returns, the proxy answer back to HTTP, binary media types."""

from __future__ import annotations

import base64
import fnmatch
import json
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from infra.local.gateway.intrinsics import LOCAL_ACCOUNT
from infra.local.gateway.template_api import Route

LOCAL_API_ID = "localapi01"


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str
    query: str
    headers: list[tuple[str, str]]
    body: bytes
    source_ip: str

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)


@dataclass(frozen=True)
class HttpAnswer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def match_route(routes: list[Route], method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    """The route API Gateway picks: the most literal segments first, then any method's route of that resource."""
    segments = tuple(path.strip("/").split("/"))
    best: tuple[int, Route, dict[str, str]] | None = None
    for route in routes:
        if route.method != method or len(route.segments) != len(segments):
            continue
        parameters: dict[str, str] = {}
        literal = 0
        for template_part, given in zip(route.segments, segments, strict=True):
            if template_part.startswith("{") and template_part.endswith("}"):
                if not given:
                    break
                parameters[template_part[1:-1]] = given
            elif template_part == given:
                literal += 1
            else:
                break
        else:
            if best is None or literal > best[0]:
                best = (literal, route, parameters)
    return (best[1], best[2]) if best else None


def method_arn(region: str, stage: str, method: str, path: str) -> str:
    return f"arn:aws:execute-api:{region}:{LOCAL_ACCOUNT}:{LOCAL_API_ID}/{stage}/{method}{path}"


def token_event(token: str, arn: str) -> dict[str, Any]:
    return {"type": "TOKEN", "authorizationToken": token, "methodArn": arn}


def policy_allows(policy: dict[str, Any], arn: str) -> bool:
    """IAM's rule for the authorizer's policy: an explicit Deny wins, else some Allow must match."""
    statements = policy.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    allowed = False
    for statement in statements:
        resources = statement.get("Resource", [])
        actions = statement.get("Action", [])
        resources = [resources] if isinstance(resources, str) else resources
        actions = [actions] if isinstance(actions, str) else actions
        if not any(fnmatch.fnmatchcase("execute-api:Invoke", action) for action in actions):
            continue
        if any(fnmatch.fnmatchcase(arn, resource) for resource in resources):
            if statement.get("Effect") == "Deny":
                return False
            allowed = allowed or statement.get("Effect") == "Allow"
    return allowed


def is_binary(content_type: str | None, binary_media_types: tuple[str, ...]) -> bool:
    kind = (content_type or "").split(";")[0].strip().lower()
    return bool(kind) and any(fnmatch.fnmatchcase(kind, pattern.lower()) for pattern in binary_media_types)


def proxy_event(request: HttpRequest, route: Route, parameters: dict[str, str], stage: str,
                authorizer: dict[str, Any] | None, binary_media_types: tuple[str, ...]) -> dict[str, Any]:
    headers: dict[str, str] = {}
    multi_headers: dict[str, list[str]] = {}
    for name, value in request.headers:
        headers[name] = value
        multi_headers.setdefault(name, []).append(value)
    pairs = parse_qsl(request.query, keep_blank_values=True)
    query: dict[str, str] = {}
    multi_query: dict[str, list[str]] = {}
    for name, value in pairs:
        query[name] = value
        multi_query.setdefault(name, []).append(value)
    binary = is_binary(request.header("content-type"), binary_media_types)
    if binary:
        body: str | None = base64.b64encode(request.body).decode() if request.body else None
    else:
        body = request.body.decode("utf-8", errors="replace") if request.body else None
    context: dict[str, Any] = {
        "resourcePath": route.path, "httpMethod": request.method, "path": f"/{stage}{request.path}",
        "stage": stage, "requestId": str(uuid.uuid4()), "accountId": LOCAL_ACCOUNT, "apiId": LOCAL_API_ID,
        "protocol": "HTTP/1.1", "requestTimeEpoch": int(time.time() * 1000),
        "identity": {"sourceIp": request.source_ip, "userAgent": request.header("user-agent")},
    }
    if authorizer is not None:
        context["authorizer"] = authorizer
    return {
        "resource": route.path, "path": request.path, "httpMethod": request.method,
        "headers": headers or None, "multiValueHeaders": multi_headers or None,
        "queryStringParameters": query or None, "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": parameters or None, "stageVariables": None, "requestContext": context,
        "body": body, "isBase64Encoded": binary and body is not None,
    }


def http_answer(result: Any, request: HttpRequest, binary_media_types: tuple[str, ...]) -> HttpAnswer:
    """A Lambda proxy answer as API Gateway sends it on; a malformed one is the 502 API Gateway gives."""
    if not isinstance(result, dict) or not isinstance(result.get("statusCode"), int):
        return json_answer(502, {"message": "Internal server error"})
    headers = [(str(name), str(value)) for name, value in (result.get("headers") or {}).items()]
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers += [(str(name), str(value)) for value in values if (str(name), str(value)) not in headers]
    body = result.get("body") or ""
    content_type = next((value for name, value in headers if name.lower() == "content-type"), None)
    wants_binary = is_binary(request.header("accept"), binary_media_types) or is_binary(content_type,
                                                                                      binary_media_types)
    payload = base64.b64decode(body) if result.get("isBase64Encoded") and wants_binary else str(body).encode()
    return HttpAnswer(int(result["statusCode"]), headers, payload)


def json_answer(status: int, body: dict[str, Any], headers: list[tuple[str, str]] | None = None) -> HttpAnswer:
    return HttpAnswer(status, [("Content-Type", "application/json"), *(headers or [])], json.dumps(body).encode())

"""The local gateway's rules, each as API Gateway and CloudFormation apply them: intrinsics resolved to local
names, the route a path picks, the authorizer's policy, the proxy event and answer, binary bodies."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from gridvend.config import reached_url
from infra.local.gateway.api_events import (
    HttpRequest,
    http_answer,
    match_route,
    method_arn,
    policy_allows,
    proxy_event,
)
from infra.local.gateway.intrinsics import LocalResources, local_resources, resolve
from infra.local.gateway.template_api import Route, api_spec, load_template

RESOURCES = LocalResources(
    stack_name="gv", region="eu-west-1",
    resource_types={"Table": "AWS::DynamoDB::Table", "Role": "AWS::IAM::Role", "Pool": "AWS::Cognito::UserPool",
                    "Worker": "AWS::Serverless::Function"},
    parameters={"LogLevel": "INFO"}, names={"Table": "gv-table", "Pool": "eu-west-1_abc"},
)


def test_intrinsics_resolve_to_the_local_names() -> None:
    assert resolve({"Ref": "Table"}, RESOURCES) == "gv-table"
    assert resolve({"Ref": "LogLevel"}, RESOURCES) == "INFO"
    assert resolve({"Ref": "Worker"}, RESOURCES) == "Worker"
    assert resolve({"Fn::GetAtt": ["Role", "Arn"]}, RESOURCES) == "arn:aws:iam::123456789012:role/Role"
    assert resolve({"Fn::GetAtt": "Table.Arn"}, RESOURCES) == "arn:aws:dynamodb:eu-west-1:123456789012:table/gv-table"
    issuer = {"Fn::Sub": "https://cognito-idp.${AWS::Region}.${AWS::URLSuffix}/${Pool}"}
    assert resolve(issuer, RESOURCES) == "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc"
    assert resolve({"Fn::Sub": ["/${Name}/key-${!Literal}", {"Name": {"Ref": "AWS::StackName"}}]},
                   RESOURCES) == "/gv/key-${Literal}"


def test_a_reference_the_local_stack_cannot_answer_is_an_error() -> None:
    with pytest.raises(KeyError, match="Missing"):
        resolve({"Ref": "Missing"}, RESOURCES)
    with pytest.raises(ValueError, match="Fn::Join"):
        resolve({"Fn::Join": ["", ["a"]]}, RESOURCES)


def test_every_template_function_gets_a_fully_resolved_environment() -> None:
    template = load_template()
    resources = local_resources(template, "gv", "us-east-1", {}, {"GridvendTable": "gv-table", "UserPool": "pool-1",
                                                                   "UserPoolClient": "client-1"})
    spec = api_spec(resources)
    vending = spec.functions["VendingFunction"]
    assert vending.handler == "functions.vending.app.app"
    assert vending.environment["GRIDVEND_TABLE"] == "gv-table"
    assert vending.environment["POWERTOOLS_SERVICE_NAME"] == "gridvend-vending"  # the function's own over Globals
    assert vending.environment["GRIDVEND_SECURE_MASTER_KEY_PARAMETER"] == "/gv/secure-module-master-key"
    assert vending.environment["GRIDVEND_TOKEN_AUDIENCE"] == "client-1"
    assert all("${" not in value for function in spec.functions.values() for value in function.environment.values())
    assert spec.authorizer is not None and spec.authorizer.function == "AuthorizerFunction"
    routed = {(route.method, route.path): route for route in spec.routes}
    assert routed[("POST", "/v1/vends/{bill_number}/cancel")].function == "VendingFunction"
    assert not routed[("POST", "/v1/auth/login")].authorized and routed[("GET", "/v1/me")].authorized
    assert spec.responses["UNAUTHORIZED"].status == 401


def test_the_most_literal_route_wins_and_parameters_are_taken_from_the_path() -> None:
    routes = [Route("GET", "/v1/vends/{bill_number}", "A", True), Route("POST", "/v1/vends/quote", "B", True),
              Route("GET", "/v1/vends/quote", "C", True), Route("GET", "/v1/meters/{serial}/history", "D", True)]
    assert match_route(routes, "GET", "/v1/vends/quote") == (routes[2], {})
    assert match_route(routes, "GET", "/v1/vends/V1") == (routes[0], {"bill_number": "V1"})
    assert match_route(routes, "GET", "/v1/meters/5800/history") == (routes[3], {"serial": "5800"})
    assert match_route(routes, "DELETE", "/v1/vends/V1") is None
    assert match_route(routes, "GET", "/v1/vends") is None


def test_an_explicit_deny_wins_and_an_allow_must_match_the_method_arn() -> None:
    arn = method_arn("us-east-1", "api", "GET", "/v1/me")
    allow_all = {"Statement": [{"Action": "execute-api:Invoke", "Effect": "Allow",
                                "Resource": arn.split("/", 1)[0] + "/*"}]}
    assert policy_allows(allow_all, arn)
    deny_me = {"Statement": [*allow_all["Statement"],
                             {"Action": "execute-api:Invoke", "Effect": "Deny", "Resource": [arn]}]}
    assert not policy_allows(deny_me, arn)
    other = {"Statement": {"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": arn + "/other"}}
    assert not policy_allows(other, arn)


def _request(**changes: Any) -> HttpRequest:
    fields: dict[str, Any] = {"method": "POST", "path": "/v1/vends/V1/cancel", "query": "a=1&a=2&b=",
                              "headers": [("Content-Type", "application/json"), ("Accept", "application/pdf")],
                              "body": b'{"reason": "x"}', "source_ip": "127.0.0.1"}
    return HttpRequest(**{**fields, **changes})


def test_the_proxy_event_carries_what_chalice_dispatches_on() -> None:
    route = Route("POST", "/v1/vends/{bill_number}/cancel", "VendingFunction", True)
    event = proxy_event(_request(), route, {"bill_number": "V1"}, "api", {"principalId": "u", "tenant_id": "t"}, ())
    assert event["requestContext"]["resourcePath"] == route.path
    assert event["requestContext"]["authorizer"] == {"principalId": "u", "tenant_id": "t"}
    assert event["pathParameters"] == {"bill_number": "V1"}
    assert event["multiValueQueryStringParameters"] == {"a": ["1", "2"], "b": [""]}
    assert (event["body"], event["isBase64Encoded"]) == ('{"reason": "x"}', False)
    binary = proxy_event(_request(headers=[("Content-Type", "image/png")], body=b"\x89PNG"), route, {}, "api", None,
                         ("image/*",))
    assert (binary["body"], binary["isBase64Encoded"]) == (base64.b64encode(b"\x89PNG").decode(), True)
    assert "authorizer" not in binary["requestContext"]


def test_a_base64_answer_is_sent_as_bytes_only_for_a_binary_media_type() -> None:
    answer = {"statusCode": 200, "headers": {"Content-Type": "application/pdf"},
              "body": base64.b64encode(b"%PDF-1.7").decode(), "isBase64Encoded": True}
    assert http_answer(answer, _request(), ("application/pdf",)).body == b"%PDF-1.7"
    assert http_answer(answer, _request(), ()).body == answer["body"].encode()
    assert http_answer({"body": "no status"}, _request(), ()).status == 502


def test_cognito_urls_follow_the_sdks_endpoint_override() -> None:
    jwks = "https://cognito-idp.us-east-1.amazonaws.com/pool-1/.well-known/jwks.json"
    assert reached_url(jwks, {}) == jwks
    assert reached_url(jwks, {"AWS_ENDPOINT_URL": "http://127.0.0.1:8002"}) == \
        "http://127.0.0.1:8002/pool-1/.well-known/jwks.json"
    assert reached_url(jwks, {"AWS_ENDPOINT_URL": "http://a:1", "AWS_ENDPOINT_URL_COGNITO_IDP": "http://b:2"}) == \
        "http://b:2/pool-1/.well-known/jwks.json"
    assert reached_url("https://example.org/keys", {"AWS_ENDPOINT_URL": "http://a:1"}) == "https://example.org/keys"

"""template.yaml routes each API route to the one function whose own app serves it, public exactly where the code
says, and no function's resource policy (a statement per API event) comes near Lambda's 20 KB."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest
from cfnlint.decode import decode_str

from infra.deploy.api_events import (
    TEMPLATE,
    ApiRoute,
    app_routes,
    routes_by_function,
    template_functions,
    with_api_events,
)

POLICY_LIMIT_BYTES = 20_480
POLICY_CEILING_BYTES = 12_288  # three fifths of the limit: room for what a deployment adds later


@cache
def _template() -> dict[str, Any]:
    template, problems = decode_str(TEMPLATE.read_text())
    assert not problems
    return dict(template)


def _functions() -> dict[str, dict[str, Any]]:
    return {name: resource["Properties"] for name, resource in _template()["Resources"].items()
            if resource["Type"] == "AWS::Serverless::Function"}


def _api_events(properties: dict[str, Any]) -> dict[str, tuple[str, str, bool]]:
    return {
        name: (event["Properties"]["Path"], event["Properties"]["Method"].upper(),
               event["Properties"].get("Auth", {}).get("Authorizer") == "NONE")
        for name, event in properties.get("Events", {}).items() if event["Type"] == "Api"
    }


def _routes(routes: list[ApiRoute]) -> set[tuple[str, str, bool]]:
    return {(route.path, route.method, route.public) for route in routes}


@pytest.mark.parametrize("function", sorted(_functions()))
def test_each_function_is_routed_exactly_what_its_own_app_serves(function: str) -> None:
    properties = _functions()[function]
    events = set(_api_events(properties).values())
    assert events == _routes(app_routes(properties["Handler"])), f"{function} answers 404/405 for some event"


def test_the_template_events_are_the_ones_written_from_the_code() -> None:
    text = TEMPLATE.read_text()
    current = with_api_events(text, routes_by_function(template_functions(text.split("\n"))))
    assert current == text, "run `python -m infra.deploy.api_events` to write the events from the code"


def test_every_code_route_is_in_the_template_once_and_nothing_else(api_app: Any) -> None:
    routed = [route for properties in _functions().values() for route in _api_events(properties).values()]
    code = {(path, method, entry.authorizer is None) for path, methods in api_app.routes.items()
            for method, entry in methods.items()}
    assert sorted(routed) == sorted(code)


def _permission_statement(function: str, event: str, path: str, method: str) -> dict[str, Any]:
    """The statement SAM adds to the function's resource policy for one API event, with the longest names a
    deployment can give it (region, stack name, generated function name)."""
    return {
        "Sid": f"{'s' * 40}-{function}{event}PermissionProd-{'X' * 12}"[:100],
        "Effect": "Allow",
        "Principal": {"Service": "apigateway.amazonaws.com"},
        "Action": "lambda:InvokeFunction",
        "Resource": f"arn:aws:lambda:ap-southeast-2:123456789012:function:{'f' * 64}",
        "Condition": {"ArnLike": {"AWS:SourceArn":
                                  f"arn:aws:execute-api:ap-southeast-2:123456789012:abcdefghij/*/{method}{path}"}},
    }


@pytest.mark.parametrize("function", sorted(_functions()))
def test_no_function_resource_policy_comes_near_the_20_kb_limit(function: str) -> None:
    statements = [_permission_statement(function, name, path, method)
                  for name, (path, method, _) in _api_events(_functions()[function]).items()]
    size = len(json.dumps({"Version": "2012-10-17", "Id": "default", "Statement": statements}, separators=(",", ":")))
    assert size <= POLICY_CEILING_BYTES < POLICY_LIMIT_BYTES, f"{function}: {size} bytes for {len(statements)} events"


def test_a_stale_or_misrouted_template_is_rewritten_and_non_api_events_are_kept() -> None:
    text = "\n".join([
        "Resources:",
        "  OneFunction:",
        "    Type: AWS::Serverless::Function",
        "    Properties:",
        "      Handler: functions.vending.app.app",
        "      Events:",
        "        Stale: {Type: Api, Properties: {RestApiId: !Ref GridvendApi, Path: /v1/reports, Method: get}}",
        "        Queue:",
        "          Type: SQS",
        "",
    ])
    routed = {"OneFunction": [ApiRoute("sell", "/v1/vends", "POST", False),
                              ApiRoute("update_record", "/v1/x/{id}", "PUT", False),
                              ApiRoute("update_record", "/v1/x/{id}", "PATCH", True)]}
    written = with_api_events(text, routed).split("\n")
    assert written[6:11] == [
        "        Sell: {Type: Api, Properties: {RestApiId: !Ref GridvendApi, Path: /v1/vends, Method: post}}",
        '        UpdateRecordPut: {Type: Api, Properties: {RestApiId: !Ref GridvendApi, Path: "/v1/x/{id}", '
        "Method: put}}",
        '        UpdateRecordPatch: {Type: Api, Properties: {RestApiId: !Ref GridvendApi, Path: "/v1/x/{id}", '
        "Method: patch, Auth: {Authorizer: NONE}}}",
        "        Queue:",
        "          Type: SQS",
    ]
    assert "Stale" not in "\n".join(written)

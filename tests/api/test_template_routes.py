"""template.yaml must route exactly the paths the Chalice apps serve, public exactly where the code says."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cfnlint.decode import decode_str

TEMPLATE = Path(__file__).parents[2] / "template.yaml"


def _template_routes() -> set[tuple[str, str, bool]]:
    template, problems = decode_str(TEMPLATE.read_text())
    assert not problems
    routes = set()
    for resource in template["Resources"].values():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        for event in resource.get("Properties", {}).get("Events", {}).values():
            if event["Type"] != "Api":
                continue
            properties = event["Properties"]
            public = properties.get("Auth", {}).get("Authorizer") == "NONE"
            routes.add((properties["Path"], properties["Method"].upper(), public))
    return routes


def _code_routes(app: Any) -> set[tuple[str, str, bool]]:
    return {
        (path, method, entry.authorizer is None)
        for path, methods in app.routes.items()
        for method, entry in methods.items()
    }


def test_every_code_route_is_in_the_template_and_nothing_else(api_app: Any) -> None:
    assert _template_routes() == _code_routes(api_app)

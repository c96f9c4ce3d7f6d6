"""Builds a Chalice app from blueprints, observed (functions.common.observability); JSON responses."""

from __future__ import annotations

import json
from typing import Any

from chalice import Blueprint, Chalice, Response

from functions.common.observability import observe_api


def json_response(body: Any, status_code: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        body=json.dumps(body, default=str),
        status_code=status_code,
        headers={"Content-Type": "application/json", **(headers or {})},
    )


def create_app(app_name: str, blueprints: list[Blueprint]) -> Chalice:
    app = Chalice(app_name=app_name)
    app.api.cors = False
    observe_api(app)  # the app stays the Lambda handler; each request runs inside the Powertools wrapper
    for blueprint in blueprints:
        app.register_blueprint(blueprint)

    return app

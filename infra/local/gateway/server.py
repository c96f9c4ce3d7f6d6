"""The local API Gateway: serves template.yaml's REST API on loopback. Each request goes to the function the
template routes it to, run from that function's own handler in its own process with the template's environment;
protected routes pass the template's TOKEN authorizer first (its answer cached per token for ReauthorizeEvery, its
policy checked against each method ARN). It also answers Lambda's Invoke API for the template's functions, so a
function that invokes another (a backup job) does so locally as in the cloud."""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from infra.local.gateway.api_events import (
    HttpAnswer,
    HttpRequest,
    http_answer,
    json_answer,
    match_route,
    method_arn,
    policy_allows,
    proxy_event,
    token_event,
)
from infra.local.gateway.instances import FunctionError, FunctionInstances, FunctionTimeout
from infra.local.gateway.template_api import ApiSpec, GatewayResponse

_INVOKE_PATH = re.compile(r"^/2015-03-31/functions/([^/]+)/invocations$")


class LocalGateway:
    def __init__(self, spec: ApiSpec, platform_env: Mapping[str, str], log_dir: Path, region: str) -> None:
        self.spec = spec
        self.region = region
        self.functions = {name: FunctionInstances(function, platform_env, log_dir, region)
                          for name, function in spec.functions.items()}
        self._granted: dict[str, tuple[float, dict[str, Any]]] = {}
        self._granted_lock = threading.Lock()

    def handle(self, request: HttpRequest) -> HttpAnswer:
        invoke = _INVOKE_PATH.match(request.path)
        if invoke and request.method == "POST":
            return self._lambda_invoke(unquote(invoke.group(1)), request)
        found = match_route(self.spec.routes, request.method, request.path)
        if found is None:
            return self._gateway_answer("MISSING_AUTHENTICATION_TOKEN", 403, "Missing Authentication Token")
        route, parameters = found
        authorizer_context: dict[str, Any] | None = None
        if route.authorized and self.spec.authorizer is not None:
            outcome = self._authorize(request)
            if isinstance(outcome, HttpAnswer):
                return outcome
            authorizer_context = outcome
        event = proxy_event(request, route, parameters, self.spec.stage, authorizer_context,
                            self.spec.binary_media_types)
        try:
            result = self.functions[route.function].invoke(event)
        except FunctionTimeout:
            return json_answer(504, {"message": "Endpoint request timed out"})
        except FunctionError:
            return json_answer(502, {"message": "Internal server error"})
        return http_answer(result, request, self.spec.binary_media_types)

    def warm(self) -> None:
        """One instance of every API function and the authorizer, started in the background."""
        names = {route.function for route in self.spec.routes}
        if self.spec.authorizer is not None:
            names.add(self.spec.authorizer.function)
        for name in sorted(names):
            threading.Thread(target=self._warm_one, args=(name,), daemon=True).start()

    def close(self) -> None:
        for instances in self.functions.values():
            instances.close()

    def _warm_one(self, name: str) -> None:
        with contextlib.suppress(FunctionError):  # the first request reports it
            self.functions[name].warm()

    def _authorize(self, request: HttpRequest) -> dict[str, Any] | HttpAnswer:
        authorizer = self.spec.authorizer
        assert authorizer is not None
        token = request.header(authorizer.header)
        if not token or (authorizer.validation is not None and not authorizer.validation.fullmatch(token)):
            return self._gateway_answer("UNAUTHORIZED", 401, "Unauthorized")
        arn = method_arn(self.region, self.spec.stage, request.method, request.path)
        granted = self._cached_grant(token)
        if granted is None:
            try:
                granted = self.functions[authorizer.function].invoke(token_event(token, arn))
            except FunctionError as refused:
                if refused.error.get("errorMessage") == "Unauthorized":
                    return self._gateway_answer("UNAUTHORIZED", 401, "Unauthorized")
                return self._gateway_answer("AUTHORIZER_FAILURE", 500, None)
            except FunctionTimeout:
                return self._gateway_answer("AUTHORIZER_FAILURE", 500, None)
            if not isinstance(granted, dict) or "policyDocument" not in granted:
                return self._gateway_answer("AUTHORIZER_CONFIGURATION_ERROR", 500, None)
            if authorizer.ttl_seconds > 0:
                with self._granted_lock:
                    self._granted[token] = (time.monotonic() + authorizer.ttl_seconds, granted)
        if not policy_allows(granted["policyDocument"], arn):
            return self._gateway_answer("ACCESS_DENIED", 403, "User is not authorized to access this resource")
        return {"principalId": granted.get("principalId", ""),
                **{key: value for key, value in (granted.get("context") or {}).items()}}

    def _cached_grant(self, token: str) -> dict[str, Any] | None:
        with self._granted_lock:
            cached = self._granted.get(token)
            if cached is None:
                return None
            if cached[0] < time.monotonic():
                del self._granted[token]
                return None
            return cached[1]

    def _gateway_answer(self, kind: str, status: int, message: str | None) -> HttpAnswer:
        configured: GatewayResponse | None = self.spec.responses.get(kind)
        if configured is not None:
            return HttpAnswer(configured.status, list(configured.headers.items()), configured.body.encode())
        return json_answer(status, {"message": message})

    def _lambda_invoke(self, name: str, request: HttpRequest) -> HttpAnswer:
        function = self.functions.get(name.rsplit(":", 1)[-1])
        if function is None:
            return json_answer(404, {"Type": "User", "message": f"Function not found: {name}"},
                               [("x-amzn-ErrorType", "ResourceNotFoundException")])
        event = json.loads(request.body or b"{}")
        if (request.header("x-amz-invocation-type") or "RequestResponse") == "Event":
            threading.Thread(target=self._invoke_quietly, args=(function, event), daemon=True).start()
            return HttpAnswer(202, [("Content-Type", "application/json")], b"")
        try:
            result = function.invoke(event)
        except FunctionError as failure:
            return HttpAnswer(200, [("Content-Type", "application/json"), ("X-Amz-Function-Error", "Unhandled")],
                              json.dumps(failure.error).encode())
        except FunctionTimeout as late:
            return HttpAnswer(200, [("Content-Type", "application/json"), ("X-Amz-Function-Error", "Unhandled")],
                              json.dumps({"errorMessage": str(late), "errorType": "Sandbox.Timedout"}).encode())
        return HttpAnswer(200, [("Content-Type", "application/json")], json.dumps(result).encode())

    @staticmethod
    def _invoke_quietly(function: FunctionInstances, event: Any) -> None:
        with contextlib.suppress(FunctionError, FunctionTimeout):  # the function's log shows a failure
            function.invoke(event)


def make_handler(gateway: LocalGateway) -> type[BaseHTTPRequestHandler]:
    class GatewayRequestHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            request = HttpRequest(
                method=self.command, path=url.path, query=url.query,
                headers=[(name, value) for name, value in self.headers.items()],
                body=self.rfile.read(length) if length else b"", source_ip=self.client_address[0],
            )
            answer = gateway.handle(request)
            self.send_response(answer.status)
            for name, value in answer.headers:
                if name.lower() not in ("content-length", "connection", "transfer-encoding"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(answer.body)

        def do_GET(self) -> None:
            self._serve()

        def do_HEAD(self) -> None:
            self._serve()

        def do_POST(self) -> None:
            self._serve()

        def do_PUT(self) -> None:
            self._serve()

        def do_PATCH(self) -> None:
            self._serve()

        def do_DELETE(self) -> None:
            self._serve()

        def do_OPTIONS(self) -> None:
            self._serve()

        def log_message(self, format: str, *args: object) -> None:
            return

    return GatewayRequestHandler


def make_server(gateway: LocalGateway, host: str, port: int) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer((host, port), make_handler(gateway))
    server.daemon_threads = True
    return server

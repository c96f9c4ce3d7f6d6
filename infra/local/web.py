"""The web console on the local stack: a small static server for the built app (web/dist) that also
proxies /v1/* to the API, so the browser talks to one origin (chalice local has no CORS).

    python -m infra.local.web serve --port 8080 --api-url http://127.0.0.1:8000
    python -m infra.local.web catalogue web/dist/permission-catalogue.json

In the cloud the same files sit in S3 behind CloudFront, which routes /v1/* to the HTTP API.
"""

from __future__ import annotations

import argparse
import http.client
import json
import mimetypes
import sys
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from infra.local.ports import LOOPBACK
from infra.local.supervisor import ServiceSpec

SERVICE_NAME = "web"
DEFAULT_PORT = 8080
REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
WEB_DIST_DIR = REPOSITORY_ROOT / "web" / "dist"
CATALOGUE_FILE_NAME = "permission-catalogue.json"
API_PREFIX = "/v1/"
_PROXY_TIMEOUT_SECONDS = 60.0
_MAX_BODY_BYTES = 2_000_000
# Headers that belong to one connection, not to the message: never forwarded either way.
_HOP_BY_HOP = frozenset(
    {
        "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers",
        "transfer-encoding", "upgrade", "host", "content-length",
    }
)
RUNTIME_CONFIG_PATH = "/config.json"
SELF_SERVICE_PATH = "self-service"  # the customers' page: its own entry of the build, selfservice.html
SELF_SERVICE_PAGE = "selfservice.html"
_EXTRA_TYPES = {".webmanifest": "application/manifest+json", ".js": "text/javascript", ".svg": "image/svg+xml"}


def web_app_built(dist_dir: Path = WEB_DIST_DIR) -> bool:
    return (dist_dir / "index.html").is_file()


def console_runtime_config(env: Mapping[str, str]) -> dict[str, str]:
    """What the cloud's CloudFront function answers at /config.json (template.yaml, ConsoleConfigFunction): the API
    is on the console's own origin, so its URL is empty."""
    return {
        "apiUrl": "",
        "region": env.get("AWS_DEFAULT_REGION", "us-east-1"),
        "userPoolId": env.get("GRIDVEND_USER_POOL_ID", ""),
        "userPoolClientId": env.get("GRIDVEND_USER_POOL_CLIENT_ID", ""),
    }


def web_server_spec(api_url: str, port: int = DEFAULT_PORT, dist_dir: Path = WEB_DIST_DIR,
                    runtime_config: Mapping[str, str] | None = None) -> ServiceSpec:
    return ServiceSpec(
        name=SERVICE_NAME,
        command=[
            sys.executable, "-m", "infra.local.web", "serve",
            "--port", str(port), "--api-url", api_url, "--root", str(dist_dir),
            "--runtime-config", json.dumps(dict(runtime_config or console_runtime_config({}))),
        ],
        port=port,
        env={"PYTHONPATH": str(REPOSITORY_ROOT), "PYTHONUNBUFFERED": "1"},
        cwd=REPOSITORY_ROOT,
        startup_timeout_seconds=30.0,
    )


def write_permission_catalogue(target: Path) -> None:
    """The permission catalogue (module -> actions) for the role editor's picker, as a static file."""
    from gridvend.auth.permissions import catalogue

    modules = {module: list(actions) for module, actions in sorted(catalogue().items())}
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps({"modules": modules}, indent=1) + "\n")


def content_type(path: Path) -> str:
    guessed = _EXTRA_TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"{guessed}; charset=utf-8" if guessed.startswith("text/") or guessed.endswith("json") else guessed


def cache_control(relative_path: str) -> str:
    # Vite names files under assets/ by content hash: they never change. Everything else (index.html,
    # the service worker, the manifest) must be revalidated so a new build reaches the browser.
    return "public, max-age=31536000, immutable" if relative_path.startswith("assets/") else "no-cache"


def static_file_for(root: Path, url_path: str) -> Path:
    """The file for a URL path inside root; /self-service[/...] gets the self-service page, other unknown paths
    index.html (the app routes them)."""
    base = root.resolve()
    relative = url_path.lstrip("/")
    candidate = (base / relative).resolve()
    if relative and candidate.is_file() and candidate.is_relative_to(base):
        return candidate
    if relative == SELF_SERVICE_PATH or relative.startswith(f"{SELF_SERVICE_PATH}/"):
        return base / SELF_SERVICE_PAGE
    return base / "index.html"


class ConsoleHandler(BaseHTTPRequestHandler):
    server_version = "gridvend-web"
    root: Path = WEB_DIST_DIR
    api_host: str = LOOPBACK
    api_port: int = 8000
    runtime_config: bytes = b"{}"

    def do_GET(self) -> None:
        self._dispatch()

    def do_HEAD(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_PATCH(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def log_message(self, format: str, *args: object) -> None:
        sys.stdout.write(f"{self.address_string()} {format % args}\n")

    def _dispatch(self) -> None:
        path = urlsplit(self.path).path
        if path == RUNTIME_CONFIG_PATH and self.command in ("GET", "HEAD"):
            self._reply(200, self.runtime_config, "application/json", {"Cache-Control": "no-store"})
        elif path.startswith(API_PREFIX):
            self._proxy()
        elif self.command in ("GET", "HEAD"):
            self._static(path)
        else:
            self._reply(405, b'{"title":"Method not allowed","status":405}', "application/problem+json")

    def _static(self, url_path: str) -> None:
        file_path = static_file_for(self.root, url_path)
        if not file_path.is_file():
            self._reply(404, b"the console is not built: run `make web`", "text/plain; charset=utf-8")
            return
        relative = file_path.relative_to(self.root.resolve()).as_posix()
        body = file_path.read_bytes()
        extra = {"Cache-Control": cache_control(relative)}
        if file_path.name == "sw.js":
            extra["Service-Worker-Allowed"] = "/"
        self._reply(200, body, content_type(file_path), extra)

    def _proxy(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > _MAX_BODY_BYTES:
            self._reply(413, b'{"title":"Body too large","status":413}', "application/problem+json")
            return
        body = self.rfile.read(length) if length else None
        forwarded = {name: value for name, value in self.headers.items() if name.lower() not in _HOP_BY_HOP}
        connection = http.client.HTTPConnection(self.api_host, self.api_port, timeout=_PROXY_TIMEOUT_SECONDS)
        try:
            connection.request(self.command, self.path, body=body, headers=forwarded)
            answer = connection.getresponse()
            payload = answer.read()
            headers = {name: value for name, value in answer.getheaders() if name.lower() not in _HOP_BY_HOP}
            self._reply(answer.status, payload, None, headers)
        except OSError as failure:
            problem = {"type": "about:blank", "title": "API unreachable", "status": 502, "detail": str(failure)}
            self._reply(502, json.dumps(problem).encode(), "application/problem+json")
        finally:
            connection.close()

    def _reply(
        self, status: int, body: bytes, body_type: str | None, headers: Mapping[str, str] | None = None
    ) -> None:
        self.send_response(status)
        if body_type is not None:
            self.send_header("Content-Type", body_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def make_server(host: str, port: int, root: Path, api_url: str,
                runtime_config: Mapping[str, str] | None = None) -> ThreadingHTTPServer:
    api = urlsplit(api_url)
    handler = type(
        "BoundConsoleHandler",
        (ConsoleHandler,),
        {"root": root, "api_host": api.hostname or LOOPBACK, "api_port": api.port or 80,
         "runtime_config": json.dumps(dict(runtime_config or console_runtime_config({}))).encode()},
    )
    return ThreadingHTTPServer((host, port), handler)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.local.web", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the built console and proxy /v1 to the API")
    serve.add_argument("--host", default=LOOPBACK)
    serve.add_argument("--port", type=int, default=DEFAULT_PORT)
    serve.add_argument("--api-url", default="http://127.0.0.1:8000")
    serve.add_argument("--root", type=Path, default=WEB_DIST_DIR)
    serve.add_argument("--runtime-config", type=json.loads, default=None, help="what /config.json answers (JSON)")
    catalogue_command = commands.add_parser("catalogue", help="write the permission catalogue JSON")
    catalogue_command.add_argument("target", type=Path)
    arguments = parser.parse_args(argv)
    if arguments.command == "catalogue":
        write_permission_catalogue(arguments.target)
        return 0
    server = make_server(arguments.host, arguments.port, arguments.root, arguments.api_url, arguments.runtime_config)
    print(f"serving {arguments.root} on http://{arguments.host}:{arguments.port}, /v1 -> {arguments.api_url}")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

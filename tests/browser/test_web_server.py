"""infra/local/web.py: serves the built app (index.html for the app's own routes, never a file
outside its folder) and proxies /v1 to the API with method, headers and body intact."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cfnlint.decode import decode_str

from infra.deploy.api_events import TEMPLATE
from infra.local.ports import free_port
from infra.local.web import cache_control, console_runtime_config, make_server, write_permission_catalogue


class EchoApi(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        echoed = json.dumps(
            {
                "method": self.command,
                "path": self.path,
                "authorization": self.headers.get("Authorization"),
                "body": body.decode(),
            }
        ).encode()
        self.send_response(422)
        self.send_header("Content-Type", "application/problem+json")
        self.send_header("Content-Length", str(len(echoed)))
        self.end_headers()
        self.wfile.write(echoed)

    def log_message(self, format: str, *args: object) -> None:
        pass


def _serve(server: ThreadingHTTPServer) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return thread


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "dist" / "assets").mkdir(parents=True)
    (tmp_path / "dist" / "index.html").write_text("<html>app</html>")
    (tmp_path / "dist" / "assets" / "app-1234.js").write_text("console.log(1)")
    (tmp_path / "secret.txt").write_text("outside")
    return tmp_path / "dist"


@pytest.fixture
def servers(site: Path) -> Iterator[tuple[int, int]]:
    api = ThreadingHTTPServer(("127.0.0.1", free_port()), EchoApi)
    web = make_server("127.0.0.1", free_port(), site, f"http://127.0.0.1:{api.server_address[1]}")
    _serve(api)
    _serve(web)
    yield web.server_address[1], api.server_address[1]
    web.shutdown()
    api.shutdown()
    web.server_close()
    api.server_close()


def _get(port: int, path: str) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path)
    answer = connection.getresponse()
    return answer.status, dict(answer.getheaders()), answer.read()


def test_app_routes_get_index_and_assets_are_served_as_themselves(servers: tuple[int, int]) -> None:
    web_port, _ = servers
    status, headers, body = _get(web_port, "/archives/branches")
    assert (status, body) == (200, b"<html>app</html>")
    assert headers["Cache-Control"] == "no-cache"
    status, headers, body = _get(web_port, "/assets/app-1234.js")
    assert body == b"console.log(1)" and headers["Content-Type"].startswith("text/javascript")
    assert "immutable" in headers["Cache-Control"]


def test_no_file_outside_the_app_folder_is_served(servers: tuple[int, int]) -> None:
    web_port, _ = servers
    for path in ("/../secret.txt", "/assets/../../secret.txt", "/%2e%2e/secret.txt"):
        status, _, body = _get(web_port, path)
        assert status == 200 and body == b"<html>app</html>", path


def test_api_calls_are_proxied_with_method_headers_body_and_status(servers: tuple[int, int]) -> None:
    web_port, _ = servers
    connection = http.client.HTTPConnection("127.0.0.1", web_port, timeout=10)
    connection.request(
        "POST", "/v1/archives/banks?x=1", body=b'{"code":"B1"}',
        headers={"Authorization": "Bearer abc", "Content-Type": "application/json"},
    )
    answer = connection.getresponse()
    assert answer.status == 422
    assert answer.getheader("Content-Type") == "application/problem+json"
    assert json.loads(answer.read()) == {
        "method": "POST", "path": "/v1/archives/banks?x=1", "authorization": "Bearer abc", "body": '{"code":"B1"}',
    }


def test_an_unreachable_api_is_a_502_problem(site: Path) -> None:
    web = make_server("127.0.0.1", free_port(), site, f"http://127.0.0.1:{free_port()}")
    _serve(web)
    try:
        status, headers, body = _get(web.server_address[1], "/v1/me")
        assert status == 502 and headers["Content-Type"] == "application/problem+json"
        assert json.loads(body)["title"] == "API unreachable"
    finally:
        web.shutdown()
        web.server_close()


def test_cache_rules_and_the_permission_catalogue_file(tmp_path: Path) -> None:
    assert cache_control("index.html") == "no-cache" and cache_control("sw.js") == "no-cache"
    target = tmp_path / "permission-catalogue.json"
    write_permission_catalogue(target)
    modules = json.loads(target.read_text())["modules"]
    assert modules["operators"] == ["view", "create", "update", "delete", "export"]
    assert "archives.regions" in modules and modules["audit"] == ["view", "export"]


def test_the_runtime_config_is_served_as_the_clouds_cloudfront_function_answers_it(site: Path) -> None:
    config = console_runtime_config({"AWS_DEFAULT_REGION": "eu-west-1", "GRIDVEND_USER_POOL_ID": "eu-west-1_pool",
                                     "GRIDVEND_USER_POOL_CLIENT_ID": "client-1"})
    web = make_server("127.0.0.1", free_port(), site, f"http://127.0.0.1:{free_port()}", config)
    _serve(web)
    try:
        connection = http.client.HTTPConnection("127.0.0.1", web.server_address[1], timeout=10)
        connection.request("GET", "/config.json")
        reply = connection.getresponse()
        served = json.loads(reply.read())
    finally:
        web.shutdown()
        web.server_close()
    assert (reply.status, reply.getheader("Cache-Control")) == (200, "no-store")
    assert served == {"apiUrl": "", "region": "eu-west-1", "userPoolId": "eu-west-1_pool",
                      "userPoolClientId": "client-1"}
    template, _ = decode_str(TEMPLATE.read_text())
    cloud_code = str(template["Resources"]["ConsoleConfigFunction"]["Properties"]["FunctionCode"]["Fn::Sub"])
    assert all(f"{key}:" in cloud_code for key in served), "the cloud's /config.json has the same fields"
    assert 'apiUrl: ""' in cloud_code  # the API is on the console's origin there too (CloudFront sends /v1/* on)

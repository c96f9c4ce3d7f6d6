"""Browser tests: the built console served by infra/local/web.py in front of the local gateway (template.yaml's
API), over DynamoDB Local, driven by Playwright in Debian's chromium (never a downloaded browser).

The report stream consumer runs too, so sales reach the reports as under `make up`.

Fixtures:
  console        -> Console (.url, .api_url, .api(method, path, body, token, headers), .login_token(...))
  browser        -> a headless chromium for the session
  page           -> a fresh desktop-sized page (own storage) per test
  screenshot     -> save(page, name): a PNG under .gridvend/screenshots/ for review
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from infra.local.api_server import api_server_spec
from infra.local.demo_vending import MASTER_KEY_VARIABLE, ensure_master_key
from infra.local.environment import StackEndpoints, stack_environment
from infra.local.report_stream import report_stream_spec
from infra.local.supervisor import Supervisor, start_on_free_port
from infra.local.web import WEB_DIST_DIR, web_server_spec

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT_DIR = REPOSITORY_ROOT / ".gridvend" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
DEMO_TENANT = "demo"
# How long a page step may take: each request runs through the gateway's function processes on a 2-core machine
# that CI also loads with every other test.
ACTION_TIMEOUT_MS = 30_000
DEMO_ADMIN = ("admin", "admin123")
FAST_HASHING = {"GRIDVEND_ARGON2_TIME_COST": "1", "GRIDVEND_ARGON2_MEMORY_KIB": "8192"}

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any


@dataclass(frozen=True)
class Console:
    url: str
    api_url: str
    # The API's environment (table, endpoints): for a helper process that writes what devices would send.
    env: dict[str, str] = field(default_factory=dict, hash=False, compare=False, repr=False)

    def api(
        self, method: str, path: str, body: Any = None, token: str | None = None, headers: dict[str, str] | None = None
    ) -> Reply:
        headers = {"Content-Type": "application/json", **(headers or {})}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.api_url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                text = answer.read().decode()
                return Reply(answer.status, json.loads(text) if text else None)
        except urllib.error.HTTPError as failure:
            text = failure.read().decode()
            return Reply(failure.code, json.loads(text) if text else None)

    def login_token(
        self, tenant: str = DEMO_TENANT, username: str = DEMO_ADMIN[0], password: str = DEMO_ADMIN[1]
    ) -> str:
        reply = self.api("POST", "/v1/auth/login", {"tenant": tenant, "username": username, "password": password})
        assert reply.status == 200, reply.body
        token: str = reply.body["access_token"]
        return token


def _build_console() -> None:
    """`make web` builds the console when a source changed (a stamp makes it instant otherwise)."""
    subprocess.run(["make", "-s", "web"], cwd=REPOSITORY_ROOT, check=True)
    assert (WEB_DIST_DIR / "index.html").is_file()


@pytest.fixture(scope="session")
def console(
    tmp_path_factory: pytest.TempPathFactory, dynamodb_local: Any, moto_server: Any
) -> Iterator[Console]:
    _build_console()
    state_dir = tmp_path_factory.mktemp("console")
    endpoints = StackEndpoints(
        dynamodb_url=dynamodb_local.endpoint_url,
        moto_url=moto_server.endpoint_url,
        mqtt_host="127.0.0.1",
        mqtt_port=1,  # the console's routes use no MQTT
        pki_dir=state_dir / "pki",
        state_dir=state_dir,
    )
    table_name = f"gridvend-browser-{uuid.uuid4().hex[:8]}"
    env = {
        **stack_environment(endpoints, table_name=table_name),
        **FAST_HASHING,
        MASTER_KEY_VARIABLE: ensure_master_key(state_dir),  # the demo's secure module: bootstrap and API share it
        "AWS_CONFIG_FILE": str(state_dir / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(state_dir / "no-aws-credentials"),
    }
    # The same seeding as `make up` (table, platform operator, demo tenant), in a process of its own
    # so this session's table setting stays out of the test process.
    subprocess.run(
        [sys.executable, "-c", "import os; from infra.local.bootstrap import bootstrap; bootstrap(dict(os.environ))"],
        cwd=REPOSITORY_ROOT,
        env={**os.environ, **env, "PYTHONPATH": str(REPOSITORY_ROOT)},
        check=True,
    )
    supervisor = Supervisor(state_dir)
    try:
        api = start_on_free_port(supervisor, lambda port: api_server_spec(env, port=port))
        api_url = f"http://{api.host}:{api.port}"
        web = start_on_free_port(supervisor, lambda port: web_server_spec(api_url, port=port))
        # The report cells are kept by the table's stream consumers, as in the cloud.
        start_on_free_port(supervisor, lambda port: report_stream_spec(env, port=port))
        yield Console(url=f"http://{web.host}:{web.port}", api_url=api_url, env=env)
    finally:
        supervisor.stop_all()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    playwright_sync = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} is missing: `make deps` installs Debian's chromium")
    with playwright_sync.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1360, "height": 860}, locale="en-GB", service_workers="block")
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture
def screenshot() -> Callable[[Any, str], Path]:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)

    def save(page: Any, name: str) -> Path:
        path = SCREENSHOT_DIR / f"{name}.png"
        page.screenshot(path=str(path), full_page=True, animations="disabled")
        return path

    return save


def sign_in(page: Any, console: Console, tenant: str = DEMO_TENANT, user: tuple[str, str] = DEMO_ADMIN) -> None:
    page.goto(console.url + "/")
    page.fill("#login-tenant", tenant)
    page.fill("#login-username", user[0])
    page.fill("#login-password", user[1])
    page.click("[data-testid=login-submit]")
    page.wait_for_selector("[data-testid=main-menu]")

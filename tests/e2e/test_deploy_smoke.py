"""The deploy smoke test (python -m infra.deploy.smoke), run as an operator would run it after a deploy, against the
local stack in the cloud's shape: template.yaml on DynamoDB Local and moto, the gateway, Cognito sign-in."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator

import pytest

from infra.deploy.smoke import STEPS
from infra.local.bootstrap import DEMO_ADMIN, DEMO_TENANT, PLATFORM_LOGIN
from tests.fixtures.local_cloud import REPOSITORY_ROOT, running_gateway, seeded_stack_env
from tests.fixtures.local_services import LocalEndpoint

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def api_url(dynamodb_local: LocalEndpoint, moto_server: LocalEndpoint,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The local stack as tests/e2e/test_local_gateway.py starts it: deployed, seeded as `make up` seeds it."""
    state_dir = tmp_path_factory.mktemp("smoke_gateway")
    env = seeded_stack_env(dynamodb_local, moto_server, state_dir, "smoke")
    with running_gateway(env, state_dir) as service:
        yield f"http://{service.host}:{service.port}"


def run_smoke(api_url: str, tenant: str, username: str, password: str) -> subprocess.CompletedProcess[str]:
    """The command line of the deploy guide; its environment holds no AWS endpoint: it is an API client only."""
    command = [sys.executable, "-m", "infra.deploy.smoke", "--api", api_url,
               "--tenant", tenant, "--username", username, "--password", password]
    environment = {name: value for name, value in os.environ.items() if not name.startswith(("AWS_", "GRIDVEND_"))}
    return subprocess.run(command, cwd=REPOSITORY_ROOT, env={**environment, "PYTHONPATH": str(REPOSITORY_ROOT)},
                          capture_output=True, text=True, timeout=120)


def passed_steps(output: str) -> list[str]:
    return re.findall(r"^ok +\d+\.\d\d s  ([a-z -]+):", output, flags=re.MULTILINE)


def test_a_platform_operator_smoke_sells_a_token_the_meter_accepts_in_a_throwaway_tenant(api_url: str) -> None:
    smoke = run_smoke(api_url, "platform", *PLATFORM_LOGIN)
    assert smoke.returncode == 0, smoke.stdout + smoke.stderr
    assert set(passed_steps(smoke.stdout)) == set(STEPS), smoke.stdout
    assert "FAIL" not in smoke.stdout
    assert re.search(r"decode token: the meter accepted \d{20}: [\d.]+ kWh, as on the receipt", smoke.stdout)
    assert "Idempotent-Replayed: true" in smoke.stdout
    tenant = re.search(r"throw-away tenant: (smoke-[0-9a-f]{8})", smoke.stdout)
    assert tenant and f"clean up: tenant {tenant[1]}: kept, suspended" in smoke.stdout
    assert re.search(r"clean up: (sales point|branch|tariff|customer type) SMK-\w+: deleted", smoke.stdout)
    assert smoke.stdout.rstrip().splitlines()[-1].startswith("smoke passed in ")


def test_a_tenant_admin_smoke_works_in_that_tenant_and_says_what_stays(api_url: str) -> None:
    first = run_smoke(api_url, DEMO_TENANT, *DEMO_ADMIN)
    second = run_smoke(api_url, DEMO_TENANT, *DEMO_ADMIN)  # unique codes: runs never clash
    for smoke in (first, second):
        assert smoke.returncode == 0, smoke.stdout + smoke.stderr
        assert set(passed_steps(smoke.stdout)) == set(STEPS) - {"throw-away tenant"}, smoke.stdout
        assert re.search(rf"^left behind in tenant {DEMO_TENANT}: sale \S+ \(a sale is permanent\)", smoke.stdout,
                         flags=re.MULTILINE)


def test_a_wrong_password_fails_loudly_with_the_apis_problem(api_url: str) -> None:
    smoke = run_smoke(api_url, DEMO_TENANT, DEMO_ADMIN[0], "not-the-password")
    assert smoke.returncode == 1, smoke.stdout + smoke.stderr
    assert re.search(r"^FAIL +\d+\.\d\d s  sign in: POST /v1/auth/login answered HTTP 401$", smoke.stdout,
                     flags=re.MULTILINE), smoke.stdout
    assert '"status": 401' in smoke.stdout and '"title": "Not authenticated"' in smoke.stdout
    assert "sell" not in passed_steps(smoke.stdout)
    assert smoke.stdout.rstrip().splitlines()[-1].startswith("smoke FAILED in ")

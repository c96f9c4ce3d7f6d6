"""The HTTP API on the local stack: `chalice local` serving the app in infra/local/api."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Mapping
from pathlib import Path

from infra.local.ports import LOOPBACK
from infra.local.supervisor import ServiceSpec

SERVICE_NAME = "api"
DEFAULT_PORT = 8000
STAGE = "local"
API_APP_DIR = Path(__file__).resolve().parent / "api"
REPOSITORY_ROOT = Path(__file__).resolve().parents[2]


def api_app_present(app_dir: Path = API_APP_DIR) -> bool:
    return (app_dir / "app.py").is_file()


def chalice_binary() -> str:
    beside_python = Path(sys.executable).with_name("chalice")
    if beside_python.is_file():
        return str(beside_python)
    found = shutil.which("chalice")
    if found is None:
        raise FileNotFoundError("chalice is not installed in the venv: run `make deps`")
    return found


def api_server_spec(
    env: Mapping[str, str],
    port: int = DEFAULT_PORT,
    host: str = LOOPBACK,
    app_dir: Path = API_APP_DIR,
) -> ServiceSpec:
    """`chalice local` for app_dir with the environment contract and the repository on PYTHONPATH."""
    return ServiceSpec(
        name=SERVICE_NAME,
        # Without the reloader a broken app exits at once (and is reported) instead of waiting
        # for a file change while the port stays closed.
        command=[
            chalice_binary(), "local", "--host", host, "--port", str(port), "--stage", STAGE,
            "--no-autoreload",
        ],
        port=port,
        host=host,
        env={**env, "PYTHONPATH": str(REPOSITORY_ROOT)},
        cwd=app_dir,
    )

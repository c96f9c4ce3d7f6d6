"""The local stack: `python -m infra.local.stack up|down|status`.

`up` starts DynamoDB Local, moto server and mosquitto (TLS), seeds the demo tenant, starts the API,
prints the addresses, and stays in the foreground until Ctrl-C (or `down` from another terminal);
then it stops everything it started, by process id.
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from infra.local import api_server, dynamodb_local, mosquitto, moto_server, web
from infra.local.environment import StackEndpoints, stack_environment, write_env_file
from infra.local.pki import ensure_ca, ensure_server_cert, issue_client_cert
from infra.local.ports import LOOPBACK
from infra.local.processes import read_pid_file, stop_by_pid_file, write_pid_file
from infra.local.supervisor import ServiceStartError, Supervisor, log_tail, stop_all_in

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
STATE_DIR = REPOSITORY_ROOT / ".gridvend"
STACK_PROCESS_NAME = "stack"
BOOTSTRAP_MODULE = "infra.local.bootstrap"
_STACK_STOP_GRACE_SECONDS = 60.0
_WATCH_INTERVAL_SECONDS = 1.0


def _stack_pid_path(state_dir: Path) -> Path:
    return state_dir / "run" / f"{STACK_PROCESS_NAME}.pid"


def start_services(supervisor: Supervisor, state_dir: Path) -> dict[str, str]:
    """Start the data services and return the environment contract for them."""
    pki_dir = state_dir / "pki"
    ensure_ca(pki_dir)
    ensure_server_cert(pki_dir)
    issue_client_cert(pki_dir, mosquitto.CLOUD_CLIENT_COMMON_NAME)
    supervisor.start(dynamodb_local.dynamodb_local_spec(db_dir=state_dir / "dynamodb"))
    supervisor.start(moto_server.moto_server_spec())
    supervisor.start(mosquitto.mosquitto_spec(state_dir / "mosquitto", pki_dir))
    endpoints = StackEndpoints(
        dynamodb_url=f"http://{LOOPBACK}:{dynamodb_local.DEFAULT_PORT}",
        moto_url=f"http://{LOOPBACK}:{moto_server.DEFAULT_PORT}",
        mqtt_host=LOOPBACK,
        mqtt_port=mosquitto.DEFAULT_TLS_PORT,
        pki_dir=pki_dir,
        state_dir=state_dir,
        api_url=f"http://{LOOPBACK}:{api_server.DEFAULT_PORT}",
    )
    return stack_environment(endpoints)


def run_bootstrap(env: dict[str, str]) -> None:
    """Create the table and seed the demo tenant, if the bootstrap module exists yet. A failure is
    reported and the stack stays up: the services are still of use to find what went wrong."""
    try:
        bootstrap_module = importlib.import_module(BOOTSTRAP_MODULE)
    except ModuleNotFoundError as missing:
        if missing.name != BOOTSTRAP_MODULE:
            raise
        print(f"{BOOTSTRAP_MODULE} does not exist yet: no table created, no demo tenant seeded")
        return
    seed: Callable[[dict[str, str]], None] = bootstrap_module.bootstrap
    try:
        seed(env)
    except Exception:
        traceback.print_exc()
        print("bootstrap failed (above): the table or the demo tenant may be missing", file=sys.stderr)
        return
    print("table ready, demo tenant seeded")


def start_api(supervisor: Supervisor, env: dict[str, str]) -> bool:
    """Start the API (template.yaml's, through the local gateway); if it fails, say so and keep the other
    services."""
    try:
        supervisor.start(api_server.api_server_spec(env))
    except ServiceStartError as failure:
        print(f"the API did not start: {failure}", file=sys.stderr)
        return False
    return True


def start_web(supervisor: Supervisor, env: dict[str, str]) -> str | None:
    """Serve the built console (proxying /v1 to the API); its address, or None if not built."""
    if not web.web_app_built():
        print(f"{web.WEB_DIST_DIR} is not built (`make web` builds it): the console is not served")
        return None
    try:
        service = supervisor.start(web.web_server_spec(env["GRIDVEND_API_URL"],
                                                       runtime_config=web.console_runtime_config(env)))
    except ServiceStartError as failure:
        print(f"the web console did not start: {failure}", file=sys.stderr)
        return None
    return f"http://{service.host}:{service.port}"


def start_devices(supervisor: Supervisor, env: dict[str, str]) -> list[str]:
    """The device side (iot/): the router standing in for the IoT rule and the table stream, the demo topology's
    master meters (before the fleet, so they hear its first readings) and a small simulated fleet for the demo
    tenant. Returns what started; a failure is reported, the rest stays up."""
    from infra.local.demo_feeder import demo_feeder_spec
    from iot.router.services import demo_fleet_spec, router_spec

    started: list[str] = []
    feeder = demo_feeder_spec(env)
    for spec in (router_spec(env), feeder, demo_fleet_spec(env)):
        try:
            supervisor.start(spec)
        except ServiceStartError as failure:
            print(f"{spec.name} did not start: {failure}", file=sys.stderr)
            if spec is feeder:
                continue  # only the line-loss figures miss it
            break
        started.append(spec.name)
    return started


def start_bridge_office(supervisor: Supervisor, env: dict[str, str]) -> list[str]:
    """The demo tenant's office hq: an emulated serial secure module and its bridge agent (infra/local/demo_bridge.py),
    and the tenant's module SM-HQ, whose keys are loaded through them. A failure is reported; the rest stays up."""
    from infra.local.demo_bridge import demo_bridge_specs, register_demo_bridge_module

    started: list[str] = []
    try:
        for spec in demo_bridge_specs(env):
            supervisor.start(spec)
            started.append(spec.name)
        keys = register_demo_bridge_module(Path(env["GRIDVEND_STATE_DIR"]))
        print(f"demo office hq: module SM-HQ through its bridge agent holds keys {', '.join(keys)}")
    except Exception as failure:  # the demo office is an extra: report it, keep the stack
        print(f"the demo office's bridge did not start: {failure}", file=sys.stderr)
    return started


def start_report_stream(supervisor: Supervisor, env: dict[str, str]) -> bool:
    """The report cells' stream consumers on DynamoDB Local's stream (infra/local/report_stream.py)."""
    from infra.local.report_stream import report_stream_spec

    try:
        supervisor.start(report_stream_spec(env))
    except ServiceStartError as failure:
        print(f"the report stream did not start: {failure}", file=sys.stderr)
        return False
    return True


def print_summary(env: dict[str, str], api_started: bool, state_dir: Path, web_url: str | None = None) -> None:
    from infra.local.demo_guide import demo_logins, demo_topology_id, demo_walkthrough

    lines = [
        "",
        "Gridvend local stack is up (Ctrl-C or `make down` stops it):",
        f"  web console     {f'{web_url}  (installer app: {web_url}/installer)' if web_url else '(not running)'}",
        f"  API             {env['GRIDVEND_API_URL'] if api_started else '(not running)'}",
        f"  DynamoDB Local  {env['AWS_ENDPOINT_URL_DYNAMODB']}  table {env['GRIDVEND_TABLE']}",
        f"  moto server     {env['AWS_ENDPOINT_URL']}  (Cognito, IoT, S3, SSM, SES, STS, SNS)",
        f"  MQTT over TLS   mqtts://{env['GRIDVEND_MQTT_HOST']}:{env['GRIDVEND_MQTT_PORT']}"
        f"  (client certificates from {env['GRIDVEND_PKI_DIR']})",
        f"  environment     {state_dir / 'env'}",
        f"  logs            {state_dir / 'logs'}",
        "Demo logins:",
        *(f"  {login}" for login in demo_logins(web_url)),
        *(["Try:", *(f"  {step}" for step in demo_walkthrough(env["GRIDVEND_API_URL"], demo_topology_id()))]
          if api_started else []),
        "",
    ]
    print("\n".join(lines), flush=True)


def watch(supervisor: Supervisor) -> None:
    """Stay in the foreground until interrupted or until a service exits on its own."""
    while True:
        exited = supervisor.first_exited()
        if exited is not None:
            print(f"{exited.name} exited; last lines of {exited.log_path}:\n{log_tail(exited.log_path)}")
            return
        time.sleep(_WATCH_INTERVAL_SECONDS)


def up(state_dir: Path = STATE_DIR) -> int:
    stack_pid_path = _stack_pid_path(state_dir)
    running = read_pid_file(stack_pid_path)
    if running is not None and running.is_current():
        print(f"the stack already runs as pid {running.pid}; `make down` stops it", file=sys.stderr)
        return 1
    write_pid_file(stack_pid_path, os.getpid())
    # Ctrl-C, and SIGTERM (from `make down` or kill), shut the stack down; SIGINT is set explicitly
    # because a shell starting us in the background hands it down ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    supervisor = Supervisor(state_dir)
    exit_code = 0
    try:
        env = start_services(supervisor, state_dir)
        write_env_file(state_dir / "env", env)
        os.environ.update(env)
        run_bootstrap(env)
        api_started = start_api(supervisor, env)
        web_url = start_web(supervisor, env)
        devices = start_devices(supervisor, env)
        devices += start_bridge_office(supervisor, env)
        if start_report_stream(supervisor, env):
            devices.append("report-stream")
        print(f"devices: {', '.join(devices) or 'none'} (logs in {state_dir / 'logs'})")
        print_summary(env, api_started, state_dir, web_url)
        watch(supervisor)
        exit_code = 1
    except KeyboardInterrupt:
        print("\nstopping the local stack")
    except (ServiceStartError, FileNotFoundError) as failure:
        print(f"the local stack could not start: {failure}", file=sys.stderr)
        exit_code = 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        supervisor.stop_all()
        stack_pid_path.unlink(missing_ok=True)
        print("local stack stopped")
    return exit_code


def down(state_dir: Path = STATE_DIR) -> int:
    """Stop the foreground stack (it stops its services), then anything a pid file still names."""
    stack_was_running = stop_by_pid_file(_stack_pid_path(state_dir), _STACK_STOP_GRACE_SECONDS)
    leftovers = stop_all_in(state_dir / "run", first=(api_server.SERVICE_NAME,))
    if stack_was_running:
        print("stopped the local stack")
    for name in leftovers:
        print(f"stopped {name}")
    if not stack_was_running and not leftovers:
        print("the local stack was not running")
    return 0


def status(state_dir: Path = STATE_DIR) -> int:
    pid_paths = sorted((state_dir / "run").glob("*.pid"))
    any_running = False
    for pid_path in pid_paths:
        record = read_pid_file(pid_path)
        running = record is not None and record.is_current()
        any_running = any_running or running
        pid_text = record.pid if record is not None else "?"
        print(f"{pid_path.stem:10} pid {pid_text:<8} {'running' if running else 'stale pid file'}")
    if not pid_paths:
        print("the local stack is not running")
    return 0 if any_running else 3


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.local.stack", description=__doc__)
    parser.add_argument("command", choices=("up", "down", "status"))
    arguments = parser.parse_args(argv)
    commands: dict[str, Callable[[], int]] = {"up": up, "down": down, "status": status}
    return commands[arguments.command]()


if __name__ == "__main__":
    sys.exit(main())

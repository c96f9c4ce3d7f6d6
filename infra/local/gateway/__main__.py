"""`python -m infra.local.gateway --port 8000`: deploys template.yaml onto the local services named by the
environment (the stack's contract, infra/local/environment.py) and serves its API until stopped."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path
from types import FrameType

from infra.local.gateway.deployment import deploy_locally, function_platform_env
from infra.local.gateway.server import LocalGateway, make_server
from infra.local.ports import LOOPBACK


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default=LOOPBACK)
    parser.add_argument("--port", type=int, default=8000)
    arguments = parser.parse_args(argv)
    env = dict(os.environ)
    state_dir = Path(env.get("GRIDVEND_STATE_DIR", ".gridvend"))
    deployment = deploy_locally(env)
    spec = deployment.spec
    url = f"http://{arguments.host}:{arguments.port}"
    gateway = LocalGateway(spec, function_platform_env(env, url), state_dir / "logs",
                           env.get("AWS_DEFAULT_REGION", "us-east-1"))
    server = make_server(gateway, arguments.host, arguments.port)

    def stop(signal_number: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    gateway.warm()
    print(f"API Gateway (template.yaml, {len(spec.routes)} routes, {len(spec.functions)} functions) on {url}",
          flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        gateway.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

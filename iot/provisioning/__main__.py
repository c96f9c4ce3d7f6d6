"""`python -m iot.provisioning --tenant demo --thing MOD-1 --kind module --meter 04710000001`: provisions
one thing on the local stack (certificate from the local CA, IoT thing and policy on moto server, the
tenant's registry) and prints where its certificate and key are."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gridvend.errors import GridvendError
from gridvend.store.ami.things import ThingKind
from iot.provisioning.provision import Provisioner
from iot.router.environment import aws_client, local_env, table_store


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m iot.provisioning", description=__doc__)
    parser.add_argument("--tenant", required=True)
    parser.add_argument("--thing", required=True)
    parser.add_argument("--kind", choices=[kind.value for kind in ThingKind], default=ThingKind.MODULE.value)
    parser.add_argument("--meter", action="append", default=[], help="a meter it serves (repeat for several)")
    arguments = parser.parse_args(argv)
    env = local_env()
    provisioner = Provisioner(table_store(env), Path(env["GRIDVEND_PKI_DIR"]), aws_client(env, "iot"))
    try:
        made = provisioner.provision(arguments.tenant, arguments.thing, ThingKind(arguments.kind), arguments.meter)
    except GridvendError as error:
        print(f"not provisioned: {error.detail}", file=sys.stderr)
        return 2
    print(f"thing {made.thing.iot_thing_name}: certificate {made.cert_path}, key {made.key_path}, CA {made.ca_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

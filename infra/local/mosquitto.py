"""Mosquitto as the local stand-in for the IoT Core data plane: MQTT over TLS with client certificates
only, on one loopback listener, and topic access decided by the certificate's common name.

A device's certificate CN is "<tenant>/<thing>": it may publish only under gv/<tenant>/<thing>/up/ and
subscribe only under gv/<tenant>/<thing>/down/. The cloud side (CN "gridvend-cloud") has all of gv/.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from infra.local.pki import ca_cert_path, ensure_server_cert
from infra.local.ports import LOOPBACK
from infra.local.supervisor import ServiceSpec

SERVICE_NAME = "mosquitto"
CLOUD_CLIENT_COMMON_NAME = "gridvend-cloud"
DEFAULT_TLS_PORT = 8883


def mosquitto_binary() -> str:
    found = shutil.which("mosquitto") or next(
        (candidate for candidate in ("/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto")
         if os.access(candidate, os.X_OK)),
        None,
    )
    if found is None:
        raise FileNotFoundError("mosquitto is not installed: run `make deps` (Debian package mosquitto)")
    return found


def acl_text() -> str:
    # %u is the username, which use_identity_as_username sets to the client certificate's CN.
    return (
        "# Written by infra/local/mosquitto.py; edits are overwritten on start.\n"
        "# Devices (certificate CN <tenant>/<thing>): uplinks out, commands in, nothing else.\n"
        "pattern write gv/%u/up/#\n"
        "pattern read gv/%u/down/#\n"
        "\n"
        "# The cloud side: every tenant's topics.\n"
        f"user {CLOUD_CLIENT_COMMON_NAME}\n"
        "topic readwrite gv/#\n"
    )


def config_text(pki_dir: Path, acl_path: Path, port: int, host: str = LOOPBACK) -> str:
    server_cert, server_key = ensure_server_cert(pki_dir)
    return (
        "# Written by infra/local/mosquitto.py; edits are overwritten on start.\n"
        "per_listener_settings false\n"
        "allow_anonymous false\n"
        "persistence false\n"
        # Stay the user who started us (root drops to `mosquitto` otherwise, who cannot read our keys).
        "user root\n"
        "log_dest stdout\n"
        "log_type error\nlog_type warning\nlog_type notice\nlog_type information\n"
        "connection_messages true\n"
        # Small request/answer messages (bridge calls, commands) must not wait on delayed ACKs.
        "set_tcp_nodelay true\n"
        f"acl_file {acl_path}\n"
        "\n"
        f"listener {port} {host}\n"
        f"cafile {ca_cert_path(pki_dir)}\n"
        f"certfile {server_cert}\n"
        f"keyfile {server_key}\n"
        "require_certificate true\n"
        "use_identity_as_username true\n"
        "tls_version tlsv1.2\n"
    )


def write_config(config_dir: Path, pki_dir: Path, port: int, host: str = LOOPBACK) -> Path:
    """Write mosquitto.conf and acl into config_dir (server certificate made if needed)."""
    config_dir.mkdir(parents=True, exist_ok=True)
    acl_path = config_dir / "acl"
    acl_path.write_text(acl_text())
    config_path = config_dir / "mosquitto.conf"
    config_path.write_text(config_text(pki_dir, acl_path, port, host))
    return config_path


def mosquitto_spec(
    config_dir: Path, pki_dir: Path, port: int = DEFAULT_TLS_PORT, host: str = LOOPBACK
) -> ServiceSpec:
    config_path = write_config(config_dir, pki_dir, port, host)
    return ServiceSpec(
        name=SERVICE_NAME,
        command=[mosquitto_binary(), "-c", str(config_path)],
        port=port,
        host=host,
        startup_timeout_seconds=30.0,
    )

"""Settings read from the environment: table name, token issuer, endpoints. Nothing here is a secret."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


@dataclass(frozen=True)
class Settings:
    table_name: str
    state_dir: Path
    token_issuer: str
    token_audience: str
    jwks_url: str | None
    access_token_minutes: int
    login_failures_before_lockout: int
    lockout_minutes: int

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        return cls(
            table_name=env.get("GRIDVEND_TABLE", "gridvend"),
            state_dir=Path(env.get("GRIDVEND_STATE_DIR", ".gridvend")),
            token_issuer=env.get("GRIDVEND_TOKEN_ISSUER", "https://auth.gridvend.local"),
            token_audience=env.get("GRIDVEND_TOKEN_AUDIENCE", "gridvend-console"),
            jwks_url=reached_url(env.get("GRIDVEND_JWKS_URL") or None, env),
            access_token_minutes=int(env.get("GRIDVEND_ACCESS_TOKEN_MINUTES", "480")),
            login_failures_before_lockout=int(env.get("GRIDVEND_LOGIN_FAILURES_BEFORE_LOCKOUT", "5")),
            lockout_minutes=int(env.get("GRIDVEND_LOCKOUT_MINUTES", "15")),
        )


def reached_url(url: str | None, env: Mapping[str, str]) -> str | None:
    """A Cognito URL as this process reaches it: where the SDK's endpoint for cognito-idp is overridden
    (AWS_ENDPOINT_URL_COGNITO_IDP, else AWS_ENDPOINT_URL, as on the local stack), the URL goes there too."""
    if not url:
        return None
    parts = urlsplit(url)
    override = env.get("AWS_ENDPOINT_URL_COGNITO_IDP") or env.get("AWS_ENDPOINT_URL")
    if not override or not (parts.hostname or "").startswith("cognito-idp."):
        return url
    endpoint = urlsplit(override)
    return urlunsplit((endpoint.scheme, endpoint.netloc, parts.path, parts.query, parts.fragment))

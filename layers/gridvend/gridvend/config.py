"""Settings read from the environment: table name, token issuer, endpoints. Nothing here is a secret."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


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
            jwks_url=env.get("GRIDVEND_JWKS_URL") or None,
            access_token_minutes=int(env.get("GRIDVEND_ACCESS_TOKEN_MINUTES", "480")),
            login_failures_before_lockout=int(env.get("GRIDVEND_LOGIN_FAILURES_BEFORE_LOCKOUT", "5")),
            lockout_minutes=int(env.get("GRIDVEND_LOCKOUT_MINUTES", "15")),
        )

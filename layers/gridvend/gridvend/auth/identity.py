"""Who holds operators' passwords and signs their tokens: the identity directory.

Locally (`GRIDVEND_IDENTITY=local`, the default) the table keeps an Argon2 hash and the local RS256 issuer
signs tokens. In the cloud (`cognito`, gridvend.auth.cognito) the user pool keeps the password and signs the
ID token. Either way the table keeps the operator, its roles, lockout, barring and the login log, and login
checks those before it asks the directory about the password.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Protocol

from gridvend.auth.passwords import hash_password, verify_password
from gridvend.auth.tokens import issue_access_token, issue_refresh_token, verify_refresh_token
from gridvend.config import Settings
from gridvend.store.users import Operator


@dataclass(frozen=True)
class SignedIn:
    access_token: str
    expires_in: int
    refresh_token: str | None = None


class IdentityDirectory(Protocol):
    def stored_password_hash(self, password: str) -> str:
        """What the table keeps for this password (empty when the directory keeps passwords itself)."""
        ...

    def add_operator(self, tenant_id: str, operator: Operator, password: str) -> None:
        """Creates the operator's sign-in identity with its roles (idempotent: an existing one is updated)."""
        ...

    def update_operator(self, tenant_id: str, operator: Operator) -> None:
        """Brings roles and sales point in the directory in line with the operator record."""
        ...

    def set_password(self, tenant_id: str, operator: Operator, password: str) -> None: ...

    def sign_in(self, tenant_id: str, operator: Operator, password: str) -> SignedIn | None:
        """A token for the operator, or None when the password is wrong."""
        ...

    def set_tenant_enabled(self, tenant_id: str, enabled: bool) -> None:
        """Suspension: a disabled tenant's operators cannot get tokens from the directory at all."""
        ...

    def refresh(self, tenant_id: str, operator: Operator, refresh_token: str) -> SignedIn | None:
        """A new access token for a refresh token the operator got at sign-in, or None when it is not (or no
        longer) valid."""
        ...

    def sign_out_everywhere(self, tenant_id: str, operator: Operator) -> None:
        """Ends the operator's refresh tokens (their tokens were revoked: barred, roles or password changed)."""
        ...


class LocalDirectory:
    """Passwords as Argon2 hashes in the table, tokens from the local issuer."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def stored_password_hash(self, password: str) -> str:
        return hash_password(password)

    def add_operator(self, tenant_id: str, operator: Operator, password: str) -> None:
        return None

    def update_operator(self, tenant_id: str, operator: Operator) -> None:
        return None

    def set_password(self, tenant_id: str, operator: Operator, password: str) -> None:
        return None

    def sign_in(self, tenant_id: str, operator: Operator, password: str) -> SignedIn | None:
        if not verify_password(operator.password_hash, password):
            return None
        signed_in = self._access_token(tenant_id, operator)
        return replace(signed_in, refresh_token=issue_refresh_token(self._settings, tenant_id, operator.username))

    def set_tenant_enabled(self, tenant_id: str, enabled: bool) -> None:
        return None

    def refresh(self, tenant_id: str, operator: Operator, refresh_token: str) -> SignedIn | None:
        issued_at = verify_refresh_token(self._settings, refresh_token, tenant_id, operator.username)
        if issued_at is None or not operator.accepts_token_issued_at(issued_at):
            return None  # a refresh token from before a revocation ends with it
        return self._access_token(tenant_id, operator)

    def sign_out_everywhere(self, tenant_id: str, operator: Operator) -> None:
        return None  # local refresh tokens carry their issue time, checked against the operator's at refresh

    def _access_token(self, tenant_id: str, operator: Operator) -> SignedIn:
        token, lifetime = issue_access_token(
            self._settings,
            subject=operator.user_id,
            tenant_id=tenant_id,
            username=operator.username,
            groups=operator.roles,
            sales_point_id=operator.sales_point_id,
        )
        return SignedIn(token, lifetime)


__all__ = ["IdentityDirectory", "LocalDirectory", "SignedIn"]

"""Who holds operators' passwords and signs their tokens: the identity directory.

Locally (`GRIDVEND_IDENTITY=local`, the default) the table keeps an Argon2 hash and the local RS256 issuer
signs tokens. In the cloud (`cognito`, gridvend.auth.cognito) the user pool keeps the password and signs the
ID token. Either way the table keeps the operator, its roles, lockout, barring and the login log, and login
checks those before it asks the directory about the password.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from gridvend.auth.passwords import hash_password, verify_password
from gridvend.auth.tokens import issue_access_token
from gridvend.config import Settings
from gridvend.store.users import Operator


@dataclass(frozen=True)
class SignedIn:
    access_token: str
    expires_in: int


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
        token, lifetime = issue_access_token(
            self._settings,
            subject=operator.user_id,
            tenant_id=tenant_id,
            username=operator.username,
            groups=operator.roles,
            sales_point_id=operator.sales_point_id,
        )
        return SignedIn(token, lifetime)

    def set_tenant_enabled(self, tenant_id: str, enabled: bool) -> None:
        return None


__all__ = ["IdentityDirectory", "LocalDirectory", "SignedIn"]

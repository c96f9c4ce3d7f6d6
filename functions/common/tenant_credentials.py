"""Tenant-scoped table access in the cloud: per tenant, STS AssumeRole on GRIDVEND_TENANT_ROLE_ARN with the
session tag tenant_id=<tenant>, and a store whose DynamoDB calls sign with the credentials that come back.
The role's policy reaches only keys starting `T#<tenant>#`. One set of credentials per tenant per container,
renewed shortly before it expires."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from gridvend.auth.context import validate_tenant_id
from gridvend.clock import utc_now
from gridvend.store.dynamo import AwsCredentials, DynamoItemStore, table_model_with_credentials

TENANT_TAG = "tenant_id"
SESSION_SECONDS = 900  # the shortest session STS grants
RENEW_BEFORE_EXPIRY = timedelta(seconds=60)
MAX_CACHED_TENANTS = 256


class StsClient(Protocol):
    def assume_role(self, **kwargs: Any) -> Any: ...



def role_session_name(tenant_id: str) -> str:
    """Shows in CloudTrail which tenant a call was for; fits STS's 64-character limit."""
    return f"gridvend-{tenant_id}"


@dataclass(frozen=True)
class TenantSession:
    tenant_id: str
    credentials: AwsCredentials
    expires_at: datetime
    store: DynamoItemStore


class TenantStores:
    """Hands out the store for a tenant, assuming the tenant role only when the cached session is about to
    expire. Thread-safe (chalice local serves requests on threads; a Lambda container serves one at a time)."""

    def __init__(
        self,
        sts: StsClient,
        role_arn: str,
        *,
        clock: Callable[[], datetime] = utc_now,
        session_seconds: int = SESSION_SECONDS,
        renew_before: timedelta = RENEW_BEFORE_EXPIRY,
    ) -> None:
        self._sts = sts
        self._role_arn = role_arn
        self._clock = clock
        self._session_seconds = session_seconds
        self._renew_before = renew_before
        self._sessions: dict[str, TenantSession] = {}
        self._lock = threading.Lock()

    def store_for(self, tenant_id: str) -> DynamoItemStore:
        return self.session_for(tenant_id).store

    def session_for(self, tenant_id: str) -> TenantSession:
        validate_tenant_id(tenant_id, "tenant")
        with self._lock:
            session = self._sessions.get(tenant_id)
            if session is None or self._clock() >= session.expires_at - self._renew_before:
                session = self._assume(tenant_id)
                self._remember(session)
            return session

    def sessions(self) -> list[TenantSession]:
        """The sessions held now (for diagnostics and tests)."""
        with self._lock:
            return list(self._sessions.values())

    def _assume(self, tenant_id: str) -> TenantSession:
        reply = self._sts.assume_role(
            RoleArn=self._role_arn,
            RoleSessionName=role_session_name(tenant_id),
            Tags=[{"Key": TENANT_TAG, "Value": tenant_id}],
            DurationSeconds=self._session_seconds,
        )
        issued = reply["Credentials"]
        credentials = AwsCredentials(
            access_key_id=issued["AccessKeyId"],
            secret_access_key=issued["SecretAccessKey"],
            session_token=issued["SessionToken"],
        )
        expires_at = issued["Expiration"]
        if expires_at.tzinfo is None:
            expires_at = expires_at.replace(tzinfo=UTC)
        store = DynamoItemStore(table_model_with_credentials(credentials))
        return TenantSession(tenant_id, credentials, expires_at, store)

    def _remember(self, session: TenantSession) -> None:
        self._sessions.pop(session.tenant_id, None)
        self._sessions[session.tenant_id] = session
        if len(self._sessions) > MAX_CACHED_TENANTS:
            now = self._clock()
            for tenant_id in [t for t, s in self._sessions.items() if s.expires_at <= now]:
                del self._sessions[tenant_id]
        while len(self._sessions) > MAX_CACHED_TENANTS:
            del self._sessions[next(iter(self._sessions))]  # the least recently assumed


__all__ = ["TENANT_TAG", "TenantSession", "TenantStores", "role_session_name"]

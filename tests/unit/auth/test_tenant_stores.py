"""Per-tenant stores from STS sessions (fake STS here; tests/api/test_cloud_modes.py runs it on moto)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from functions.common.tenant_credentials import MAX_CACHED_TENANTS, TenantStores
from gridvend.errors import InvalidInput

START = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)


class FakeSts:
    def __init__(self, clock: list[datetime]) -> None:
        self.calls: list[dict[str, Any]] = []
        self._clock = clock
        self._serial = itertools.count(1)

    def assume_role(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        number = next(self._serial)
        return {
            "Credentials": {
                "AccessKeyId": f"ASIAFAKE{number:04d}",
                "SecretAccessKey": f"secret-{number}",
                "SessionToken": f"token-{number}",
                "Expiration": self._clock[0] + timedelta(seconds=kwargs["DurationSeconds"]),
            }
        }


@pytest.fixture
def clock() -> list[datetime]:
    return [START]


@pytest.fixture
def sts(clock: list[datetime]) -> FakeSts:
    return FakeSts(clock)


@pytest.fixture
def stores(sts: FakeSts, clock: list[datetime]) -> TenantStores:
    return TenantStores(sts, "arn:aws:iam::123456789012:role/tenant", clock=lambda: clock[0])


def test_the_session_is_tagged_with_the_tenant(stores: TenantStores, sts: FakeSts) -> None:
    stores.store_for("acme")
    (call,) = sts.calls
    assert call["Tags"] == [{"Key": "tenant_id", "Value": "acme"}]
    assert call["DurationSeconds"] == 900
    assert call["RoleArn"].endswith(":role/tenant")
    assert "acme" in call["RoleSessionName"]


def test_the_store_signs_with_the_assumed_credentials(stores: TenantStores) -> None:
    meta = stores.store_for("acme").model.Meta
    signing = [getattr(meta, name) for name in ("aws_access_key_id", "aws_secret_access_key", "aws_session_token")]
    assert signing == [
        "ASIAFAKE0001", "secret-1", "token-1",
    ]


def test_sessions_are_kept_per_tenant_until_shortly_before_expiry(
    stores: TenantStores, sts: FakeSts, clock: list[datetime]
) -> None:
    first = stores.store_for("acme")
    other = stores.store_for("acme2")
    clock[0] = START + timedelta(seconds=900 - 90)
    assert stores.store_for("acme") is first
    assert other is not first
    assert len(sts.calls) == 2
    clock[0] = START + timedelta(seconds=900 - 30)
    renewed = stores.store_for("acme")
    assert renewed is not first
    assert renewed.model.Meta.aws_access_key_id == "ASIAFAKE0003"
    assert stores.store_for("acme") is renewed


def test_a_malformed_tenant_id_never_reaches_sts(stores: TenantStores, sts: FakeSts) -> None:
    for bad in ("", "acme*", "ACME", "a b", "acme/x"):
        with pytest.raises(InvalidInput):
            stores.store_for(bad)
    assert sts.calls == []


def test_the_cache_stays_bounded(stores: TenantStores) -> None:
    for number in range(MAX_CACHED_TENANTS + 5):
        stores.store_for(f"tenant-{number}")
    assert len(stores._sessions) == MAX_CACHED_TENANTS
    assert "tenant-0" not in stores._sessions

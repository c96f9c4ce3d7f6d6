"""Cognito names carry their tenant; a verified token shows them without it, and never another tenant's."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from gridvend.auth.pool_names import name_within_tenant, pool_group, pool_username
from gridvend.auth.tokens import issue_access_token, verify_access_token
from gridvend.config import Settings
from gridvend.errors import Unauthenticated


def test_pool_names_put_the_tenant_first() -> None:
    assert pool_username("acme", "admin") == "acme/admin"
    assert pool_group("acme", "cashier") == "acme/cashier"


@pytest.mark.parametrize(
    ("name", "expected"),
    [("acme/cashier", "cashier"), ("cashier", "cashier"), ("acme2/cashier", None), ("acm/cashier", None),
     ("acme/", None), ("other/acme/x", None)],
)
def test_a_name_is_read_within_its_tenant_only(name: str, expected: str | None) -> None:
    assert name_within_tenant("acme", name) == expected


@pytest.fixture
def local_settings(tmp_path: Path) -> Settings:
    return replace(Settings.from_env(), state_dir=tmp_path, jwks_url=None)


def test_verified_claims_drop_the_tenant_part_and_other_tenants_groups(local_settings: Settings) -> None:
    token, _ = issue_access_token(
        local_settings,
        subject="sub-1",
        tenant_id="acme",
        username="acme/alice",
        groups=["acme/admin", "acme2/admin", "cashier"],
        sales_point_id=None,
    )
    claims = verify_access_token(local_settings, token)
    assert (claims.tenant_id, claims.username) == ("acme", "alice")
    assert claims.groups == ("admin", "cashier")


def test_a_token_whose_user_belongs_to_another_tenant_is_refused(local_settings: Settings) -> None:
    token, _ = issue_access_token(
        local_settings, subject="s", tenant_id="acme", username="acme2/alice", groups=[], sales_point_id=None
    )
    with pytest.raises(Unauthenticated):
        verify_access_token(local_settings, token)

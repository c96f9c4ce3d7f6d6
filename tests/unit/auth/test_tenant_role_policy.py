"""The tenant role in template.yaml reaches only keys of the tenant in its session tag: `T#acme#*` can never
match a key of `acme2` (the '#' after the tenant id closes the prefix)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridvend.auth.context import TENANT_ID_PATTERN, TenantContext, validate_tenant_id
from gridvend.errors import InvalidInput
from gridvend.store.tenants import settings_key
from gridvend.store.users import users_partition
from tests.unit.auth.iam_policy import leading_key_patterns, leading_keys_allowed, with_session_tags

tenant_ids = st.from_regex(TENANT_ID_PATTERN, fullmatch=True)
key_rests = st.text(alphabet="ABCXYZ0123456789#-:", max_size=20)


def test_the_pattern_is_the_key_prefix_every_repository_uses() -> None:
    context = TenantContext(tenant_id="acme", user_id="u", username="u")
    assert [with_session_tags(pattern, {"tenant_id": "acme"}) for pattern in leading_key_patterns()] == [
        f"{context.key_prefix}*"
    ]


def test_a_tenant_reaches_its_own_keys() -> None:
    own_keys = [users_partition("acme"), settings_key("acme")[0], "T#acme#AUDIT#2024-05", "T#acme#USER#ID"]
    assert leading_keys_allowed({"tenant_id": "acme"}, own_keys)


@pytest.mark.parametrize("other", ["acme2", "acme-2", "acm", "acmee", "xacme", "ACME"])
def test_a_tenant_does_not_reach_a_tenant_whose_id_starts_like_its_own(other: str) -> None:
    assert not leading_keys_allowed({"tenant_id": "acme"}, [f"T#{other}#USER"])
    assert not leading_keys_allowed({"tenant_id": other}, ["T#acme#USER"])


def test_one_foreign_key_refuses_the_whole_request() -> None:
    assert not leading_keys_allowed({"tenant_id": "acme"}, ["T#acme#USER", "T#acme2#USER"])


def test_keys_without_the_tenant_frame_are_refused() -> None:
    assert not leading_keys_allowed({"tenant_id": "acme"}, ["acme#USER"])
    assert not leading_keys_allowed({"tenant_id": "acme"}, ["T#acme"])


@given(own=tenant_ids, other=tenant_ids, rest=key_rests)
def test_no_tenant_reaches_another_tenants_keys(own: str, other: str, rest: str) -> None:
    assert leading_keys_allowed({"tenant_id": own}, [f"T#{own}#{rest}"])
    if own != other:
        assert not leading_keys_allowed({"tenant_id": own}, [f"T#{other}#{rest}"])


@pytest.mark.parametrize("widening", ["acme*", "ac?e", "acme#", "*", "acme/x"])
def test_a_tenant_id_cannot_carry_characters_that_would_widen_the_pattern(widening: str) -> None:
    with pytest.raises(InvalidInput):
        validate_tenant_id(widening)

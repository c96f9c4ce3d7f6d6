"""Evaluates the tenant role's `dynamodb:LeadingKeys` condition from template.yaml the way IAM does, for the
tests: policy variables filled from the session tags, then ForAllValues:StringLike (`*` any run of characters,
`?` exactly one, case-sensitive, every key must match)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from cfnlint.decode import decode_str

TEMPLATE = Path(__file__).parents[3] / "template.yaml"
TENANT_ROLE = "TenantTableAccessRole"
PRINCIPAL_TAG = re.compile(r"\$\{aws:PrincipalTag/([^}]+)\}")


@lru_cache(maxsize=1)
def leading_key_patterns() -> tuple[str, ...]:
    """The LeadingKeys patterns of the tenant role's allow statements, as written in the template."""
    template, problems = decode_str(TEMPLATE.read_text())
    assert not problems
    role: dict[str, Any] = template["Resources"][TENANT_ROLE]
    patterns: list[str] = []
    for policy in role["Properties"]["Policies"]:
        for statement in policy["PolicyDocument"]["Statement"]:
            condition = statement.get("Condition", {}).get("ForAllValues:StringLike", {})
            patterns.extend(str(pattern) for pattern in condition.get("dynamodb:LeadingKeys", []))
    assert patterns, "the tenant role has no LeadingKeys condition"
    return tuple(patterns)


def with_session_tags(pattern: str, tags: dict[str, str]) -> str:
    return PRINCIPAL_TAG.sub(lambda match: tags[match.group(1)], pattern)


def string_like(pattern: str, value: str) -> bool:
    regex = "".join(".*" if char == "*" else "." if char == "?" else re.escape(char) for char in pattern)
    return re.fullmatch(regex, value, flags=re.DOTALL) is not None


def leading_keys_allowed(tags: dict[str, str], leading_keys: list[str]) -> bool:
    patterns = [with_session_tags(pattern, tags) for pattern in leading_key_patterns()]
    return all(any(string_like(pattern, key) for pattern in patterns) for key in leading_keys)

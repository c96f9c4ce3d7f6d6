"""The permission catalogue: modules and the actions each one grants (seed 000 §2.5-2.6)."""

from __future__ import annotations

from gridvend.errors import InvalidInput

CRUD_ACTIONS = ("view", "create", "update", "delete", "export")
BILL_ACTIONS = ("check", "uncheck")

# Modules other than the archive kinds; each later feature adds its module here.
OTHER_MODULES: dict[str, tuple[str, ...]] = {
    "operators": CRUD_ACTIONS,
    "audit": ("view", "export"),
    "login-log": ("view", "export"),
    "tenant-settings": ("view", "update"),
    "bills": BILL_ACTIONS,
}


def catalogue() -> dict[str, tuple[str, ...]]:
    from gridvend.archives.kinds import ARCHIVE_KINDS

    modules: dict[str, tuple[str, ...]] = {kind.module: CRUD_ACTIONS for kind in ARCHIVE_KINDS.values()}
    modules.update(OTHER_MODULES)
    return modules


def validate_permissions(permissions: list[str], field_name: str = "permissions") -> list[str]:
    known = catalogue()
    for position, permission in enumerate(permissions):
        module, _, action = permission.partition(":")
        if permission == "*":
            continue
        if module not in known or (action != "*" and action not in known[module]):
            raise InvalidInput.for_field(f"{field_name}[{position}]", f"unknown permission '{permission}'")
    return sorted(set(permissions))

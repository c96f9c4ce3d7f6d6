"""The permission catalogue: modules and the actions each one grants (seed 000 §2.5-2.6)."""

from __future__ import annotations

from gridvend.errors import InvalidInput

CRUD_ACTIONS = ("view", "create", "update", "delete", "export")
BILL_ACTIONS = ("check", "uncheck")
# Kept in step with gridvend.reports.definitions (a test checks), so this module imports nothing more.
REPORT_NAMES = (
    "sales-daily", "sales-monthly", "sales-annual", "purchase-daily-balance", "power-vending",
    "charges-collected", "vat", "debt-recovered",
)
# The reports over records rather than sales cells (functions/reports/catalogue.py; a test checks).
RECORD_REPORT_NAMES = (
    "customer-information", "abnormal-purchase", "login-log", "meter-status", "expiring-meters", "meter-keys",
    "energy", "month-power", "consumption", "curve", "alarm-events", "disconnected-devices",
)

# Modules other than the archive kinds; each later feature adds its module here.
OTHER_MODULES: dict[str, tuple[str, ...]] = {
    "operators": CRUD_ACTIONS,
    "audit": ("view", "export"),
    "login-log": ("view", "export"),
    "tenant-settings": ("view", "update"),
    "bills": BILL_ACTIONS,
    "meters": CRUD_ACTIONS,
    "devices": CRUD_ACTIONS,
    "stock-bills": CRUD_ACTIONS,
    "imports": ("view", "create"),
    "customers": (*CRUD_ACTIONS, "close"),
    "register-bills": CRUD_ACTIONS,
    "contracts": (*CRUD_ACTIONS, "cancel", "replace", "change-pay-type"),
    "points-of-collection": CRUD_ACTIONS,
    "work-orders": (*CRUD_ACTIONS, "execute"),
    "cards": (*CRUD_ACTIONS, "issue"),
    # Vending (functions/vending)
    "vending": ("view", "create", "export", "cancel", "refund", "any-sales-point"),
    "secure-modules": ("view", "create", "update"),
    "engineering-tokens": (
        "view",
        "key-change",
        "power-limit",
        "clear-credit",
        "clear-tamper",
        "phase-unbalance",
        "free-credit",
        "test",
    ),
    # Sales channels (functions/channels)
    "agents": (*CRUD_ACTIONS, "top-up", "sell", "api-keys"),
    "mobile-money": ("view", "update", "refund", "revend"),
    "deliveries": ("view", "create"),
    "self-service": ("view", "create"),
    # AMI (functions/commands)
    "commands": ("view", "create", "cancel"),
    "readings": ("view", "export"),
    "alarms": ("view", "close"),
    "collection-schedules": CRUD_ACTIONS,
    "notifications": CRUD_ACTIONS,
    "firmware": ("view", "create", "delete"),
    "network": ("view",),
    # Reports (functions/reports): reports:export exports any report; report-exports:<name> only that one.
    "reports": ("view", "export", "backup", "restore"),
    "report-exports": (*REPORT_NAMES, *RECORD_REPORT_NAMES),
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

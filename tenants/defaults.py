"""Base data every new tenant starts with (it can change or delete all of it)."""

from __future__ import annotations

from typing import Any

DEFAULT_ARCHIVES: dict[str, list[dict[str, Any]]] = {
    "payment-terms": [
        {"code": "CASH", "name": "Cash", "gives_change": True, "is_default": True},
        {"code": "CHEQUE", "name": "Cheque", "needs_bank_details": True, "gives_change": False},
        {"code": "BANK", "name": "Bank transfer", "needs_bank_details": True, "gives_change": False},
        {"code": "CARD", "name": "Card", "gives_change": False},
        {"code": "MOBILE", "name": "Mobile money", "gives_change": False},
    ],
    "numbering-rules": [
        {
            "code": "vend",
            "name": "Vend receipts",
            "prefix": "V",
            "parts": ["prefix", "yyyymmdd"],
            "serial_digits": 6,
            "reset": "monthly",
        },
        {
            "code": "register",
            "name": "Customer registration",
            "prefix": "R",
            "parts": ["prefix", "yyyymm"],
            "serial_digits": 5,
            "reset": "yearly",
        },
        {
            "code": "stock",
            "name": "Meter stock bills",
            "prefix": "S",
            "parts": ["prefix", "yyyymm"],
            "serial_digits": 5,
            "reset": "yearly",
        },
        {
            "code": "cancel",
            "name": "Token cancel",
            "prefix": "C",
            "parts": ["prefix", "yyyymm"],
            "serial_digits": 5,
            "reset": "yearly",
        },
    ],
    "event-types": [
        {"code": "POWER_OFF", "name": "Power off", "alarm": False},
        {"code": "POWER_ON", "name": "Power on", "alarm": False},
        {"code": "COVER_OPEN", "name": "Cover open", "alarm": True, "severity": 4},
        {"code": "TAMPER", "name": "Tamper", "alarm": True, "severity": 5},
        {"code": "LOW_CREDIT_1", "name": "Low credit alarm 1", "alarm": True, "severity": 2},
        {"code": "LOW_CREDIT_2", "name": "Low credit alarm 2", "alarm": True, "severity": 3},
        {"code": "OVERLOAD", "name": "Overload", "alarm": True, "severity": 3},
        {"code": "RELAY_OPEN", "name": "Relay opened", "alarm": True, "severity": 3},
    ],
    "region-levels": [
        {"code": "L1", "name": "Province", "level": 1},
        {"code": "L2", "name": "District", "level": 2},
        {"code": "L3", "name": "Area", "level": 3},
    ],
}

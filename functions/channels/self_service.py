"""Customer self-service: log in with a meter serial and the code the tenant issued, then see the meter's
purchases, its consumption and an estimate of the credit left, and start a purchase through a payment channel."""

from __future__ import annotations

import secrets
import time
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from functions.common.master_key import secure_master_key
from functions.common.observability import observe_tenant
from gridvend.ami.rollups import Rollup
from gridvend.auth.context import TenantContext, system_context
from gridvend.auth.passwords import hash_password, verify_password
from gridvend.channels.customer_session import CustomerSession, issue_session, open_session
from gridvend.clock import utc_now
from gridvend.errors import Locked, Unauthenticated, Unprocessable
from gridvend.iot.obis import ACTIVE_IMPORT, CREDIT
from gridvend.store.ami.readings import ReadingRepository, RollupRepository, stored_reading
from gridvend.store.contracts import ContractRepository
from gridvend.store.items import ItemStore
from gridvend.store.meters import MeterRepository
from gridvend.store.mobile_money import MobileMoneyRepository
from gridvend.store.self_service import MAX_FAILED_LOGINS, SelfServiceCodeRepository
from gridvend.store.tenants import own_tenant_settings
from gridvend.store.vends import VendRepository

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10
REGISTER_SCALE = Decimal(1000)  # energy registers are stored in Wh (kWh with 3 decimals)
_REFUSED = "meter serial or code is wrong"


def issue_code(store: ItemStore, ctx: TenantContext, meter: str) -> dict[str, Any]:
    MeterRepository(store, ctx).require(meter)
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    shown = SelfServiceCodeRepository(store, ctx).issue(meter, hash_password(code))
    return {**shown, "code": code}


def login(store: ItemStore, tenant_id: str, meter: str, code: str) -> dict[str, Any]:
    reader = system_context(tenant_id, "self-service")
    tenant = own_tenant_settings(store, tenant_id)
    codes = SelfServiceCodeRepository(store, reader)
    found = codes.code(meter) if tenant and tenant.get("status") == "active" else None
    if found is None:
        raise Unauthenticated(_REFUSED)
    code_hash, failures = found
    if failures >= MAX_FAILED_LOGINS:
        raise Locked("too many wrong codes; ask the utility for a new code")
    if not verify_password(code_hash, code.strip().upper()):
        codes.failed(meter)
        raise Unauthenticated(_REFUSED)
    token, session = issue_session(secure_master_key().reveal(), tenant_id, meter, time.time())
    return {"session_token": token, "meter": meter, "expires_at": session.expires_at}


def session_of(headers: dict[str, str]) -> CustomerSession:
    token = headers.get("x-customer-session", "")
    session = open_session(secure_master_key().reveal(), token, time.time()) if token else None
    if session is None:
        raise Unauthenticated("a valid customer session is required in X-Customer-Session")
    observe_tenant(session.tenant_id, f"customer:{session.meter}")
    return session


def overview(store: ItemStore, session: CustomerSession, now: datetime | None = None) -> dict[str, Any]:
    ctx = system_context(session.tenant_id, "self-service")
    moment = now or utc_now()
    contract = ContractRepository(store, ctx, 2).active_for_meter(session.meter)
    purchases, _ = VendRepository(store, ctx).of_meter(session.meter, limit=20, start_key=None)
    shown = [
        {
            "bill_number": sale["bill_number"],
            "time": sale["time_utc"],
            "amount": sale["breakdown"]["net_amount"],
            "energy_kwh": sale["energy_kwh"],
            "tokens_grouped": sale["tokens_grouped"],
            "status": sale.get("status", "issued"),
        }
        for sale in purchases
    ]
    return {
        "meter": session.meter,
        "customer_name": contract.customer_name if contract else None,
        "purchases": shown,
        "consumption": _daily_consumption(store, session, moment),
        "balance_estimate": _balance_estimate(store, session, purchases, moment),
        "payment_channels": [
            {"id": provider["id"], "name": provider.get("name", provider["id"])}
            for provider in MobileMoneyRepository(store, ctx).providers()
            if provider.get("status") == "active"
        ],
    }


def purchase_intent(store: ItemStore, session: CustomerSession, provider_id: str, amount: Decimal) -> dict[str, Any]:
    """How to pay: the provider, the account reference (the meter) and the amount; the provider's callback sells."""
    ctx = system_context(session.tenant_id, "self-service")
    provider = MobileMoneyRepository(store, ctx).provider(provider_id)
    if provider is None or provider.get("status") != "active":
        raise Unprocessable(f"payment channel '{provider_id}' is not available")
    return {
        "provider": provider_id,
        "provider_name": provider.get("name"),
        "account_reference": session.meter,
        "amount": str(amount),
        "instructions": f"Pay {amount} with {provider.get('name')} to account {session.meter}; the token follows.",
    }


def _daily_consumption(store: ItemStore, session: CustomerSession, moment: datetime) -> list[dict[str, Any]]:
    first = (moment - timedelta(days=30)).date().isoformat()
    days: list[Rollup] = RollupRepository(store, session.tenant_id).of_meter(
        session.meter, "day", first, moment.date().isoformat()
    )
    return [{"day": day.period, "kwh": str(Decimal(day.consumption(ACTIVE_IMPORT)) / REGISTER_SCALE)} for day in days]


def _balance_estimate(
    store: ItemStore, session: CustomerSession, purchases: list[dict[str, Any]], moment: datetime
) -> dict[str, Any]:
    """The meter's credit register at its latest reading plus the energy bought since; without a reading, none."""
    items, _ = ReadingRepository(store, session.tenant_id).between(
        session.meter, moment - timedelta(days=90), moment, limit=1, newest_first=True
    )
    latest = stored_reading(items[0]) if items else None
    if latest is None or CREDIT not in latest.registers:
        return {"kwh": None, "basis": "no reading of the meter's credit yet"}
    read_at = latest.at.isoformat()
    bought_since = sum((Decimal(sale["energy_kwh"]) for sale in purchases if sale["time_utc"] > read_at), Decimal(0))
    credit = Decimal(latest.registers[CREDIT]) / REGISTER_SCALE
    return {"kwh": str(credit + bought_since), "basis": f"credit read at {read_at} plus tokens bought since"}

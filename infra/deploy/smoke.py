"""A smoke test of a deployed Gridvend API, in the cloud or on the local stack: sign in, set up what a sale needs,
sell, enter the token into the meter's own decoder, retry the sale with the same Idempotency-Key, clean up.

    python -m infra.deploy.smoke --api URL --tenant T --username U --password P

It is an API client only (requests and the pure domain package); it never reads the table. Every code it creates
carries this run's id, so runs never clash. One line per step with its wall time; a failing step prints the API's
problem+json. Exit 0 only when every step passed.
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any, TextIO

import requests

from gridvend.auth.context import PLATFORM_TENANT
from gridvend.sts.decoder import MeterDecoder, MeterDecoderState
from gridvend.sts.keys import MeterKeyIdentity, derive_decoder_key

# The STS published test vending key and the identity the smoke's meter is given (never a real key).
TEST_VENDING_KEY = "abababababababab"
SGC = "123456"
IIN = "600727"
KRN = 1
KEY_TYPE = 2
DKGA = 2
BASE_DATE = 2014
SALE_AMOUNT = "100"  # whole numbers: valid whatever decimals the tenant keeps money in
TARIFF_PRICE = "2"
CREDIT_KWH = "1000"
REQUEST_TIMEOUT_SECONDS = 60
IN_USE_STATUS = 409

STEPS = ("sign in", "throw-away tenant", "meter model", "tariff", "customer type", "meter", "customer",
         "secure module", "sales point", "sell", "decode token", "retry same key", "clean up")

Action = Callable[[], str]  # does one step's work; returns what it found, raises StepFailed


class StepFailed(Exception):
    """A call answered what the step did not expect; carries the API's problem+json (or its raw text)."""

    def __init__(self, summary: str, problem: Any = None) -> None:
        super().__init__(summary)
        self.summary = summary
        self.problem = problem


class SmokeAborted(Exception):
    pass


@dataclass
class Reply:
    status: int
    body: Any
    headers: dict[str, str]


class ApiClient:
    def __init__(self, base_url: str, session: requests.Session | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self._session = session or requests.Session()
        self._token: str | None = None

    def sign_in(self, tenant: str, username: str, password: str) -> ApiClient:
        credentials = {"tenant": tenant, "username": username, "password": password}
        self._token = str(self.call("POST", "/v1/auth/login", credentials).body["access_token"])
        return self

    def call(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None,
             expect: Sequence[int] = (200, 201, 204)) -> Reply:
        sent = {"Content-Type": "application/json", **(headers or {})}
        if self._token:
            sent["Authorization"] = f"Bearer {self._token}"
        try:
            answer = self._session.request(method, self.base_url + path, json=body, headers=sent,
                                           timeout=REQUEST_TIMEOUT_SECONDS)
        except requests.RequestException as error:
            raise StepFailed(f"{method} {path} did not answer: {error}") from None
        reply = Reply(answer.status_code, _parsed(answer), dict(answer.headers))
        if reply.status not in expect:
            raise StepFailed(f"{method} {path} answered HTTP {reply.status}", reply.body)
        return reply

    def create(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        return dict(self.call("POST", path, body, expect=(201,)).body)


def _parsed(answer: requests.Response) -> Any:
    if not answer.content:
        return {}
    try:
        return answer.json()
    except ValueError:
        return answer.text


@dataclass
class Report:
    """Prints each step as it ends: its outcome, its wall time, its name and what it found."""

    out: TextIO
    failed: bool = False

    def step(self, name: str, action: Action) -> str:
        started = time.monotonic()
        try:
            found = action()
        except StepFailed as failure:
            self.failed = True
            self._line("FAIL", started, f"{name}: {failure.summary}")
            self._problem(failure.problem)
            raise SmokeAborted from None
        self._line("ok", started, f"{name}: {found}")
        return found

    def say(self, line: str) -> None:
        print(line, file=self.out, flush=True)

    def _line(self, outcome: str, started: float, text: str) -> None:
        self.say(f"{outcome:<4} {time.monotonic() - started:7.2f} s  {text}")

    def _problem(self, problem: Any) -> None:
        if problem in (None, {}, ""):
            return
        text = problem if isinstance(problem, str) else json.dumps(problem, indent=2)
        for line in text.splitlines():
            self.say(f"       {line}")


@dataclass
class Shop:
    """What this run made, as the API named it; each id is set as soon as its record exists."""

    run: str = field(default_factory=lambda: secrets.token_hex(4).upper())
    serial: str = field(default_factory=lambda: f"9{secrets.randbelow(10**10):010d}")  # 11 digits: IIN + DRN = 17
    model_id: str = ""
    tariff_id: str = ""
    customer_type_id: str = ""
    meter_added: bool = False
    register_bill_id: str = ""
    customer_code: str = ""
    module_id: str = ""
    branch_id: str = ""
    sales_point_id: str = ""
    receipt: dict[str, Any] = field(default_factory=dict)

    @property
    def code(self) -> str:
        return f"SMK-{self.run}"


def key_file() -> str:
    key = {"sgc": SGC, "krn": KRN, "key_type": "M", "dkga": DKGA, "current": True, "vending_key": TEST_VENDING_KEY}
    return json.dumps({"format": "gridvend-keyfile/1", "issuer": "STS published test key (smoke)", "keys": [key]})


def meter_decoder(serial: str) -> MeterDecoder:
    identity = MeterKeyIdentity(iin=IIN, drn=serial, key_type=KEY_TYPE, sgc=SGC, ti=1, krn=KRN, base_date=BASE_DATE)
    decoder_key = derive_decoder_key(DKGA, bytes.fromhex(TEST_VENDING_KEY), identity)
    return MeterDecoder(MeterDecoderState(decoder_key=decoder_key.hex(), base_date=BASE_DATE, krn=KRN, sgc=SGC))


# ---- the steps ----------------------------------------------------------------------------------------------

def create_throwaway_tenant(platform: ApiClient, shop: Shop) -> tuple[str, str]:
    """A tenant of this run's own with its first admin `smoke`; returns the tenant id and the admin's password."""
    tenant_id, password = f"smoke-{shop.run.lower()}", secrets.token_urlsafe(18)
    platform.create("/v1/platform/tenants", {
        "id": tenant_id, "name": f"Smoke test {shop.run}", "currency": "USD", "decimals": 2, "timezone": "UTC",
        "admin": {"username": "smoke", "password": password},
    })
    return tenant_id, password


def archive(api: ApiClient, kind: str, body: dict[str, Any]) -> str:
    return str(api.create(f"/v1/archives/{kind}", body)["id"])


def archive_id(api: ApiClient, kind: str, code: str) -> str:
    found = api.call("GET", f"/v1/archives/{kind}?q={code}&match=exact").body["items"]
    if not found:
        raise StepFailed(f"the tenant has no {kind} {code}")
    return str(found[0]["id"])


def add_meter_model(api: ApiClient, shop: Shop) -> str:
    shop.model_id = archive(api, "meter-models", {"code": shop.code, "name": f"Smoke {shop.run}"})
    return shop.code


def add_tariff(api: ApiClient, shop: Shop) -> str:
    tariff = {"code": shop.code, "name": f"Smoke {shop.run}", "type": "single", "price": TARIFF_PRICE}
    shop.tariff_id = archive(api, "tariffs", tariff)
    return f"{shop.code}, {TARIFF_PRICE} a kWh"


def add_customer_type(api: ApiClient, shop: Shop) -> str:
    shop.customer_type_id = archive(api, "customer-types", {"code": shop.code, "name": f"Smoke {shop.run}"})
    return shop.code


def add_meter(api: ApiClient, shop: Shop) -> str:
    api.create("/v1/meters", {
        "serial": shop.serial, "model_id": shop.model_id, "iin": IIN, "drn": shop.serial, "sgc": SGC, "ti": 1,
        "krn": KRN, "key_type": KEY_TYPE, "dkga": DKGA, "ea": 7, "base_date": BASE_DATE,
    })
    shop.meter_added = True
    return f"{shop.serial} (STS test key, SGC {SGC}, KRN {KRN})"


def register_customer(api: ApiClient, shop: Shop) -> str:
    """A customer with a contract on the meter, through a register bill that is then checked (approved)."""
    customer = {"code": shop.code, "name": f"Smoke customer {shop.run}", "customer_type_id": shop.customer_type_id}
    bill = api.create("/v1/register-bills", {
        "customer": customer,
        "contracts": [{"serial": shop.serial, "tariff_id": shop.tariff_id}],
        "payment": {"payment_term_id": archive_id(api, "payment-terms", "CASH")},
    })
    shop.register_bill_id = str(bill["id"])
    api.call("POST", f"/v1/register-bills/{shop.register_bill_id}/check")
    shop.customer_code = shop.code
    return f"{shop.code}, register bill {shop.register_bill_id} checked"


def add_secure_module(api: ApiClient, shop: Shop) -> str:
    """A software module that is not the tenant's default: only this run's sales point sells through it."""
    shop.module_id = str(api.create("/v1/secure-modules", {"id": shop.code, "name": f"Smoke {shop.run}"})["id"])
    api.call("POST", f"/v1/secure-modules/{shop.module_id}/key-file", {"key_file": key_file()})
    credit = api.call("POST", f"/v1/secure-modules/{shop.module_id}/credit", {"type": "add", "energy_kwh": CREDIT_KWH})
    return f"{shop.module_id}, STS test key, {credit.body.get('balance_kwh')} kWh credit"


def add_sales_point(api: ApiClient, shop: Shop) -> str:
    shop.branch_id = archive(api, "branches", {"code": shop.code, "name": f"Smoke branch {shop.run}"})
    shop.sales_point_id = archive(api, "sales-points", {
        "code": shop.code, "name": f"Smoke counter {shop.run}", "branch_id": shop.branch_id,
        "secure_module_id": shop.module_id,
    })
    return f"{shop.code}, selling through module {shop.module_id}"


def sell(api: ApiClient, shop: Shop, idempotency_key: str) -> Reply:
    body = {"meter": shop.serial, "amount": SALE_AMOUNT, "sales_point_id": shop.sales_point_id}
    return api.call("POST", "/v1/vends", body, headers={"Idempotency-Key": idempotency_key}, expect=(201,))


def first_sale(api: ApiClient, shop: Shop, idempotency_key: str) -> str:
    shop.receipt = dict(sell(api, shop, idempotency_key).body)
    return f"receipt {shop.receipt.get('bill_number')}: {shop.receipt.get('energy_kwh')} kWh for {SALE_AMOUNT}"


def check_token(shop: Shop) -> str:
    receipt, tokens = shop.receipt, shop.receipt.get("tokens") or []
    if len(tokens) != 1 or len(tokens[0]) != 20 or not tokens[0].isdigit():
        raise StepFailed(f"the receipt holds no single 20-digit token: {tokens}", receipt)
    decoder = meter_decoder(shop.serial)
    outcome = decoder.enter(tokens[0])
    if not outcome.accepted:
        raise StepFailed(f"the meter refused token {tokens[0]}: {outcome.reason}", receipt)
    credited = Decimal(decoder.state.credit[0]) / 10
    if credited != Decimal(str(receipt["energy_kwh"])):
        raise StepFailed(f"the meter got {credited} kWh, the receipt says {receipt['energy_kwh']} kWh", receipt)
    return f"the meter accepted {tokens[0]}: {receipt['energy_kwh']} kWh, as on the receipt"


def check_replay(api: ApiClient, shop: Shop, idempotency_key: str) -> str:
    again = sell(api, shop, idempotency_key)
    first = shop.receipt
    if again.body.get("tokens") != first["tokens"] or again.body.get("bill_number") != first.get("bill_number"):
        raise StepFailed("a retry with the same Idempotency-Key did not return the first receipt", again.body)
    return f"the same receipt and token came back (Idempotent-Replayed: {again.headers.get('Idempotent-Replayed')})"


# ---- clean-up: each undoes what the API lets it undo and says what stays ("kept, ...") -------------------------

def delete_archive(api: ApiClient, kind: str, record_id: str) -> str:
    reply = api.call("DELETE", f"/v1/archives/{kind}/{record_id}", expect=(204, IN_USE_STATUS))
    return "deleted" if reply.status == 204 else f"kept, in use ({_problem_detail(reply.body)})"


def delete_draft_bill(api: ApiClient, bill_id: str) -> str:
    api.call("DELETE", f"/v1/register-bills/{bill_id}")
    return "deleted its register bill (never checked)"


def close_customer(api: ApiClient, shop: Shop) -> str:
    api.call("POST", f"/v1/customers/{shop.customer_code}/close", {"reason": f"smoke test {shop.run}"})
    return "kept, its account closed and its contract ended (the API deletes no customer)"


def meter_out_of_service(api: ApiClient, serial: str) -> str:
    state = api.call("GET", f"/v1/meters/{serial}").body.get("state")
    if state == "in_service":
        raise StepFailed(f"meter {serial} is still in service")
    return f"kept, {state} (the API deletes no meter)"


def drain_module(api: ApiClient, module_id: str) -> str:
    api.call("POST", f"/v1/secure-modules/{module_id}/credit", {"type": "replace", "energy_kwh": "0"})
    return "kept, its credit set to 0 (the API deletes no secure module)"


def suspend_tenant(platform: ApiClient, tenant_id: str) -> str:
    platform.call("POST", f"/v1/platform/tenants/{tenant_id}/suspend")
    return "kept, suspended (the API deletes no tenant)"


def _problem_detail(problem: Any) -> str:
    return str(problem.get("detail") or problem.get("title")) if isinstance(problem, dict) else str(problem)


def _labelled(label: str, action: Action) -> str:
    return f"{label}: {action()}"


def clean_up_plan(api: ApiClient, shop: Shop) -> list[tuple[str, Action]]:
    """What this run made in the tenant, newest first, so nothing is undone while a later record still uses it."""
    customer = partial(close_customer, api, shop) if shop.customer_code else partial(
        delete_draft_bill, api, shop.register_bill_id)
    archived = partial(delete_archive, api)
    plan: list[tuple[Any, str, Action]] = [
        (shop.sales_point_id, f"sales point {shop.code}", partial(archived, "sales-points", shop.sales_point_id)),
        (shop.branch_id, f"branch {shop.code}", partial(archived, "branches", shop.branch_id)),
        (shop.module_id, f"secure module {shop.module_id}", partial(drain_module, api, shop.module_id)),
        (shop.register_bill_id, f"customer {shop.code}", customer),
        (shop.meter_added, f"meter {shop.serial}", partial(meter_out_of_service, api, shop.serial)),
        (shop.customer_type_id, f"customer type {shop.code}",
         partial(archived, "customer-types", shop.customer_type_id)),
        (shop.tariff_id, f"tariff {shop.code}", partial(archived, "tariffs", shop.tariff_id)),
        (shop.model_id, f"meter model {shop.code}", partial(archived, "meter-models", shop.model_id)),
    ]
    return [(label, action) for made, label, action in plan if made]


# ---- the run ------------------------------------------------------------------------------------------------

@dataclass
class Smoke:
    api_url: str
    tenant: str
    username: str
    password: str
    report: Report
    shop: Shop = field(default_factory=Shop)
    throwaway: str = ""  # the tenant this run made, when a platform operator runs it
    operator: ApiClient = field(init=False)  # signed in with the given credentials
    api: ApiClient = field(init=False)  # the operator, or the throw-away tenant's admin

    def __post_init__(self) -> None:
        self.operator = self.api = ApiClient(self.api_url)

    def run(self) -> int:
        started = time.monotonic()
        try:
            self.report.step("sign in", self._sign_in)
            if self.tenant == PLATFORM_TENANT:
                self.report.step("throw-away tenant", self._throwaway_tenant)
            self._sell()
        except SmokeAborted:
            pass
        plan = clean_up_plan(self.api, self.shop)
        if self.throwaway:
            plan.append((f"tenant {self.throwaway}", partial(suspend_tenant, self.operator, self.throwaway)))
        kept = self._clean_up(plan)
        self._summary(started, self.throwaway or self.tenant, kept)
        return 1 if self.report.failed else 0

    def _sign_in(self) -> str:
        self.operator.sign_in(self.tenant, self.username, self.password)
        return f"{self.username} in tenant {self.tenant}"

    def _throwaway_tenant(self) -> str:
        self.throwaway, password = create_throwaway_tenant(self.operator, self.shop)
        self.api = ApiClient(self.api_url).sign_in(self.throwaway, "smoke", password)
        return f"{self.throwaway}, its admin 'smoke' signed in"

    def _sell(self) -> None:
        api, shop, payment = self.api, self.shop, f"smoke-{self.shop.run}-{uuid.uuid4().hex}"
        for name, action in (
            ("meter model", add_meter_model), ("tariff", add_tariff), ("customer type", add_customer_type),
            ("meter", add_meter), ("customer", register_customer), ("secure module", add_secure_module),
            ("sales point", add_sales_point),
        ):
            self.report.step(name, partial(action, api, shop))
        self.report.step("sell", partial(first_sale, api, shop, payment))
        self.report.step("decode token", partial(check_token, shop))
        self.report.step("retry same key", partial(check_replay, api, shop, payment))

    def _clean_up(self, plan: list[tuple[str, Action]]) -> list[str]:
        """Runs every undo even after one fails; returns what stays in the tenant."""
        kept = [f"sale {self.shop.receipt.get('bill_number')} (a sale is permanent)"] if self.shop.receipt else []
        for label, action in plan:
            try:
                outcome = self.report.step("clean up", partial(_labelled, label, action))
            except SmokeAborted:
                continue
            if outcome.startswith(f"{label}: kept"):
                kept.append(label)
        return kept

    def _summary(self, started: float, tenant: str, kept: list[str]) -> None:
        if kept:
            self.report.say(f"left behind in tenant {tenant}: {', '.join(kept)}")
        verdict = "FAILED" if self.report.failed else "passed"
        self.report.say(f"smoke {verdict} in {time.monotonic() - started:.2f} s (run {self.shop.run})")


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m infra.deploy.smoke",
        description="Smoke-test a deployed Gridvend API (cloud or local): sign in; create a meter model, tariff, "
        "customer type, meter, customer, and a software secure module with the STS published test key and credit; "
        "sell, decode the token as the meter would, retry the same Idempotency-Key; clean up what the API allows.",
        epilog=f"Sign in as a platform operator (--tenant {PLATFORM_TENANT}) and the smoke works in a throw-away "
        "tenant it creates, and suspends at the end (the API deletes no tenant). Sign in as a tenant's admin and it "
        "works in that tenant: a sale is permanent, so the sale, the closed customer, the meter out of service, the "
        "drained secure module and the records still in use stay in that tenant's books. Exit status 0 only when "
        "every step passed.",
    )
    parser.add_argument("--api", required=True,
                        help="the API's base URL: the stack's ApiUrl output, or http://127.0.0.1:8000 locally")
    parser.add_argument("--tenant", required=True, help=f"the tenant to sign in to ({PLATFORM_TENANT}: see below)")
    parser.add_argument("--username", required=True)
    parser.add_argument("--password", required=True)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> int:
    arguments = parse_arguments(argv)
    return Smoke(arguments.api, arguments.tenant, arguments.username, arguments.password, Report(out)).run()


if __name__ == "__main__":
    sys.exit(main())

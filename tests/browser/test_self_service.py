"""Customer self-service in the browser: the page served at /self-service, login with meter serial + code,
the meter's overview, and a purchase paid through a (simulated) mobile-money provider whose signed callback
sells the token that then appears on the page."""

from __future__ import annotations

import json
import time
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gridvend.channels.signatures import sign
from tests.browser.conftest import Console

pytestmark = pytest.mark.browser

SERIAL = "58000000007"  # a demo meter in service, registered to "Demo customer 7"


def _page_text(console: Console, path: str) -> str:
    with urllib.request.urlopen(console.url + path, timeout=10) as answer:
        assert answer.status == 200
        return str(answer.read().decode())


def _pay_as_provider(console: Console, callback_path: str, secret: bytes, amount: str) -> dict[str, Any]:
    """What the provider does once the customer paid: a signed callback naming the meter as account."""
    body = json.dumps(
        {"transaction_id": f"TX{uuid.uuid4().hex[:12]}", "account_reference": SERIAL, "amount": amount,
         "msisdn": "254700000007"}
    ).encode()
    stamp = int(time.time())
    signed = {"X-Timestamp": str(stamp), "X-Signature": sign(secret, stamp, body)}
    request = urllib.request.Request(
        console.api_url + callback_path,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", **signed},
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        paid: dict[str, Any] = json.loads(answer.read())
    return paid


def test_the_web_server_serves_the_self_service_page_apart_from_the_console(console: Console) -> None:
    page = _page_text(console, "/self-service")
    assert "My electricity" in page and "/assets/selfservice-" in page
    assert _page_text(console, "/self-service/anything") == page
    assert "My electricity" not in _page_text(console, "/reports")  # the console's routes stay the console's


def test_a_customer_logs_in_sees_the_meter_and_buys_through_a_payment_channel(
    console: Console, page: Any, screenshot: Callable[[Any, str], Path]
) -> None:
    admin = console.login_token()
    provider_id = f"W{uuid.uuid4().hex[:6].upper()}"
    made = console.api("POST", "/v1/mobile-money/providers", {"id": provider_id, "name": f"Wallet {provider_id}"},
                       token=admin)
    assert made.status == 201, made.body
    issued = console.api("POST", "/v1/self-service/codes", {"meter": SERIAL}, token=admin)
    assert issued.status == 201, issued.body

    page.goto(console.url + "/self-service?tenant=demo")
    page.fill("#ss-meter", SERIAL)
    page.fill("#ss-code", "WRONGCODE1")
    page.click("[data-testid=ss-login-submit]")
    page.get_by_text("meter serial or code is wrong").wait_for()
    screenshot(page, "41-self-service-login-refused")
    page.fill("#ss-code", issued.body["code"])
    page.click("[data-testid=ss-login-submit]")
    page.wait_for_selector("[data-testid=ss-overview]")
    assert page.inner_text("[data-testid=ss-customer]") == "Demo customer 7"
    assert page.inner_text("[data-testid=ss-balance]") == "Not known yet"  # no credit reading in this stack
    bills_before = page.locator("[data-testid=ss-purchases] tbody tr").count()

    page.select_option("#ss-channel", provider_id)
    page.fill("#ss-amount", "1.234")
    page.click("[data-testid=ss-buy-submit]")
    assert "at most 2 decimals" in page.inner_text("[data-testid=ss-buy-problem]")
    page.fill("#ss-amount", "25")
    page.click("[data-testid=ss-buy-submit]")
    waiting = page.wait_for_selector("[data-testid=ss-waiting]")
    assert f"Pay 25.00 with Wallet {provider_id} to account {SERIAL}" in waiting.inner_text()
    screenshot(page, "42-self-service-waiting-for-payment")

    paid = _pay_as_provider(console, made.body["callback_path"], bytes.fromhex(made.body["secret"]), "25.00")
    assert paid["status"] == "vended", paid
    token_box = page.wait_for_selector("[data-testid=ss-new-token]")
    assert paid["tokens_grouped"][0] in token_box.inner_text()
    rows = page.locator("[data-testid=ss-purchases] tbody tr")
    assert rows.count() == bills_before + 1
    assert paid["tokens_grouped"][0] in rows.first.inner_text()
    screenshot(page, "43-self-service-token-bought")

    page.reload()  # the session is kept in the tab
    page.wait_for_selector("[data-testid=ss-overview]")
    page.click("[data-testid=ss-logout]")
    page.wait_for_selector("[data-testid=ss-login]")


def test_the_page_fits_a_phone_without_sideways_scrolling(
    browser: Any, console: Console, screenshot: Callable[[Any, str], Path]
) -> None:
    admin = console.login_token()
    issued = console.api("POST", "/v1/self-service/codes", {"meter": SERIAL}, token=admin)
    assert issued.status == 201, issued.body
    context = browser.new_context(viewport={"width": 360, "height": 780}, is_mobile=True, has_touch=True)
    try:
        phone = context.new_page()
        phone.goto(console.url + "/self-service")
        phone.fill("#ss-tenant", "demo")  # no ?tenant= in the address: the customer names the utility
        phone.fill("#ss-meter", SERIAL)
        phone.fill("#ss-code", issued.body["code"].lower())  # codes are not case-sensitive
        phone.click("[data-testid=ss-login-submit]")
        phone.wait_for_selector("[data-testid=ss-overview]")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360
        screenshot(phone, "44-self-service-phone")
    finally:
        context.close()

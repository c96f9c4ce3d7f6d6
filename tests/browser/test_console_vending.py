"""The counter in a real browser: register a customer with a meter, sell to it from the vending screen
(default-amount button, review, warn-amount confirmation), read the token in groups of four, find the
purchase again, cancel it with a zero token, and issue an engineering token."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import Console, sign_in

pytestmark = pytest.mark.browser
Screenshot = Callable[[Any, str], Path]
TOKEN_IN_GROUPS = re.compile(r"^\d{4} \d{4} \d{4} \d{4} \d{4}$")


def pick(page: Any, test_id: str, text: str) -> None:
    page.locator(f"[data-testid={test_id}] .ant-select").click()
    page.locator(".ant-select-dropdown:visible .ant-select-item-option", has_text=text).first.click()


def new_meter(console: Console, token: str) -> str:
    """A meter in the warehouse with the demo key's identity (so tokens can be made for it)."""
    model = console.api("GET", "/v1/archives/meter-models?q=SP-1P&match=exact", token=token).body["items"][0]
    serial = f"47{uuid.uuid4().int % 10**9:09d}"
    body = {"serial": serial, "model_id": model["id"], "drn": serial, "sgc": "123456", "ti": 1, "krn": 1,
            "key_type": 2, "ea": 7, "dkga": 2, "base_date": 2014}
    created = console.api("POST", "/v1/meters", body, token)
    assert created.status == 201, created.body
    return serial


def fill_registration(page: Any, console: Console, code: str, serial: str) -> None:
    page.goto(console.url + "/customers")
    page.click("[data-testid=register-customer]")
    page.fill("#customer-code", code)
    page.fill("#customer-name", f"Browser customer {code}")
    pick(page, "customer-type", "RES")
    page.fill("#customer-phone", "+254711000111")
    page.fill("#contract-serial-0", serial)
    pick(page, "contract-tariff-0", "T1")


def register_customer(page: Any, console: Console, code: str, serial: str) -> None:
    fill_registration(page, console, code, serial)
    page.click("[data-testid=register-submit]")
    page.wait_for_url(f"**/customers/{code}")
    page.locator("[data-testid=contracts-table] tr.ant-table-row", has_text=serial).wait_for()


def test_register_a_customer_sell_see_the_token_reprint_and_cancel(
    page: Any, console: Console, screenshot: Screenshot
) -> None:
    token = console.login_token()
    serial = new_meter(console, token)
    code = f"BR{uuid.uuid4().hex[:6].upper()}"
    sign_in(page, console)

    register_customer(page, console, code, serial)
    assert "Active" in page.inner_text("[data-testid=contracts-table]")
    screenshot(page, "20-customer-detail")

    # From the customer's page to the counter; the default-amount button fills the amount.
    page.click(f"[data-testid=sell-{serial}]")
    page.wait_for_selector("[data-testid=customer-status]")
    assert code in page.inner_text("[data-testid=customer-status]")
    page.locator("[data-testid=amount-buttons] button", has_text="50").click()
    assert page.input_value("#vend-amount") == "50"
    page.click("[data-testid=review-sale]")
    page.wait_for_selector("[data-testid=sale-summary]")
    assert "KES" in page.inner_text("[data-testid=sale-summary]")
    screenshot(page, "21-vend-review")
    page.click("[data-testid=sell]")

    receipt = page.locator("[data-testid=receipt]")
    receipt.wait_for()
    token_text = receipt.locator(".token-groups").first.inner_text().strip()
    assert TOKEN_IN_GROUPS.match(token_text), token_text
    assert "50.00" in page.inner_text("[data-testid=receipt-total]")
    screenshot(page, "22-vend-receipt")

    # The API holds exactly one sale for this meter, with the token the screen showed.
    sold = console.api("GET", f"/v1/vends?meter={serial}", token=token).body["items"]
    assert [vend["tokens_grouped"][0] for vend in sold] == [token_text]
    page.locator("[data-testid=purchases-table] tr.ant-table-row", has_text=sold[0]["bill_number"]).wait_for()

    # Reprint asks the API for the PDF receipt.
    with page.expect_response(lambda answer: "/receipt?format=pdf" in answer.url) as printed:
        page.locator("[data-testid=purchases-table] [data-testid=reprint]").first.click()
    assert printed.value.status == 200

    # Cancel: load the bill, give a reason, confirm; a zero token comes back.
    page.goto(console.url + "/vending/cancel")
    page.fill("[data-testid=cancel-bill] input", sold[0]["bill_number"])
    page.press("[data-testid=cancel-bill] input", "Enter")
    page.fill("#cancel-reason", "sold to the wrong meter")
    page.click("[data-testid=cancel-submit]")
    page.locator(".ant-popconfirm .ant-btn-primary").click()
    result = page.locator("[data-testid=cancel-result]")
    result.wait_for()
    assert TOKEN_IN_GROUPS.match(result.locator(".token-groups").inner_text().strip())
    assert console.api("GET", f"/v1/vends/{sold[0]['bill_number']}", token=token).body["status"] != "issued"
    screenshot(page, "23-token-cancel")


def test_a_large_amount_needs_the_warn_confirmation_and_sells_once(page: Any, console: Console) -> None:
    token = console.login_token()
    sign_in(page, console)
    page.goto(console.url + "/vending")
    page.fill("[data-testid=vend-search] input", "DEMO007")
    page.press("[data-testid=vend-search] input", "Enter")
    page.wait_for_url("**/vending?meter=58000000007")
    before = len(console.api("GET", "/v1/vends?meter=58000000007&limit=100", token=token).body["items"])
    page.wait_for_selector("[data-testid=customer-status]")
    page.fill("#vend-amount", "6000")
    page.click("[data-testid=review-sale]")
    page.wait_for_selector("[data-testid=warn-amount]")
    assert page.is_disabled("[data-testid=sell]")
    page.click("[data-testid=warn-confirm]")
    page.click("[data-testid=sell]")
    page.wait_for_selector("[data-testid=receipt]")
    after = console.api("GET", "/v1/vends?meter=58000000007&limit=100", token=token).body["items"]
    assert len(after) == before + 1 and after[0]["breakdown"]["net_amount"] == "6000.00"


def test_an_engineering_token_is_issued_and_listed(page: Any, console: Console, screenshot: Screenshot) -> None:
    sign_in(page, console)
    page.goto(console.url + "/vending/engineering")
    page.fill("#eng-meter", "58000000008")
    page.fill("#eng-reason", "tamper cleared after inspection")
    page.click("[data-testid=eng-issue]")
    result = page.locator("[data-testid=eng-result]")
    result.wait_for()
    assert TOKEN_IN_GROUPS.match(result.locator(".token-groups").inner_text().strip())
    page.get_by_text("Clear tamper").last.wait_for()
    screenshot(page, "24-engineering-token")


def test_a_batch_of_engineering_tokens_runs_as_a_job_with_progress(
    page: Any, console: Console, screenshot: Screenshot
) -> None:
    sign_in(page, console)
    page.goto(console.url + "/vending/batch")
    page.get_by_role("tab", name="Engineering tokens for many meters").click()
    page.fill("[data-testid=batch-meters]", "58000000003\n58000000004, 58000000003")
    page.fill("[data-testid=batch-reason]", "tamper sweep")
    page.click("[data-testid=batch-engineering-start]")
    page.locator("[data-testid=job-status][data-status=done]").wait_for()
    assert page.inner_text("[data-testid=job-done]") == "2"
    rows = page.locator("[data-testid=job-rows] tr.ant-table-row")
    assert rows.count() == 2
    assert TOKEN_IN_GROUPS.match(rows.first.locator(".token-inline").inner_text().split(" / ")[0].strip())
    screenshot(page, "25-batch-engineering")


def test_a_sale_whose_answer_is_lost_is_sent_again_with_the_same_key_and_sells_once(
    page: Any, console: Console
) -> None:
    token = console.login_token()
    serial = "58000000002"
    before = console.api("GET", f"/v1/vends?meter={serial}&limit=100", token=token).body["items"]
    sent_keys: list[str] = []

    def lose_first_answer(route: Any) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        sent_keys.append(route.request.headers["idempotency-key"])
        if len(sent_keys) == 1:
            route.fetch()  # the server sells ...
            route.abort("connectionreset")  # ... and the answer never arrives
        else:
            route.continue_()

    sign_in(page, console)
    page.route("**/v1/vends", lose_first_answer)
    page.goto(f"{console.url}/vending?meter={serial}")
    page.wait_for_selector("[data-testid=customer-status]")
    page.fill("#vend-amount", "20")
    page.click("[data-testid=review-sale]")
    page.click("[data-testid=sell]")
    page.wait_for_selector("[data-testid=sale-error]")
    assert page.inner_text("[data-testid=sell]").startswith("Send again")
    page.click("[data-testid=sell]")
    page.wait_for_selector("[data-testid=receipt]")

    assert len(sent_keys) == 2 and sent_keys[0] == sent_keys[1]
    after = console.api("GET", f"/v1/vends?meter={serial}&limit=100", token=token).body["items"]
    assert len(after) == len(before) + 1
    shown = page.locator("[data-testid=receipt] .token-groups").first.inner_text().strip()
    assert shown == after[0]["tokens_grouped"][0]


def test_a_sale_is_corrected_to_a_new_amount_with_a_new_token(page: Any, console: Console) -> None:
    token = console.login_token()
    key = {"Idempotency-Key": f"browser-{uuid.uuid4().hex}"}
    sold = console.api("POST", "/v1/vends", {"meter": "58000000004", "amount": "30"}, token, headers=key)
    assert sold.status == 201, sold.body
    sign_in(page, console)
    page.goto(console.url + "/vending/cancel")
    page.fill("[data-testid=cancel-bill] input", sold.body["bill_number"])
    page.press("[data-testid=cancel-bill] input", "Enter")
    page.fill("#cancel-reason", "customer paid 40, not 30")
    page.fill("#correct-amount", "40")
    page.click("[data-testid=correct-submit]")
    page.locator("[data-testid=receipt-total]", has_text="40.00").wait_for()
    latest = console.api("GET", "/v1/vends?meter=58000000004&limit=1", token=token).body["items"][0]
    assert latest["bill_number"] != sold.body["bill_number"] and latest["breakdown"]["net_amount"] == "40.00"
    assert page.locator("[data-testid=receipt] .token-groups").first.inner_text().strip() == latest["tokens_grouped"][0]


def test_a_customers_meter_is_replaced_from_the_customer_page(page: Any, console: Console) -> None:
    token = console.login_token()
    old_serial, new_serial = new_meter(console, token), new_meter(console, token)
    tag = uuid.uuid4().hex[:5].upper()
    reason = console.api("POST", "/v1/archives/replacement-reasons", {"code": f"F{tag}", "name": "Faulty"}, token)
    assert reason.status == 201, reason.body
    code = f"RP{tag}"
    sign_in(page, console)
    register_customer(page, console, code, old_serial)
    page.click(f"[data-testid=replace-{old_serial}]")
    page.fill("#replace-new-serial", new_serial)
    pick(page, "replace-reason", f"F{tag}")
    page.click("#replace-submit")
    page.locator("[data-testid=contracts-table] tr.ant-table-row", has_text=new_serial).wait_for()
    contract = console.api("GET", f"/v1/contracts/{new_serial}", token=token).body
    assert contract["customer_code"] == code and contract["status"] == "active"


def test_a_draft_registration_takes_effect_when_a_checker_checks_it(page: Any, console: Console) -> None:
    token = console.login_token()
    serial = new_meter(console, token)
    code = f"DR{uuid.uuid4().hex[:6].upper()}"
    sign_in(page, console)
    fill_registration(page, console, code, serial)
    page.click("[data-testid=register-draft]")
    page.wait_for_url("**/customers/bills")
    row = page.locator("[data-testid=bills-table] tr.ant-table-row", has_text=code)
    row.wait_for()
    assert console.api("GET", f"/v1/contracts/{serial}", token=token).status == 404
    row.locator("button", has_text="Check").click()
    row.wait_for(state="detached")
    contract = console.api("GET", f"/v1/contracts/{serial}", token=token)
    assert contract.status == 200 and contract.body["customer_code"] == code


def test_the_counter_speaks_the_operators_language(page: Any, console: Console, screenshot: Screenshot) -> None:
    sign_in(page, console)
    page.evaluate("localStorage.setItem('gridvend.language', 'zh')")
    page.goto(f"{console.url}/vending?meter=58000000001")
    page.wait_for_selector("[data-testid=customer-status]")
    assert page.inner_text("[data-testid=page-title]") == "售电"
    assert "用户状态" in page.inner_text("[data-testid=customer-status]")
    assert "KES" in page.inner_text("[data-testid=customer-status]")
    screenshot(page, "26-vending-zh")
    page.evaluate("localStorage.setItem('gridvend.language', 'fr')")
    page.goto(f"{console.url}/reports")
    page.get_by_role("button", name="Exécuter").wait_for()


def test_a_sale_by_energy_gives_the_kwh_asked_for(page: Any, console: Console) -> None:
    sign_in(page, console)
    page.goto(f"{console.url}/vending?meter=58000000003")
    page.wait_for_selector("[data-testid=customer-status]")
    page.locator("[data-testid=sale-mode]").get_by_text("By energy (kWh)").click()
    page.fill("#vend-amount", "25")
    page.click("[data-testid=review-sale]")
    assert "25 kWh" in page.inner_text("[data-testid=sale-summary]")
    page.click("[data-testid=sell]")
    page.locator("[data-testid=receipt]", has_text="25.0 kWh").wait_for()

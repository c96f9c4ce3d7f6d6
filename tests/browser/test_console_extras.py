"""The screens added for line loss, backups and billing exports, and the counter's extras, in a real browser:
a topology made through the API shown as a loss tree (and as an archive tree), a backup started and followed
to its download links, a billing export, the quote's breakdown shown before the sale is confirmed, and carried
credit paid back from the customer's page."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import Console, sign_in
from tests.browser.meter_readings import send
from tests.browser.test_console_vending import new_meter

pytestmark = pytest.mark.browser
Screenshot = Callable[[Any, str], Path]


def choose(page: Any, test_id: str, text: str) -> None:
    page.locator(f"[data-testid={test_id}]").click()
    page.locator(".ant-select-dropdown:visible .ant-select-item-option", has_text=text).first.click()


def create(console: Console, token: str, kind: str, body: dict[str, Any]) -> str:
    reply = console.api("POST", f"/v1/archives/{kind}", body, token)
    assert reply.status == 201, reply.body
    return str(reply.body["id"])


def first_id(console: Console, token: str, kind: str, code: str) -> str:
    return str(console.api("GET", f"/v1/archives/{kind}?q={code}&match=exact", token=token).body["items"][0]["id"])


def registered_meter(console: Console, token: str) -> tuple[str, str]:
    """A new meter registered to a new customer through the API: (serial, customer code)."""
    serial = new_meter(console, token)
    code = f"EX{uuid.uuid4().hex[:6].upper()}"
    customer_type = first_id(console, token, "customer-types", "RES")
    body = {
        "customer": {"code": code, "name": f"Extras {code}", "customer_type_id": customer_type},
        "contracts": [{"serial": serial, "tariff_id": first_id(console, token, "tariffs", "T1")}],
        "payment": {"payment_term_id": first_id(console, token, "payment-terms", "CASH")},
    }
    bill = console.api("POST", "/v1/register-bills", body, token)
    assert bill.status == 201, bill.body
    checked = console.api("POST", f"/v1/register-bills/{bill.body['id']}/check", {}, token)
    assert checked.status == 200, checked.body
    return serial, code


def sell(console: Console, token: str, serial: str, amount: str) -> dict[str, Any]:
    sold = console.api("POST", "/v1/vends", {"meter": serial, "amount": amount}, token,
                       headers={"Idempotency-Key": f"extras-{uuid.uuid4().hex}"})
    assert sold.status == 201, sold.body
    body: dict[str, Any] = sold.body
    return body


# Wh read on 2 and 30 January 2026: the line's master supplies 100 kWh; area A loses 15 of its 60 kWh (25 %),
# area B 1 of its 25 (4 %), the line itself 5 of 100 (its own consumer and the two area masters read 95).
JANUARY = {"M0": 100_000, "C0": 10_000, "MA": 60_000, "CA1": 25_000, "CA2": 20_000,
           "MB": 25_000, "CB1": 12_000, "CB2": 12_000}


def wait_for_loss(console: Console, token: str, topology: str, seconds: float = 40.0) -> None:
    """Until the stream consumer has counted the readings into the topology's January cells."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        tree = console.api("GET", f"/v1/line-loss/tree?topology={topology}&month=2026-01", token=token).body
        if tree["roots"] and tree["roots"][0]["supplied_kwh"] != "0.000":
            return
        time.sleep(0.5)
    raise AssertionError("the line-loss cells never showed the readings")


def test_line_loss_of_a_topology_made_through_the_api_shows_as_a_tree(
    page: Any, console: Console, screenshot: Screenshot
) -> None:
    token = console.login_token()
    tag = uuid.uuid4().hex[:5].upper()
    topology = create(console, token, "topologies", {"code": f"TP{tag}", "name": f"Feeder {tag}"})
    line = create(console, token, "topology-nodes", {
        "code": f"L{tag}", "name": "Line 1", "topology_id": topology, "level": "line",
        "master_meter": f"M0{tag}", "meters": [f"C0{tag}"],
    })
    for area in ("A", "B"):
        create(console, token, "topology-nodes", {
            "code": f"{area}{tag}", "name": f"Area {area}", "topology_id": topology, "level": "transformer",
            "parent_id": line, "master_meter": f"M{area}{tag}", "meters": [f"C{area}1{tag}", f"C{area}2{tag}"],
        })
    readings = [(meter + tag, f"2026-01-{day}T09:00:00+00:00", 0 if day == "02" else wh)
                for meter, wh in JANUARY.items() for day in ("02", "30")]
    send(console.env, "demo", readings)
    wait_for_loss(console, token, topology)

    sign_in(page, console)
    page.goto(console.url + "/reports/line-loss")
    choose(page, "loss-topology", f"TP{tag}")
    page.fill("#loss-period", "2026-01")
    page.click("[data-testid=loss-run]")
    page.locator("[data-testid=loss-tree]").wait_for()
    shown = {code: page.locator(f"[data-testid=loss-node-{code}{tag}]") for code in ("L", "A", "B")}
    assert "Line 1" in shown["L"].inner_text() and "100.000" in shown["L"].inner_text()
    assert shown["L"].locator("[data-band=low]").inner_text() == "5.00 %"
    assert shown["A"].locator("[data-band=high]").inner_text() == "25.00 %"
    assert shown["B"].locator("[data-band=low]").inner_text() == "4.00 %"
    assert "meters: 2" in shown["A"].inner_text()
    screenshot(page, "60-line-loss-tree")

    page.get_by_role("tab", name="Table").click()
    page.locator("[data-testid=loss-table] tr.ant-table-row", has_text=f"B{tag}").wait_for()
    assert page.locator("[data-testid=loss-table] tr.ant-table-row").count() == 3
    page.hover("[data-testid=loss-export]")
    with page.expect_download() as download:
        page.locator(".ant-dropdown:visible .ant-dropdown-menu-item", has_text="CSV").click()
    assert download.value.suggested_filename.endswith(".csv")

    # The generic archive screen shows the nodes as a tree too.
    page.goto(console.url + "/archives/topology-nodes")
    page.locator("[data-testid=view-switch]").get_by_text("Tree").click()
    page.locator(".ant-tree-treenode", has_text=f"L{tag}").wait_for()


def test_a_backup_runs_to_its_download_links_and_a_billing_export_gives_its_file(
    page: Any, console: Console, screenshot: Screenshot
) -> None:
    token = console.login_token()
    tag = uuid.uuid4().hex[:5].upper()
    create(console, token, "billing-templates", {
        "code": f"BT{tag}", "name": f"Usage {tag}", "file_type": "csv",
        "fields": [{"title": "Meter", "value": "meter"}, {"title": "kWh", "value": "consumption_kwh"}],
    })
    sign_in(page, console)
    page.goto(console.url + "/system/backups")
    with page.expect_response(lambda answer: answer.url.endswith("/v1/backups")) as started:
        page.click("[data-testid=backup-start]")
    assert started.value.status == 202
    backup_id = started.value.json()["id"]
    job = page.locator("[data-testid=backup-job]")
    job.locator("[data-testid=job-status][data-status=done]").wait_for()
    assert job.locator("[role=progressbar]").get_attribute("aria-valuenow") == "100"
    links = job.locator("[data-testid=job-downloads] a")
    assert links.first.inner_text().startswith("manifest.json") and links.count() > 1
    assert console.api("GET", f"/v1/backups/{backup_id}", token=token).body["status"] == "done"

    choose(page, "billing-template", f"BT{tag}")
    page.click("[data-testid=billing-export-start]")
    exported = page.locator("[data-testid=billing-job]")
    exported.locator("[data-testid=job-status][data-status=done]").wait_for()
    assert exported.locator("[data-testid=job-downloads] a").inner_text().endswith(".csv")
    screenshot(page, "61-backups-and-exports")


def test_the_counter_shows_the_quoted_breakdown_before_the_sale_is_confirmed(
    page: Any, console: Console, screenshot: Screenshot
) -> None:
    token = console.login_token()
    serial, _ = registered_meter(console, token)
    quoted = console.api("POST", "/v1/vends/quote", {"meter": serial, "amount": "40"}, token).body
    sign_in(page, console)
    page.goto(console.url + f"/vending?meter={serial}")
    page.wait_for_selector("[data-testid=customer-status]")
    assert page.locator("[data-testid=sale-sales-point]").count() == 1  # the admin may sell anywhere
    assert page.locator("[data-testid=sale-deliver]").count() == 0  # no communication module serves it
    page.fill("#vend-amount", "40")
    page.click("[data-testid=review-sale]")
    breakdown = page.locator("[data-testid=sale-breakdown]")
    breakdown.get_by_text(f"{quoted['energy_kwh']} kWh").wait_for()
    shown = breakdown.inner_text()
    assert "VAT" in shown and "40.00" in shown and quoted["breakdown"]["vat"] in shown
    assert console.api("GET", f"/v1/vends?meter={serial}", token=token).body["items"] == []  # nothing sold yet
    screenshot(page, "62-vend-quote")
    page.click("[data-testid=sell]")
    page.wait_for_selector("[data-testid=receipt]")
    sold = console.api("GET", f"/v1/vends?meter={serial}", token=token).body["items"]
    assert len(sold) == 1 and sold[0]["energy_kwh"] == quoted["energy_kwh"]


def test_carried_credit_is_refunded_from_the_customer_page(page: Any, console: Console, screenshot: Screenshot) -> None:
    token = console.login_token()
    serial, code = registered_meter(console, token)
    carried = Decimal(0)
    for amount in ("10.31", "10.07", "10.13"):
        carried = Decimal(sell(console, token, serial, amount)["breakdown"].get("credit_carried") or 0)
        if carried > 0:
            break
    assert carried > 0
    sign_in(page, console)
    page.goto(console.url + f"/customers/{code}")
    card = page.locator("[data-testid=meter-credit]")
    card.wait_for()
    card.locator("[data-testid=credit-refund]").click()
    page.fill("#refund-remark", "moved out")
    page.click("[data-testid=refund-submit]")
    row = card.locator("[data-testid=credit-refunds] tr.ant-table-row", has_text="moved out")
    row.wait_for()
    refunds = console.api("GET", f"/v1/meters/{serial}/credit-refunds", token=token).body["items"]
    assert len(refunds) == 1 and Decimal(refunds[0]["refund_amount"]) == carried
    assert refunds[0]["bill_number"] in row.inner_text()
    screenshot(page, "63-credit-refund")
    # Nothing is left to refund: the API's refusal shows in the form.
    card.locator("[data-testid=credit-refund]").click()
    page.click("[data-testid=refund-submit]")
    assert "no credit" in page.locator("[data-testid=refund-error]").inner_text()


def test_a_replaced_meters_remainder_is_issued_as_a_token_once(page: Any, console: Console) -> None:
    token = console.login_token()
    old_serial, code = registered_meter(console, token)
    new_serial = new_meter(console, token)
    reason_code = f"R{uuid.uuid4().hex[:5].upper()}"
    reason = create(console, token, "replacement-reasons", {"code": reason_code, "name": "Burnt"})
    body = {"reason_id": reason, "new_serial": new_serial, "remainder": "12.30", "old_meter_state": "scrapped"}
    replaced = console.api("POST", f"/v1/contracts/{old_serial}/replace", body, token)
    assert replaced.status == 200, replaced.body
    sign_in(page, console)
    page.goto(console.url + f"/customers/{code}")
    page.locator("[data-testid=contracts-table] tr.ant-table-row", has_text=new_serial).click()
    card = page.locator("[data-testid=meter-credit]", has_text=new_serial)
    card.locator("[data-testid=remainder-token]").click()
    card.locator("[data-testid=receipt] [data-testid=token]").wait_for()
    issued = console.api("GET", f"/v1/vends?meter={new_serial}", token=token).body["items"]
    assert [vend["kind"] for vend in issued] == ["replacement-remainder"]
    assert issued[0]["tokens"][0][:4] in card.locator("[data-testid=token]").inner_text()
    # Delivered: the contract waits for no remainder, and the button is gone.
    assert console.api("GET", f"/v1/contracts/{new_serial}", token=token).body["pending_remainder"] is None
    card.locator("[data-testid=remainder-token]").wait_for(state="detached")


def onboarded_tenant(console: Console, platform_token: str) -> str:
    tenant_id = f"rs{uuid.uuid4().hex[:8]}"
    body = {"id": tenant_id, "name": f"Restore {tenant_id}", "currency": "KES", "decimals": 2,
            "timezone": "Africa/Nairobi", "admin": {"username": "admin", "password": "admin-pass-1"}}
    reply = console.api("POST", "/v1/platform/tenants", body, platform_token)
    assert reply.status == 201, reply.body
    return tenant_id


def finished_backup(console: Console, token: str, backup_id: str, seconds: float = 60.0) -> None:
    """The backup worker runs the job after the API answers (an asynchronous invocation, as in the cloud)."""
    deadline = time.monotonic() + seconds
    while (status := console.api("GET", f"/v1/backups/{backup_id}", token=token).body["status"]) != "done":
        assert status != "failed" and time.monotonic() < deadline, f"backup {backup_id} is {status}"
        time.sleep(0.5)


def test_a_platform_operator_restores_from_the_console_and_sees_the_apis_refusal(page: Any, console: Console) -> None:
    """The success path is covered by tests/api/test_backups.py: here a freshly onboarded tenant already holds the
    report counters the stack's stream consumer writes for its default archives, so the API finds it not empty."""
    platform_token = console.login_token("platform", "platform", "platform123")
    source = onboarded_tenant(console, platform_token)
    source_token = console.login_token(source, "admin", "admin-pass-1")
    create(console, source_token, "topologies", {"code": "KEEP", "name": "Kept through the restore"})
    backup = console.api("POST", "/v1/backups", {}, source_token)
    assert backup.status == 202, backup.body
    finished_backup(console, source_token, backup.body["id"])

    sign_in(page, console, tenant="platform", user=("platform", "platform123"))
    page.locator("[data-testid=main-menu]").get_by_text("System").click()
    page.locator("[data-testid=main-menu]").get_by_text("Restore a backup").click()
    page.fill("#restore-backup", "not-an-id")
    page.click("[data-testid=restore-submit]")
    page.get_by_text("32 hexadecimal characters").wait_for()  # checked before anything is sent
    choose(page, "restore-target", source)
    page.fill("#restore-source", source)
    page.fill("#restore-backup", backup.body["id"])
    with page.expect_response(lambda answer: answer.url.endswith(f"/v1/platform/tenants/{source}/restore")) as sent:
        page.click("[data-testid=restore-submit]")
    assert sent.value.status == 409
    assert f"tenant '{source}' is not empty" in page.locator("[data-testid=restore-error]").inner_text()
    assert page.locator("[data-testid=restore-outcome]").count() == 0

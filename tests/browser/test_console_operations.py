"""Reports, meter operations, notification templates and an installer's completed work order, in a real
browser against the local API."""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gridvend.tenancy.calendar import TenantCalendar
from infra.local.bootstrap import DEMO_TIMEZONE
from tests.browser.conftest import ACTION_TIMEOUT_MS, DEMO_ADMIN, Console, sign_in

pytestmark = pytest.mark.browser
Screenshot = Callable[[Any, str], Path]
FINAL_TASK_STATES = ("done", "partial", "failed")


def wait_for_report_rows(console: Console, token: str, name: str, seconds: float = 30.0) -> None:
    """Sales reach the report cells through the table's stream, a moment after the sale."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if console.api("GET", f"/v1/reports/{name}", token=token).body["rows"]:
            return
        time.sleep(0.5)
    raise AssertionError(f"report {name} stayed empty")


def test_run_a_report_see_its_chart_and_export_it(page: Any, console: Console, screenshot: Screenshot) -> None:
    token = console.login_token()
    sale = {"meter": "58000000006", "amount": "10"}
    sold = console.api("POST", "/v1/vends", sale, token, headers={"Idempotency-Key": f"browser-{uuid.uuid4().hex}"})
    assert sold.status == 201, sold.body
    wait_for_report_rows(console, token, "sales-daily")
    sign_in(page, console)
    page.goto(console.url + "/reports?report=sales-daily")
    # The parameters come from the catalogue and are sent: a range in the future has no rows.
    page.locator("[data-testid=report-choice]", has_text="Daily sales").wait_for()
    page.locator(".ant-select-selection-item", has_text="Sales point").wait_for()  # the catalogue's default group
    page.fill("#report-from", "2999-01-01")
    page.click("[data-testid=report-run]")
    page.get_by_text("No rows for these parameters.").wait_for()
    page.fill("#report-from", "")
    page.click("[data-testid=report-run]")
    table = page.locator("[data-testid=report-table]")
    table.wait_for()
    assert "admin" in table.inner_text()
    page.get_by_role("tab", name="Chart").click()
    page.locator("[data-testid=report-chart] .recharts-bar-rectangle").first.wait_for()
    screenshot(page, "30-report-chart")

    page.hover("[data-testid=report-export]")
    with page.expect_download() as download:
        page.locator(".ant-dropdown-menu-item", has_text="CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert download.value.suggested_filename.endswith(".csv")
    assert "admin" in text and "," in text.splitlines()[0]

    # The dashboard charts the sales and opens their report from the chart's card.
    page.goto(console.url + "/")
    if console.api("GET", "/v1/dashboard", token=token).status == 200:
        chart, report = "chart-sales-by-month", "sales-monthly"
    else:  # without GET /v1/dashboard the console charts the daily sales report itself
        chart, report = "sales-chart", "sales-daily"
    page.locator(f"[data-testid={chart}] .recharts-bar-rectangle").first.wait_for()
    screenshot(page, "33-dashboard")
    page.locator(f"[data-testid={chart}] .ant-card-extra a").click()
    page.wait_for_url(f"**/reports?report={report}")


def test_switch_a_relay_and_follow_the_task_to_a_final_state(
    page: Any, console: Console, screenshot: Screenshot
) -> None:
    sign_in(page, console)
    page.goto(console.url + "/operations")
    page.fill("textarea[data-testid=ops-meters]", "58000000005")
    page.click("[data-testid=relay-disconnect]")
    page.locator(".ant-popconfirm .ant-btn-primary").click()
    monitor = page.locator("[data-testid=task-monitor]")
    monitor.wait_for()
    page.wait_for_function(
        "(finals) => finals.includes(document.querySelector('[data-testid=task-status]')?.dataset.status)",
        arg=list(FINAL_TASK_STATES),
    )
    assert "58000000005" in page.inner_text("[data-testid=task-commands]")
    task_id = page.inner_text("[data-testid=task-monitor] .ant-card-head-title").split()[1]
    token = console.login_token()
    assert console.api("GET", f"/v1/tasks/{task_id}", token=token).body["status"] in FINAL_TASK_STATES
    page.locator("[data-testid=tasks-table] tr.ant-table-row", has_text=task_id).wait_for()
    screenshot(page, "31-meter-operations")


def test_a_notification_template_with_an_unknown_placeholder_is_refused_at_its_field(
    page: Any, console: Console, screenshot: Screenshot
) -> None:
    name = f"Tamper {uuid.uuid4().hex[:6]}"
    sign_in(page, console)
    page.goto(console.url + "/system/notifications")
    page.click("[data-testid=template-add]")
    page.fill("#template-name", name)
    page.fill("#template-subject", "Alarm on ${devAddr}")
    page.fill("#template-body", "Meter ${devAddr} reported ${nonsense}")
    page.click("[data-testid=template-save]")
    problems = "[data-testid=template-form] .ant-form-item-explain-error, [data-testid=template-form] .ant-alert"
    page.locator(problems, has_text="nonsense").first.wait_for()
    page.fill("#template-body", "Meter ")
    page.locator("[data-testid=template-form] .ant-tag", has_text="${eventName}").click()
    assert page.input_value("#template-body") == "Meter ${eventName}"
    page.click("[data-testid=template-save]")
    page.locator("[data-testid=templates-table] tr.ant-table-row", has_text=name).wait_for()

    # A rule sends the template to its recipients.
    page.click("[data-testid=rule-add]")
    page.fill("#rule-name", f"Rule {name}")
    page.locator("[data-testid=rule-template]").click()
    page.locator(".ant-select-dropdown:visible .ant-select-item-option", has_text=name).click()
    page.locator("[data-testid=rule-recipients] input").fill("ops@example.com,")
    page.click("[data-testid=rule-save]")
    page.locator("[data-testid=rules-table] tr.ant-table-row", has_text="ops@example.com").wait_for()
    screenshot(page, "34-notifications")


def test_an_installer_completes_a_work_order_on_a_phone(browser: Any, console: Console, screenshot: Screenshot) -> None:
    token = console.login_token()
    model = console.api("GET", "/v1/archives/meter-models?q=SP-1P&match=exact", token=token).body["items"][0]
    serial = f"3{random.randrange(10**9, 10**10)}"
    meter = {"serial": serial, "model_id": model["id"], "sgc": "123456"}
    assert console.api("POST", "/v1/meters", meter, token).status == 201
    assignment = {"installer": "admin", "date": TenantCalendar.named(DEMO_TIMEZONE).day_key(), "serials": [serial]}
    assigned = console.api("POST", "/v1/work-orders", assignment, token)
    assert assigned.status == 201, assigned.body
    order_id = assigned.body["items"][0]["id"]
    tag = uuid.uuid4().hex[:5].upper()
    site = console.api("POST", "/v1/archives/sites", {"code": f"S{tag}", "name": "Village"}, token).body
    project = {"code": f"P{tag}", "name": "Phase 1", "site_id": site["id"]}
    project_id = console.api("POST", "/v1/archives/projects", project, token).body["id"]
    grid = {"code": f"G{tag}", "name": "Grid 1", "project_id": project_id}
    assert console.api("POST", "/v1/archives/power-grids", grid, token).status == 201

    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    try:
        phone = context.new_page()
        phone.goto(console.url + "/installer")
        phone.fill("#login-tenant", "demo")
        phone.fill("#login-username", DEMO_ADMIN[0])
        phone.fill("#login-password", DEMO_ADMIN[1])
        phone.click("[data-testid=login-submit]")
        phone.locator(".work-order", has_text=serial).click()
        phone.fill("#meter-serial", serial)
        phone.fill("#poc-name", "House 7")
        phone.fill("#customer-code", "DEMO001")
        for field, code in (("site_id", f"S{tag}"), ("project_id", f"P{tag}"), ("grid_id", f"G{tag}")):
            phone.locator(f".field-{field} .ant-select").click()
            phone.locator(".ant-select-dropdown:visible .ant-select-item-option", has_text=code).click()
        phone.fill("[aria-label=latitude]", "-1.2921")
        phone.fill("[aria-label=longitude]", "36.8219")
        phone.click("[data-testid=submit-installation]")
        phone.get_by_text("Installation sent.").wait_for()
        screenshot(phone, "32-installer-completed")
    finally:
        context.close()
    assert console.api("GET", f"/v1/work-orders/{order_id}", token=token).body["state"] == "completed"


def test_every_report_in_the_catalogue_renders_its_form_and_runs(page: Any, console: Console) -> None:
    """The console knows no report by name: whatever the catalogue lists opens, runs with its defaults and
    shows a table, an empty result or the API's field problem, never a failure of the screen."""
    token = console.login_token()
    catalogue = console.api("GET", "/v1/reports", token=token).body["items"]
    sign_in(page, console)
    outcomes: dict[str, str] = {}
    for entry in catalogue:
        page.goto(f"{console.url}/reports?report={entry['name']}")
        page.locator("[data-testid=report-choice]", has_text=entry["title"]).wait_for()
        page.click("[data-testid=report-run]")
        shown = page.locator(
            "[data-testid=report-result], [data-testid=report-error], .ant-form-item-explain-error"
        ).first
        try:
            shown.wait_for()
        except Exception as failure:
            raise AssertionError(f"report {entry['name']} showed nothing") from failure
        outcomes[entry["name"]] = shown.inner_text()
    failures = {name: text for name, text in outcomes.items() if "Internal error" in text or "HTTP 5" in text}
    assert not failures, failures
    assert len(outcomes) == len(catalogue) >= 8

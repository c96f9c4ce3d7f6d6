"""The console in a real browser: sign in, browse and create archive records, field errors from the
API at their field, search and paging, the tree, roles, logs, languages."""

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


def unique_code(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:6].upper()}"


def open_archive(page: Any, console: Console, kind: str) -> None:
    page.goto(f"{console.url}/archives/{kind}")
    page.wait_for_selector("[data-testid=archive-table] .ant-table-tbody")


def wait_for_row(page: Any, text: str) -> None:
    page.locator("[data-testid=archive-table] tr.ant-table-row", has_text=text).first.wait_for()


def wait_for_rows(page: Any, count: int, text: str) -> None:
    """Until the table shows exactly `count` rows, each holding text (a list keeps its old rows while
    the next page loads)."""
    page.wait_for_function(
        """([count, text]) => {
            const rows = [...document.querySelectorAll('[data-testid=archive-table] tr.ant-table-row')];
            return rows.length === count && rows.every((row) => row.innerText.includes(text));
        }""",
        arg=[count, text],
    )


def test_sign_in_shows_dashboard_and_menu_of_permitted_screens(
    page: Any, console: Console, screenshot: Screenshot
) -> None:
    page.goto(console.url + "/")
    page.wait_for_selector("#login-tenant")
    screenshot(page, "01-login")
    sign_in(page, console)
    assert page.inner_text("[data-testid=current-user]") == "admin"
    menu = page.inner_text("[data-testid=main-menu]")
    for entry in ("Dashboard", "Archives", "Meters", "Customers", "Vending", "Reports", "System"):
        assert entry in menu
    page.wait_for_selector("[data-testid=activity-chart]")
    screenshot(page, "02-dashboard")


def test_wrong_password_is_refused_with_a_message(page: Any, console: Console) -> None:
    page.goto(console.url + "/")
    page.fill("#login-tenant", "demo")
    page.fill("#login-username", "admin")
    page.fill("#login-password", "not-the-password")
    page.click("[data-testid=login-submit]")
    assert "Sign-in failed" in page.inner_text("[data-testid=login-error]")
    assert page.query_selector("[data-testid=main-menu]") is None


def test_browse_and_create_a_branch_through_the_schema_driven_form(
    page: Any, console: Console, screenshot: Screenshot
) -> None:
    sign_in(page, console)
    page.click("[data-testid=main-menu] >> text=Archives")
    page.click("[data-testid=main-menu] >> text=Branches")
    page.wait_for_url(re.compile(r"/archives/branches$"))
    wait_for_row(page, "BR01")  # seeded by the bootstrap
    screenshot(page, "03-branches-list")

    code = unique_code("BR")
    page.click("[data-testid=add-record]")
    form = page.locator("[data-testid=record-form]")
    # Fields come from BranchInput in the OpenAPI document, the region as a picker of regions.
    for label in ("Code", "Name", "Remark", "Region", "Address", "Phone", "Manager"):
        assert form.get_by_text(label, exact=True).count() == 1, label
    form.locator(".field-code input").fill(code)
    form.locator(".field-name input").fill("North branch")
    form.locator(".field-region_id .ant-select").click()
    page.locator(".ant-select-dropdown:visible .ant-select-item-option", has_text="NBO").click()
    screenshot(page, "04-branch-form")
    page.click("[data-testid=form-save]")
    page.wait_for_selector("[data-testid=record-form]", state="detached")
    wait_for_row(page, code)

    token = console.login_token()
    found = console.api("GET", f"/v1/archives/branches?q={code}&match=exact", token=token).body["items"]
    regions = console.api("GET", "/v1/archives/regions?q=NBO&match=exact", token=token).body["items"]
    assert found[0]["name"] == "North branch"
    assert found[0]["region_id"] == regions[0]["id"]


def test_the_apis_field_problem_is_shown_at_its_field(page: Any, console: Console, screenshot: Screenshot) -> None:
    sign_in(page, console)
    open_archive(page, console, "sales-points")
    page.click("[data-testid=add-record]")
    form = page.locator("[data-testid=record-form]")
    form.locator(".field-code input").fill("bad code!")  # the API's pattern refuses the space and "!"
    form.locator(".field-name input").fill("Counter")
    form.locator(".field-branch_id .ant-select").click()
    page.locator(".ant-select-dropdown:visible .ant-select-item-option", has_text="BR01").click()
    form.locator(".field-name input").click()  # the branch picker's list closes
    page.click("[data-testid=form-save]")
    error = form.locator(".field-code .ant-form-item-explain-error")
    error.wait_for()
    assert "pattern" in error.inner_text()
    assert form.locator(".field-name .ant-form-item-explain-error").count() == 0
    screenshot(page, "05-field-error")
    token = console.login_token()
    listed = console.api("GET", "/v1/archives/sales-points?q=Counter&match=prefix", token=token).body["items"]
    assert listed == []


def test_search_modes_and_cursor_paging(page: Any, console: Console) -> None:
    token = console.login_token()
    prefix = unique_code("PG")
    for number in range(23):
        bank = {"code": f"{prefix}{number:02d}", "name": f"{prefix} bank {number:02d}"}
        reply = console.api("POST", "/v1/archives/banks", bank, token)
        assert reply.status == 201, reply.body
    sign_in(page, console)
    open_archive(page, console, "banks")
    page.fill("[data-testid=archive-search] input", prefix)
    page.press("[data-testid=archive-search] input", "Enter")
    wait_for_rows(page, 20, prefix)
    page.locator("[data-testid=next-page]:not([disabled])").click()
    page.wait_for_selector("text=Page 2")
    wait_for_rows(page, 3, prefix)
    page.locator("[data-testid=next-page][disabled]").wait_for()

    page.click("[data-testid=match-mode]")
    page.locator(".ant-select-dropdown:visible .ant-select-item-option", has_text="Exact code").click()
    page.fill("[data-testid=archive-search] input", f"{prefix}07")
    page.press("[data-testid=archive-search] input", "Enter")
    wait_for_rows(page, 1, f"{prefix} bank 07")


def test_csv_export_downloads_the_search(page: Any, console: Console) -> None:
    sign_in(page, console)
    open_archive(page, console, "vend-amounts")
    with page.expect_download() as download_info:
        page.click("[data-testid=export-csv]")
    exported = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    header, *rows = exported.strip().splitlines()
    assert header.startswith("id,code,name")
    assert any(",A10,10," in row for row in rows)
    assert any(",A50,50," in row for row in rows)


def test_region_tree_loads_children_under_their_parent(page: Any, console: Console, screenshot: Screenshot) -> None:
    token = console.login_token()
    parent_code, child_code = unique_code("RP"), unique_code("RC")
    parent = console.api("POST", "/v1/archives/regions", {"code": parent_code, "name": "Coast province"}, token).body
    reply = console.api(
        "POST", "/v1/archives/regions", {"code": child_code, "name": "Mombasa", "parent_id": parent["id"]}, token
    )
    assert reply.status == 201, reply.body
    sign_in(page, console)
    open_archive(page, console, "regions")
    page.click("[data-testid=view-switch] >> text=Tree")
    tree = page.locator("[data-testid=archive-tree]")
    node = tree.locator(".ant-tree-treenode", has_text=parent_code)
    node.wait_for()
    assert tree.get_by_text(child_code).count() == 0
    node.locator(".ant-tree-switcher").click()
    tree.get_by_text(f"{child_code} · Mombasa").wait_for()
    screenshot(page, "06-region-tree")


def test_role_permissions_are_picked_from_the_catalogue(page: Any, console: Console, screenshot: Screenshot) -> None:
    sign_in(page, console)
    page.goto(console.url + "/system/roles")
    page.click("[data-testid=add-record]")
    code = unique_code("CASHIER")
    form = page.locator("[data-testid=record-form]")
    form.locator(".field-code input").fill(code)
    form.locator(".field-name input").fill("Cashier")
    picker = page.locator("[data-testid=permission-picker]")
    picker.get_by_label("operators:view").check()
    picker.get_by_label("archives.branches:all").check()
    screenshot(page, "07-role-permissions")
    page.click("[data-testid=form-save]")
    page.wait_for_selector("[data-testid=record-form]", state="detached")

    token = console.login_token()
    role = console.api("GET", f"/v1/archives/roles?q={code}&match=exact", token=token).body["items"][0]
    branch_grants = [f"archives.branches:{action}" for action in ("view", "create", "update", "delete", "export")]
    assert role["permissions"] == sorted(["operators:view", *branch_grants])


def test_an_operator_sees_only_the_menu_their_role_grants(page: Any, console: Console) -> None:
    token = console.login_token()
    role_code = unique_code("VIEWER")
    role = console.api(
        "POST",
        "/v1/archives/roles",
        {"code": role_code, "name": "Branch viewer", "permissions": ["archives.branches:view"]},
        token,
    ).body
    username = f"viewer{uuid.uuid4().hex[:6]}"
    reply = console.api(
        "POST",
        "/v1/operators",
        {"username": username, "password": "Viewer-pass-1", "display_name": "Viewer", "roles": [role["id"]]},
        token,
    )
    assert reply.status == 201, reply.body
    sign_in(page, console, user=(username, "Viewer-pass-1"))
    page.click("[data-testid=main-menu] >> text=Archives")
    menu = page.inner_text("[data-testid=main-menu]")
    assert "Branches" in menu
    for hidden in ("Tariffs", "Operators", "Audit log", "Meters"):
        assert hidden not in menu
    open_archive(page, console, "branches")
    assert page.query_selector("[data-testid=add-record]") is None


def test_audit_and_login_logs_show_this_months_entries(page: Any, console: Console, screenshot: Screenshot) -> None:
    token = console.login_token()
    code = unique_code("AU")
    assert console.api("POST", "/v1/archives/banks", {"code": code, "name": "Audited bank"}, token).status == 201
    bank = console.api("GET", f"/v1/archives/banks?q={code}&match=exact", token=token).body["items"][0]
    sign_in(page, console)
    page.goto(console.url + "/system/audit")
    page.locator("[data-testid=log-table]").get_by_text(bank["id"]).wait_for()
    screenshot(page, "08-audit-log")
    page.goto(console.url + "/system/login-log")
    log = page.locator("[data-testid=log-table]")
    log.get_by_text("Success").first.wait_for()
    assert "admin" in log.inner_text()
    screenshot(page, "09-login-log")


def test_switching_language_translates_menu_screens_and_names(
    page: Any, console: Console, screenshot: Screenshot
) -> None:
    sign_in(page, console)
    open_archive(page, console, "sales-points")
    page.click("[data-testid=language-switch]")
    page.locator(".ant-select-dropdown:visible .ant-select-item-option", has_text="中文").click()
    page.wait_for_selector("[data-testid=page-title] >> text=售电点")
    menu = page.inner_text("[data-testid=main-menu]")
    assert "档案管理" in menu and "系统管理" in menu
    assert "编号" in page.inner_text("[data-testid=archive-table]")
    screenshot(page, "10-chinese")
    page.click("[data-testid=language-switch]")
    page.locator(".ant-select-dropdown:visible .ant-select-item-option", has_text="Français").click()
    page.wait_for_selector("[data-testid=page-title] >> text=Points de vente")
    assert "Référentiels" in page.inner_text("[data-testid=main-menu]")
    page.reload()
    page.wait_for_selector("[data-testid=page-title] >> text=Points de vente")  # the choice is kept


def test_meters_screen_lists_a_registered_meter_by_serial_prefix(page: Any, console: Console) -> None:
    token = console.login_token()
    model = console.api("GET", "/v1/archives/meter-models?q=SP-1P&match=exact", token=token).body["items"][0]
    serial = f"5{uuid.uuid4().int % 10**10:010d}"
    created = console.api("POST", "/v1/meters", {"serial": serial, "model_id": model["id"], "sgc": "123456"}, token)
    assert created.status == 201, created.body
    sign_in(page, console)
    page.click("[data-testid=main-menu] >> text=Meters")
    page.fill("input[placeholder=Search]", serial[:8])
    page.press("input[placeholder=Search]", "Enter")
    row = page.locator("[data-testid=meters-table] tr.ant-table-row", has_text=serial)
    row.wait_for()
    assert "In warehouse" in row.inner_text()

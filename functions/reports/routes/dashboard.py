"""`GET /v1/dashboard`: the figures of the tenant's dashboard (functions/reports/dashboard.py), read from
counters and rollup cells. `days` (1-31, default 7) is the window of the reading rate and the events by type;
`expected` (1-1440, default 96) the readings a meter should give a day; `top_month` (YYYY-MM, default last
month) the month of the top 10 sales points."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from functions.common.auth import tenant_context
from functions.common.deps import tenant_store
from functions.common.requests import query
from functions.common.routing import route
from functions.reports.dashboard import DashboardQuery, dashboard
from gridvend.reports.parameters import ReportParameter, read_parameters

dashboard_routes = Blueprint(__name__)

DASHBOARD_PARAMETERS = (
    ReportParameter("days", "integer", "Days", default=7, minimum=1, maximum=31),
    ReportParameter("expected", "integer", "Readings expected a day per meter", default=96, minimum=1, maximum=1440),
    ReportParameter("top_month", "month", "Month of the top sales points (default last month)"),
)


@route(dashboard_routes, "/v1/dashboard", ["GET"])
def show_dashboard() -> dict[str, Any]:
    ctx = tenant_context(dashboard_routes.current_request)
    ctx.require("reports", "view")
    values = read_parameters(DASHBOARD_PARAMETERS, query(dashboard_routes.current_request))
    today = ctx.calendar.today()
    figures = dashboard(tenant_store(ctx.tenant_id), ctx, int(ctx.extra.get("decimals", 2)),
                        DashboardQuery(values["days"], values["expected"], today, values["top_month"]))
    return {"as_of": today.isoformat(), **figures}

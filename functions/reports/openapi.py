"""OpenAPI entries of the report routes (the catalogue at GET /v1/reports describes each report's parameters
and columns in full)."""

from __future__ import annotations

from functions.common.openapi import OpenApiBuilder


def describe_report_api(spec: OpenApiBuilder) -> None:
    spec.operation("GET", "/v1/reports", "The report catalogue: each report's section, parameters and columns")
    spec.operation(
        "GET", "/v1/reports/{name}", "A report as JSON, or as a csv, xlsx or pdf file (format, and the report's "
        "parameters from the catalogue)", parameters=["name"],
    )
    spec.operation(
        "POST", "/v1/reports/{name}/exports", "An export job: the report as a file in the reports bucket, with a "
        "download link", success=201, parameters=["name"],
    )
    spec.operation("GET", "/v1/report-exports/{job_id}", "An export job's progress and link", parameters=["job_id"])
    spec.operation(
        "GET", "/v1/dashboard", "Dashboard figures from counters and rollup cells (days 1-31, expected readings "
        "a day, top_month YYYY-MM)",
    )

"""The reports function: sales and other reports as JSON and as CSV, XLSX and PDF files."""

from __future__ import annotations

from functions.common.app_factory import create_app
from functions.reports.blueprints import REPORT_BLUEPRINTS

app = create_app("gridvend-reports", REPORT_BLUEPRINTS)

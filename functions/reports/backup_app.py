"""The backups function: tenant backups and platform restores. Its own Lambda, because a backup scans and a
restore writes a whole tenant on the function's own table rights, which the tenant-scoped reports function lacks."""

from __future__ import annotations

from functions.common.app_factory import create_app
from functions.reports.routes.backups import backup_routes

app = create_app("gridvend-backups", [backup_routes])

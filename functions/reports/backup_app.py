"""The backups function: tenant backups and platform restores. Its own Lambda, because a backup scans and a
restore writes a whole tenant on the function's own table rights, which the tenant-scoped reports function lacks."""

from __future__ import annotations

from functions.common.app_factory import create_app
from functions.reports.blueprints import BACKUP_BLUEPRINTS

app = create_app("gridvend-backups", BACKUP_BLUEPRINTS)

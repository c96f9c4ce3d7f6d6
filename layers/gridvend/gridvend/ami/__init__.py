"""Advanced metering, the pure part: reading rollups, alarm detection, command tasks and their states,
collection schedules, notification templates and rules, the network monitor. Stdlib and pydantic only."""

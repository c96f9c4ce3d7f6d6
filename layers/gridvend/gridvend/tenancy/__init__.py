"""Tenants: their settings (currency, decimals, time zone, languages, region levels, STS base date)."""

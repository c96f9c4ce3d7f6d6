"""Meters: STS identity, warehouse states and their history, stock bills, communication devices."""

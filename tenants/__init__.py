"""Tenant onboarding: create a tenant, its first admin and its default base data."""

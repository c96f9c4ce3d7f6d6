"""Shared fixtures. Local services (DynamoDB Local, moto server, mosquitto) come from a plugin."""

pytest_plugins = ["tests.fixtures.local_services"]

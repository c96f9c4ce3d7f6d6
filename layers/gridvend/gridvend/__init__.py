"""Gridvend domain package shared by every function (shipped as the Lambda layer)."""

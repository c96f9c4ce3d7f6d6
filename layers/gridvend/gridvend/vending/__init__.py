"""Vending: turn a payment into a receipt with STS tokens, exactly once."""

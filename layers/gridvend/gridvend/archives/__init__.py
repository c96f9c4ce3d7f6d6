"""Base data of a tenant (seed 000 §1-2, seed 004 §1-2): kinds, their schemas and rules."""

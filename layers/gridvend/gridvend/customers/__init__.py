"""Customers and their meter contracts: registration bills, change modules, replacement, pay-type change,
points of collection, installer work orders and IC card records."""

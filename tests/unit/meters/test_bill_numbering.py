"""Bill numbers: the rule's parts in order, a zero-padded serial, and the period the counter resets in."""

from __future__ import annotations

from datetime import date

from gridvend.bills.numbering import NumberingRule, counter_period, format_number

DAY = date(2025, 3, 7)


def rule(parts: tuple[str, ...], reset: str = "monthly", digits: int = 5) -> NumberingRule:
    return NumberingRule("STOCK", "S", parts, digits, reset)


def test_parts_come_in_the_rule_order_then_the_serial() -> None:
    assert format_number(rule(("prefix", "yyyymm")), 42, DAY) == "S20250300042"
    assert format_number(rule(("branch", "prefix", "yyyymmdd")), 1, DAY, "nbo") == "NBOS2025030700001"
    assert format_number(rule(("sales_point", "yyyy"), digits=3), 7, DAY, "", "sp1") == "SP12025007"


def test_a_serial_that_outgrows_its_digits_widens_instead_of_wrapping() -> None:
    assert format_number(rule(("prefix",), digits=3), 1000, DAY) == "S1000"


def test_the_counter_period_follows_the_reset() -> None:
    assert counter_period(rule((), "monthly"), DAY) == "2025-03"
    assert counter_period(rule((), "yearly"), DAY) == "2025"
    assert counter_period(rule((), "never"), DAY) == "ALL"


def test_a_rule_reads_from_its_archive_record() -> None:
    read = NumberingRule.from_archive("stock", {"prefix": "S", "parts": ["prefix", "yyyymm"], "serial_digits": 5,
                                                "reset": "yearly"})
    assert read == NumberingRule("STOCK", "S", ("prefix", "yyyymm"), 5, "yearly")

"""Alarm notifications (seed 004 §9.3): templates with ${placeholders} and rules that say which events
(by type), from which meters (a group: a region, a branch, listed meters, or all) are mailed to whom."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

PLACEHOLDER = re.compile(r"\$\{([A-Za-z][A-Za-z0-9_]*)\}")
# What an event offers a template; unknown placeholders are left as written, so a typo shows.
PLACEHOLDERS = (
    "devAddr", "devModel", "thing", "consumerCode", "consumerName", "eventType", "eventName", "eventValue",
    "eventTime", "severity", "tenant",
)


def unknown_placeholders(text: str) -> list[str]:
    return sorted({name for name in PLACEHOLDER.findall(text) if name not in PLACEHOLDERS})


def render(text: str, values: Mapping[str, str], *, as_html: bool) -> str:
    """Fills the placeholders; values are escaped when the template is HTML."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            return match.group(0)
        return html.escape(values[name]) if as_html else values[name]

    return PLACEHOLDER.sub(value, text)


@dataclass(frozen=True)
class Group:
    """Which meters a rule covers: all (nothing given), or a region / branch / list of meters."""

    region_ids: tuple[str, ...] = ()
    branch_ids: tuple[str, ...] = ()
    meters: tuple[str, ...] = ()

    @property
    def everyone(self) -> bool:
        return not (self.region_ids or self.branch_ids or self.meters)


@dataclass(frozen=True)
class Rule:
    rule_id: str
    name: str
    event_codes: tuple[str, ...]  # empty: every event whose type raises an alarm
    template_id: str
    recipients: tuple[str, ...]
    group: Group = field(default_factory=Group)
    enabled: bool = True


@dataclass(frozen=True)
class MeterPlace:
    """Where a meter sits, as far as rules ask: its branch and that branch's region chain."""

    serial: str
    branch_id: str | None = None
    region_ids: tuple[str, ...] = ()


def matches(rule: Rule, code: str, is_alarm: bool, place: MeterPlace) -> bool:
    if not rule.enabled:
        return False
    if rule.event_codes and code not in rule.event_codes:
        return False
    if not rule.event_codes and not is_alarm:
        return False
    group = rule.group
    if group.everyone:
        return True
    return (
        place.serial in group.meters
        or (place.branch_id is not None and place.branch_id in group.branch_ids)
        or any(region in group.region_ids for region in place.region_ids)
    )


def matching_rules(rules: Sequence[Rule], code: str, is_alarm: bool, place: MeterPlace) -> list[Rule]:
    return [rule for rule in rules if matches(rule, code, is_alarm, place)]

"""MQTT topics. A device (module, concentrator) publishes under gv/<tenant>/<thing>/up/<channel> and
receives commands on gv/<tenant>/<thing>/down/cmd; its certificate allows nothing else (IoT policy in
the cloud, mosquitto's ACL locally). The tenant of an uplink is read from its topic, never its payload.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from gridvend.auth.context import TENANT_ID_PATTERN

ROOT = "gv"
THING_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_:\-]{0,63}$")
THING_ID_RULE = "1-64 letters, digits, '_', ':' or '-', starting with a letter or digit"
# The topic filter of the IoT rule (and of the local router's subscription) for every uplink.
UPLINK_FILTER = f"{ROOT}/+/+/up/+"


class Channel(StrEnum):
    READING = "reading"
    EVENT = "event"
    ACK = "ack"


@dataclass(frozen=True)
class UplinkTopic:
    tenant_id: str
    thing_id: str
    channel: Channel


class BadTopic(ValueError):
    pass


def is_thing_id(thing_id: str) -> bool:
    return bool(THING_ID_PATTERN.match(thing_id))


def uplink_topic(tenant_id: str, thing_id: str, channel: Channel) -> str:
    return f"{ROOT}/{tenant_id}/{thing_id}/up/{channel.value}"


def command_topic(tenant_id: str, thing_id: str) -> str:
    return f"{ROOT}/{tenant_id}/{thing_id}/down/cmd"


def command_filter(tenant_id: str, thing_id: str) -> str:
    return f"{ROOT}/{tenant_id}/{thing_id}/down/#"


def device_common_name(tenant_id: str, thing_id: str) -> str:
    """The certificate subject CN of a device: mosquitto's ACL and the topics are built from it."""
    return f"{tenant_id}/{thing_id}"


def iot_thing_name(tenant_id: str, thing_id: str) -> str:
    """The account-wide IoT Core thing name (and MQTT client id); tenant ids hold no ':', so the first
    ':' separates the two."""
    return f"{tenant_id}:{thing_id}"


def parse_uplink_topic(topic: str) -> UplinkTopic:
    parts = topic.split("/")
    if len(parts) != 5 or parts[0] != ROOT or parts[3] != "up":
        raise BadTopic(f"not an uplink topic: {topic[:120]!r}")
    _, tenant_id, thing_id, _, channel = parts
    if not TENANT_ID_PATTERN.match(tenant_id):
        raise BadTopic("the topic's tenant is not a tenant id")
    if not is_thing_id(thing_id):
        raise BadTopic("the topic's thing is not a thing id")
    try:
        return UplinkTopic(tenant_id, thing_id, Channel(channel))
    except ValueError:
        raise BadTopic(f"unknown uplink channel {channel[:20]!r}") from None

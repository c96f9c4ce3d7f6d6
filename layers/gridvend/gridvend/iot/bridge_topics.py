"""Topics of an office's bridge agent. The agent is a thing named "bridge-<office>" (certificate CN
"<tenant>/bridge-<office>"), so the device rules hold for it: it publishes only under its own up/
and receives only under its own down/.

    gv/<tenant>/bridge-<office>/down/bridge/req        cloud -> agent: requests (MQTT 5, with a
                                                       response topic and correlation data)
    gv/<tenant>/bridge-<office>/up/bridge/res          agent -> cloud: responses
    gv/<tenant>/bridge-<office>/up/bridge/announce     the agent and its devices, on every connect
    gv/<tenant>/bridge-<office>/up/bridge/heartbeat    liveness and device state, periodically
    gv/<tenant>/bridge-<office>/up/bridge/journal      what happened at the office (vouchers printed,
                                                       cards written), replayed in order after an outage

Two levels under up/ keep these apart from the meters' uplink rule (gv/+/+/up/+).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from gridvend.iot.topics import ROOT, device_common_name, is_thing_id

BRIDGE_THING_PREFIX = "bridge-"
# Every bridge agent's uplinks, for a cloud-side subscriber; check each topic with parse_bridge_uplink.
BRIDGE_UPLINK_FILTER = f"{ROOT}/+/+/up/bridge/+"
_UPLINK = re.compile(rf"^{ROOT}/([^/]+)/{BRIDGE_THING_PREFIX}([^/]+)/up/bridge/([^/]+)$")


class BridgeChannel(StrEnum):
    RESPONSE = "res"
    ANNOUNCE = "announce"
    HEARTBEAT = "heartbeat"
    JOURNAL = "journal"


def bridge_thing_id(office: str) -> str:
    thing_id = f"{BRIDGE_THING_PREFIX}{office}"
    if not is_thing_id(thing_id):
        raise ValueError("an office id is 1-57 letters, digits, '_', ':' or '-'")
    return thing_id


def bridge_common_name(tenant: str, office: str) -> str:
    """The certificate subject CN of the office's bridge agent."""
    return device_common_name(tenant, bridge_thing_id(office))


@dataclass(frozen=True)
class BridgeTopics:
    tenant: str
    office: str

    @property
    def _thing_root(self) -> str:
        return f"{ROOT}/{self.tenant}/{bridge_thing_id(self.office)}"

    @property
    def request(self) -> str:
        return f"{self._thing_root}/down/bridge/req"

    @property
    def uplink_root(self) -> str:
        """Every topic the agent may publish to starts with this."""
        return f"{self._thing_root}/up/"

    def uplink(self, channel: BridgeChannel) -> str:
        return f"{self._thing_root}/up/bridge/{channel.value}"

    @property
    def response(self) -> str:
        return self.uplink(BridgeChannel.RESPONSE)


@dataclass(frozen=True)
class BridgeUplink:
    tenant: str
    office: str
    channel: BridgeChannel


def parse_bridge_uplink(topic: str) -> BridgeUplink | None:
    """The tenant, office and channel of a bridge agent's uplink topic; None for any other topic."""
    match = _UPLINK.match(topic)
    if match is None or match.group(3) not in BridgeChannel.__members__.values():
        return None
    tenant, office, channel = match.groups()
    if not is_thing_id(f"{BRIDGE_THING_PREFIX}{office}"):
        return None
    return BridgeUplink(tenant, office, BridgeChannel(channel))

"""The one IoT policy every device certificate carries. Policy variables bind it to the thing the
certificate is attached to: a certificate connects only as its thing, publishes only under
gv/<tenant>/<thing>/up/ and receives only gv/<tenant>/<thing>/down/ (tenant and thing are attributes
of the IoT thing). mosquitto's ACL (infra/local/mosquitto.py) mirrors this on the local stack."""

from __future__ import annotations

import json
from typing import Any

DEVICE_POLICY_NAME = "gridvend-device"
_TENANT = "${iot:Connection.Thing.Attributes[tenant]}"
_THING = "${iot:Connection.Thing.Attributes[thing]}"


def device_policy(region: str = "*", account: str = "*") -> dict[str, Any]:
    arn = f"arn:aws:iot:{region}:{account}"
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "iot:Connect",
                "Resource": f"{arn}:client/${{iot:Connection.Thing.ThingName}}",
                "Condition": {"Bool": {"iot:Connection.Thing.IsAttached": "true"}},
            },
            {"Effect": "Allow", "Action": "iot:Publish", "Resource": f"{arn}:topic/gv/{_TENANT}/{_THING}/up/*"},
            {
                "Effect": "Allow",
                "Action": "iot:Subscribe",
                "Resource": f"{arn}:topicfilter/gv/{_TENANT}/{_THING}/down/*",
            },
            {"Effect": "Allow", "Action": "iot:Receive", "Resource": f"{arn}:topic/gv/{_TENANT}/{_THING}/down/*"},
        ],
    }


def device_policy_json() -> str:
    return json.dumps(device_policy())

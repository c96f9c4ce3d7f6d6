"""Provisioning one thing: certificate, IoT thing with tenant/thing attributes, policy, principal, and
the tenant's registry of things and the meters they serve.

Locally the certificate comes from the local CA that mosquitto trusts (subject CN "<tenant>/<thing>")
and is registered with the IoT control plane (moto server) as a certificate without a registered CA;
in the cloud IoT Core makes the key pair and certificate. Private keys go to the device's directory
only, never to the table or the log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from gridvend.errors import InvalidInput
from gridvend.iot.topics import THING_ID_RULE, device_common_name, iot_thing_name, is_thing_id
from gridvend.store.ami.things import Thing, ThingKind, ThingRegistry
from gridvend.store.items import ItemStore
from infra.local.pki import ca_cert_path, issue_client_cert
from iot.provisioning.policy import DEVICE_POLICY_NAME, device_policy_json


@dataclass(frozen=True)
class ProvisionedThing:
    thing: Thing
    cert_path: Path
    key_path: Path
    ca_path: Path


class Provisioner:
    """iot_client: a boto3 IoT client (moto server locally), or None to skip the control plane (a bench
    that only needs the broker)."""

    def __init__(self, store: ItemStore, pki_dir: Path, iot_client: Any | None) -> None:
        self._store = store
        self._pki_dir = pki_dir
        self._iot = iot_client
        self._policy_ready = False

    def provision(self, tenant_id: str, thing_id: str, kind: ThingKind, meters: list[str]) -> ProvisionedThing:
        if not is_thing_id(thing_id):
            raise InvalidInput.for_field("thing", THING_ID_RULE)
        if kind is ThingKind.MODULE and len(meters) != 1:
            raise InvalidInput.for_field("meters", "a module serves exactly one meter")
        cert_path, key_path = issue_client_cert(self._pki_dir, device_common_name(tenant_id, thing_id))
        certificate_id = ""
        if self._iot is not None:
            certificate_id = self._register_in_iot(tenant_id, thing_id, kind, cert_path.read_text())
        thing = Thing(
            thing_id=thing_id,
            kind=kind,
            meters=tuple(meters),
            iot_thing_name=iot_thing_name(tenant_id, thing_id),
            certificate_id=certificate_id,
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        ThingRegistry(self._store, tenant_id).register(thing)
        return ProvisionedThing(thing, cert_path, key_path, ca_cert_path(self._pki_dir))

    def _register_in_iot(self, tenant_id: str, thing_id: str, kind: ThingKind, certificate_pem: str) -> str:
        iot = self._iot
        assert iot is not None
        self._ensure_policy(iot)
        registered = iot.register_certificate_without_ca(certificatePem=certificate_pem, status="ACTIVE")
        thing_name = iot_thing_name(tenant_id, thing_id)
        attributes = {"attributes": {"tenant": tenant_id, "thing": thing_id, "kind": kind.value}}
        try:
            iot.create_thing(thingName=thing_name, attributePayload=attributes)
        except iot.exceptions.ResourceAlreadyExistsException:
            iot.update_thing(thingName=thing_name, attributePayload=attributes)
        iot.attach_policy(policyName=DEVICE_POLICY_NAME, target=registered["certificateArn"])
        iot.attach_thing_principal(thingName=thing_name, principal=registered["certificateArn"])
        return str(registered["certificateId"])

    def _ensure_policy(self, iot: Any) -> None:
        if self._policy_ready:
            return
        try:
            iot.get_policy(policyName=DEVICE_POLICY_NAME)
        except iot.exceptions.ResourceNotFoundException:
            iot.create_policy(policyName=DEVICE_POLICY_NAME, policyDocument=device_policy_json())
        self._policy_ready = True

"""Secure modules of a tenant: the backend that makes its tokens, its key files and its credit."""

from __future__ import annotations

import functools
import os
import threading
import uuid
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from functions.common.deps import tenant_store
from functions.common.vending_keys import data_keys
from functions.vending.schemas import CreditTransfer, ModuleCreation
from gridvend.auth.context import TenantContext
from gridvend.errors import InvalidInput, Unprocessable
from gridvend.iot.bridge_devices import DeviceRequest, DeviceResponse
from gridvend.iot.bridge_transport import MqttBridgeTransport, MqttEndpoint
from gridvend.iot.mqtt_publisher import CLOUD_COMMON_NAME, cloud_cert_paths
from gridvend.secure.bridge_messages import BridgeRequest, BridgeResponse
from gridvend.secure.bridge_module import BridgeSecureModule
from gridvend.secure.credit import CreditTransferType, ModuleCredit
from gridvend.secure.data_keys import module_context
from gridvend.secure.errors import SecureModuleFailure, SecureModuleUnavailable
from gridvend.secure.interface import SecureModule
from gridvend.secure.key_file import parse_key_file
from gridvend.secure.software_module import SoftwareSecureModule
from gridvend.store.items import ItemStore
from gridvend.store.secure_keys import TableWrappedKeyStore
from gridvend.store.secure_modules import SecureModuleRecord, SecureModuleRepository


def _software_module(tenant_id: str, record: SecureModuleRecord) -> SoftwareSecureModule:
    if not record.wrapped_data_key:
        raise Unprocessable(f"secure module '{record.module_id}' has no data key: load its key file again")
    # Keyed by store and wrapped data key too: a process whose store changes (tests) never reuses another's module.
    return _software_module_with(id(tenant_store(tenant_id)), tenant_id, record.module_id, record.wrapped_data_key)


@functools.lru_cache(maxsize=64)
def _software_module_with(store_id: int, tenant_id: str, module_id: str, wrapped_data_key: str) -> SoftwareSecureModule:
    data_key = data_keys().open_data_key(bytes.fromhex(wrapped_data_key), module_context(tenant_id, module_id))
    keys = TableWrappedKeyStore(tenant_store(tenant_id), tenant_id, module_id)
    return SoftwareSecureModule(data_key, store=keys, allow_plaintext_keys=True)


# A bridge-backed module is the secure module of an office, reached through the office's bridge agent over MQTT
# (gridvend.iot.bridge_transport): the broker is GRIDVEND_MQTT_HOST/PORT with the cloud client's certificate
# (GRIDVEND_PKI_DIR, or GRIDVEND_MQTT_CLOUD_CERT/KEY). One connection per process serves every tenant; each
# request names its tenant and office, and only that office's agent receives it.
BRIDGE_TIMEOUT_VARIABLE = "GRIDVEND_BRIDGE_TIMEOUT_SECONDS"
IOT_CORE_LIMITS_VARIABLE = "GRIDVEND_MQTT_IOT_CORE_LIMITS"
DEFAULT_BRIDGE_TIMEOUT_SECONDS = 10.0
_bridge_lock = threading.Lock()
_bridge_transports: list[MqttBridgeTransport] = []


def _bridge_endpoint() -> MqttEndpoint:
    env = os.environ
    host, pki_dir = env.get("GRIDVEND_MQTT_HOST"), env.get("GRIDVEND_PKI_DIR")
    if not host or not pki_dir:
        raise SecureModuleUnavailable("bridge-backed secure modules are not reachable: no MQTT broker is configured")
    cert, key = cloud_cert_paths(Path(pki_dir))
    # IoT Core's endpoints need the client-side flow control; a local broker is slowed down by it.
    limits = env.get(IOT_CORE_LIMITS_VARIABLE, "true" if host.endswith(".amazonaws.com") else "false")
    return MqttEndpoint(
        host=host,
        port=int(env.get("GRIDVEND_MQTT_PORT", "8883")),
        cert_path=cert,
        key_path=key,
        ca_path=Path(pki_dir) / "ca.pem",
        client_id=f"{CLOUD_COMMON_NAME}-bridge-{uuid.uuid4().hex[:12]}",
        iot_core_limits=limits.strip().lower() in ("1", "true", "yes"),
    )


def _bridge_transport() -> MqttBridgeTransport:
    with _bridge_lock:
        if not _bridge_transports:
            timeout = float(os.environ.get(BRIDGE_TIMEOUT_VARIABLE, DEFAULT_BRIDGE_TIMEOUT_SECONDS))
            transport = MqttBridgeTransport(_bridge_endpoint(), timeout_seconds=timeout)
            transport.start()  # BridgeFailure (502) when the broker cannot be reached
            _bridge_transports.append(transport)
        return _bridge_transports[0]


def _connected_bridge_transport() -> MqttBridgeTransport:
    transport = _bridge_transport()
    if not transport.subscribed.wait(DEFAULT_BRIDGE_TIMEOUT_SECONDS):
        raise SecureModuleUnavailable("the cloud's connection to the bridge agents is down; try again shortly")
    return transport


def _over_mqtt(request: BridgeRequest) -> BridgeResponse:
    return _connected_bridge_transport()(request)


def bridge_device_call(request: DeviceRequest) -> DeviceResponse:
    """A printer or card reader request to an office's bridge agent; BridgeTimeout when it does not answer."""
    transport = _connected_bridge_transport()
    return transport.device_call(request)


def backend_for(tenant_id: str, record: SecureModuleRecord) -> SecureModule:
    if record.backend == "software":
        return _software_module(tenant_id, record)
    if record.backend == "bridge":
        if not record.office:
            raise Unprocessable(f"secure module '{record.module_id}' is bridge-backed but names no office")
        return BridgeSecureModule(_over_mqtt, tenant_id, record.office)
    raise Unprocessable(f"secure module '{record.module_id}' uses the {record.backend} backend, not reachable here")


def clear_backends() -> None:
    _software_module_with.cache_clear()
    with _bridge_lock:
        while _bridge_transports:
            _bridge_transports.pop().close()


def _key_infos(module: SecureModule) -> list[dict[str, object]]:
    return [
        {"sgc": info.sgc, "krn": info.krn, "key_type": info.key_type.value, "dkga": info.dkga, "current": info.current}
        for info in module.list_keys()
    ]


class ModuleService:
    def __init__(self, store: ItemStore, ctx: TenantContext) -> None:
        self._store = store
        self._ctx = ctx
        self.repository = SecureModuleRepository(store, ctx)

    def create(self, request: ModuleCreation) -> SecureModuleRecord:
        if request.backend == "bridge" and not request.office:
            raise InvalidInput.for_field("office", "a bridge-backed module is the module of an office: name it")
        record = SecureModuleRecord(
            module_id=request.id,
            name=request.name,
            backend=request.backend,
            office=request.office,
            is_default=request.is_default,
            wrapped_data_key=self._new_data_key(request.id) if request.backend == "software" else "",
        )
        return self.repository.create(record)

    def _data_key_opens(self, record: SecureModuleRecord) -> bool:
        if not record.wrapped_data_key:
            return False  # a module made before data keys
        try:
            data_keys().open_data_key(bytes.fromhex(record.wrapped_data_key),
                                      module_context(self._ctx.tenant_id, record.module_id)).wipe()
        except SecureModuleFailure:
            return False
        return True

    def _with_new_data_key(self, record: SecureModuleRecord) -> SecureModuleRecord:
        """A module whose data key is missing or lost (the key service no longer has its key): its stored keys
        no longer open, so they go, and the key file about to load is wrapped under a new data key."""
        TableWrappedKeyStore(self._store, self._ctx.tenant_id, record.module_id).clear()
        updated = replace(record, wrapped_data_key=self._new_data_key(record.module_id))
        return self.repository.save(record, updated, "new-data-key")

    def _new_data_key(self, module_id: str) -> str:
        data_key, wrapped = data_keys().new_data_key(module_context(self._ctx.tenant_id, module_id))
        data_key.wipe()  # made now, opened when the module first sells
        return wrapped.hex()

    def load_key_file(self, module_id: str, key_file_text: str) -> SecureModuleRecord:
        current = self.repository.require(module_id)
        if current.backend == "software" and not self._data_key_opens(current):
            current = self._with_new_data_key(current)
        try:
            key_file = parse_key_file(key_file_text)
        except ValueError as error:
            raise InvalidInput.for_field("key_file", str(error)) from None
        module = backend_for(self._ctx.tenant_id, current)
        module.load_key_file(key_file)
        return self.repository.save(current, replace(current, keys=_key_infos(module)), "load-key-file")

    def transfer_credit(self, module_id: str, transfer: CreditTransfer) -> SecureModuleRecord:
        def balance_after(balance_tenths: int) -> int:
            credit = ModuleCredit(Decimal(balance_tenths) / 10)
            return credit.transfer(CreditTransferType(transfer.type), transfer.energy_kwh).to_tenths()

        return self.repository.set_credit(module_id, balance_after, f"credit-{transfer.type}")

    def module_for_vend(self, sales_point_module_id: str | None) -> SecureModuleRecord:
        record = self.repository.get(sales_point_module_id) if sales_point_module_id else self.repository.default()
        if record is None:
            raise Unprocessable("no secure module serves this sales point; create one and mark it default")
        return record

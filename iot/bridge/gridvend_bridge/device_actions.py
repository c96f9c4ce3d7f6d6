"""The office's devices as the agent uses them: each action either succeeds or raises DeviceFailure
with a code the cloud understands and a message an operator can act on."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import JsonValue, TypeAdapter

from gridvend.iot.bridge_cards import CardRead, PurchaseWrite
from gridvend.iot.bridge_devices import CardContent, DeviceErrorCode, Voucher
from gridvend.secure.errors import SecureModuleFailure, SecureModuleUnavailable
from gridvend.secure.interface import SecureModule
from gridvend.secure.key_file import KeyFile
from gridvend.secure.token_reading import TokenReading
from gridvend.secure.vending_key import KeyRef, VendingKeyInfo
from gridvend.sts.keys import MeterKeyIdentity
from gridvend.sts.token_requests import TokenRequest
from gridvend_bridge.cards.card_file import CardDataInvalid
from gridvend_bridge.cards.card_service import CardRefused, CardService
from gridvend_bridge.cards.iso7816 import CardAbsent, CardCommandFailed, ReaderUnavailable
from gridvend_bridge.serial_module import SerialSecureModule
from gridvend_bridge.voucher_printer import PrinterUnavailable, VoucherPrinter

_CARD_CONTENT: TypeAdapter[CardContent] = TypeAdapter(CardContent)


class DeviceFailure(Exception):
    def __init__(self, code: DeviceErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class NoSecureModule:
    """Stands in when the office has no secure module: every call is MODULE_UNAVAILABLE."""

    def _absent(self) -> SecureModuleUnavailable:
        return SecureModuleUnavailable("this office's bridge agent has no secure module configured")

    def load_key_file(self, key_file: KeyFile) -> list[VendingKeyInfo]:
        raise self._absent()

    def list_keys(self) -> list[VendingKeyInfo]:
        raise self._absent()

    def set_current_key(self, ref: KeyRef) -> VendingKeyInfo:
        raise self._absent()

    def delete_key(self, ref: KeyRef) -> None:
        raise self._absent()

    def issue_token(self, meter: MeterKeyIdentity, request: TokenRequest) -> str:
        raise self._absent()

    def key_change(self, old_meter: MeterKeyIdentity, new_meter: MeterKeyIdentity, key_expiry: int = 255) -> list[str]:
        raise self._absent()

    def decode_token(self, meter: MeterKeyIdentity, token: str) -> TokenReading:
        raise self._absent()


@dataclass
class OfficeDevices:
    module: SecureModule | None = None
    printer: VoucherPrinter | None = None
    cards: CardService | None = None

    def secure_module(self) -> SecureModule:
        return self.module if self.module is not None else NoSecureModule()

    def print_voucher(self, voucher: Voucher) -> dict[str, JsonValue]:
        if self.printer is None:
            raise DeviceFailure(DeviceErrorCode.DEVICE_NOT_CONFIGURED, "this office has no voucher printer")
        try:
            self.printer.print_voucher(voucher)
        except PrinterUnavailable as failure:
            raise DeviceFailure(DeviceErrorCode.PRINTER_UNAVAILABLE, str(failure)) from None
        return {"receipt_no": voucher.receipt_no, "printed_at": datetime.now(UTC).isoformat()}

    def read_card(self) -> CardRead:
        return self._with_cards(lambda cards: cards.read())

    def write_purchase(self, order: PurchaseWrite) -> CardRead:
        return self._with_cards(lambda cards: cards.write_purchase(order))

    def make_card(self, content: JsonValue) -> CardRead:
        parsed = _CARD_CONTENT.validate_python(content)
        return self._with_cards(lambda cards: cards.make_card(parsed))

    def status(self) -> list[JsonValue]:
        return [self._module_status(), {"kind": "printer", "configured": self.printer is not None}, self._card_status()]

    def _with_cards(self, action: Callable[[CardService], CardRead]) -> CardRead:
        if self.cards is None:
            raise DeviceFailure(DeviceErrorCode.DEVICE_NOT_CONFIGURED, "this office has no card reader")
        try:
            return action(self.cards)
        except CardAbsent as failure:
            raise DeviceFailure(DeviceErrorCode.CARD_ABSENT, str(failure)) from None
        except ReaderUnavailable as failure:
            raise DeviceFailure(DeviceErrorCode.CARD_READER_UNAVAILABLE, str(failure)) from None
        except (CardDataInvalid, CardCommandFailed) as failure:
            raise DeviceFailure(DeviceErrorCode.CARD_UNREADABLE, str(failure)) from None
        except CardRefused as failure:
            raise DeviceFailure(DeviceErrorCode.CARD_REFUSED, str(failure)) from None
        except ValueError as failure:  # content too large for the card
            raise DeviceFailure(DeviceErrorCode.INVALID_REQUEST, str(failure)) from None

    def _module_status(self) -> JsonValue:
        if self.module is None:
            return {"kind": "secure_module", "configured": False}
        if not isinstance(self.module, SerialSecureModule):
            return {"kind": "secure_module", "configured": True, "state": "ready"}
        try:
            info = self.module.module_info()
        except SecureModuleFailure:
            return {"kind": "secure_module", "configured": True, "state": "unavailable"}
        return {"kind": "secure_module", "configured": True, "state": "ready", **info}

    def _card_status(self) -> JsonValue:
        if self.cards is None:
            return {"kind": "card_reader", "configured": False}
        return {"kind": "card_reader", "configured": True, "reader": self.cards.describe()}

"""Gridvend's office bridge agent: connects an office's secure module (serial line), voucher printer
(ESC/POS) and IC card reader (PC/SC) to the cloud over MQTT 5, and keeps a journal of what must not
be lost while the cloud is out of reach. Run it as `gridvend-bridge` or `python -m gridvend_bridge`."""

__version__ = "0.1.0"

"""The cards function: customers' prepayment cards (register, issue, loss, make-up, cancellation cards)."""

from __future__ import annotations

from functions.archives.blueprints import CARD_BLUEPRINTS
from functions.common.app_factory import create_app

app = create_app("gridvend-cards", CARD_BLUEPRINTS)

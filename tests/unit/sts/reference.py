"""The plain reference implementation of bench/ (bench/sts_reference.py), loaded by path."""

from __future__ import annotations

import importlib.util
from pathlib import Path

_PATH = Path(__file__).parents[3] / "bench" / "sts_reference.py"
_SPEC = importlib.util.spec_from_file_location("sts_reference", _PATH)
assert _SPEC is not None and _SPEC.loader is not None
sts_reference = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(sts_reference)

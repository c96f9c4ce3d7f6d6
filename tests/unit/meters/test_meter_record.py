"""The meter record's stored form is built by hand (for import speed): it must keep every field."""

from __future__ import annotations

from dataclasses import fields

from gridvend.meters.model import HistoryEntry, Meter
from gridvend.meters.states import MeterState


def test_the_stored_form_holds_every_field_and_reads_back_equal() -> None:
    meter = Meter(
        serial="01234567890",
        identity={"iin": "600727", "drn": "01234567890", "sgc": "123456", "ti": 1, "krn": 1, "key_type": 2,
                  "ea": 7, "dkga": 2, "base_date": 2014, "key_expiry": 255},
        model_id="MODEL",
        ct_ratio=50,
        pt_ratio=2,
        state=MeterState.IN_TRANSIT,
        branch_id="B1",
        install_date="2025-01-02",
        factory_date="2024-12-01",
        remark="r",
        transfer_to="B2",
        module_id="M1",
        concentrator_id="C1",
        last_bill_id="BILL",
        history=(HistoryEntry("2025-01-01T00:00:00.000+00:00", None, "in_warehouse", "registered", "admin"),),
        created_at="c",
        updated_at="u",
        version=7,
    )
    stored = meter.stored()
    assert set(stored) == {field.name for field in fields(Meter)} - {"version"}
    assert set(stored["history"][0]) == {field.name for field in fields(HistoryEntry)}
    assert Meter.from_stored(stored, 7) == meter
    assert meter.public()["ratio"] == 100

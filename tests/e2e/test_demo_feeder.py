"""The demo's simulated master meters (infra/local/feeder_model.py): what they read, so the demo topology's line
loss equals each node's loss share. Pure: no services."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from gridvend.iot.obis import ACTIVE_EXPORT, ACTIVE_IMPORT
from infra.local.demo_feeder import demo_nodes
from infra.local.demo_grid import LINE, TRANSFORMER
from infra.local.feeder_model import FeederModel, MasteredNode

START = datetime(2026, 11, 1, tzinfo=UTC)
NODES = [MasteredNode("M1", ("A", "B"), Decimal("0.1")), MasteredNode("M0", ("C", "M1"), Decimal("0.5"))]


def _reading(kwh: str, export: str = "0") -> dict[str, Decimal]:
    return {ACTIVE_IMPORT: Decimal(kwh), ACTIVE_EXPORT: Decimal(export), "1.0.1.7.0.255": Decimal(300)}


def test_masters_wait_until_every_meter_below_them_has_reported() -> None:
    model = FeederModel(NODES)
    model.observe("A", START, _reading("1"))
    model.observe("B", START, _reading("2"))

    assert model.due() == []

    model.observe("C", START + timedelta(minutes=5), _reading("4"))
    first = {reading.meter: reading for reading in model.due()}
    assert first["M1"].registers == {ACTIVE_IMPORT: Decimal("3.300"), ACTIVE_EXPORT: Decimal("0.000")}
    assert first["M0"].registers[ACTIVE_IMPORT] == Decimal("10.950")  # (4 + 3.3) x 1.5
    assert first["M0"].at == START + timedelta(minutes=5)
    assert model.due() == []  # nothing new reported


def test_between_two_readings_a_master_measures_its_meters_energy_plus_the_loss_share() -> None:
    model = FeederModel(NODES)
    for meter, kwh in (("A", "1"), ("B", "2"), ("C", "4")):
        model.observe(meter, START, _reading(kwh))
    before = {reading.meter: reading.registers[ACTIVE_IMPORT] for reading in model.due()}
    model.observe("A", START + timedelta(minutes=15), _reading("3", export="1"))
    model.observe("B", START + timedelta(minutes=16), _reading("2.5"))
    model.observe("A", START + timedelta(minutes=10), _reading("99"))  # late and older: ignored

    after = {reading.meter: reading for reading in model.due()}

    assert after["M1"].at == START + timedelta(minutes=16)
    assert after["M1"].registers[ACTIVE_IMPORT] - before["M1"] == Decimal("2.5") * Decimal("1.1")
    assert after["M1"].registers[ACTIVE_EXPORT] == Decimal("1.100")
    assert after["M0"].registers[ACTIVE_IMPORT] - before["M0"] == Decimal("2.75") * Decimal("1.5")


def test_the_demo_nodes_put_the_transformer_master_below_the_line() -> None:
    transformer, line = demo_nodes()

    assert transformer.master_meter == TRANSFORMER.master_meter and len(transformer.below) == 8
    assert line.below == (*LINE.meters, TRANSFORMER.master_meter)
    assert FeederModel(demo_nodes()).consumers == frozenset((*TRANSFORMER.meters, *LINE.meters))

"""Archive records become billing inputs that price vends as the seed's worked examples do."""

from __future__ import annotations

from decimal import Decimal

from gridvend.billing import VendContext, breakdown_from_energy
from gridvend.billing.debt import RepaymentMethod
from gridvend.vending.terms_from_archives import tariff_from_record, terms_from_customer_type

STEP_TARIFF = {
    "code": "STEP",
    "name": "Stepped",
    "type": "step",
    "price": "1.00",
    "steps": [{"up_to_kwh": "200", "price": "0.60"}, {"up_to_kwh": "500", "price": "0.75"}, {"price": "1.00"}],
}


def test_stepped_tariff_record_prices_600_kwh_at_445() -> None:
    tariff = tariff_from_record(STEP_TARIFF)
    assert tariff.cost_of(Decimal("600"), Decimal("0")) == Decimal("445")


def test_customer_type_record_brings_vat_charges_and_repayment() -> None:
    items = {
        "svc": {"code": "SVC", "name": "Service", "method": "per_times", "amount": "1.00", "taxed": True},
        "lev": {"code": "LEV", "name": "Levy", "method": "amount_percent", "percent": "5", "taxed": False},
    }
    customer_type = {"vat_percent": "16", "charge_item_ids": ["svc", "lev"], "debt_repayment": "percent",
                     "debt_repayment_percent": "10"}
    terms = terms_from_customer_type(customer_type, items)
    assert terms.vat_percent == Decimal("16")
    assert [item.code for item in terms.vending_charges] == ["SVC", "LEV"]
    assert terms.repayment is not None and terms.repayment.method is RepaymentMethod.PERCENTAGE
    single = tariff_from_record({"type": "single", "price": "0.25"})
    vend = breakdown_from_energy(Decimal("100"), VendContext(tariff=single, terms=terms))
    assert vend.energy_kwh >= Decimal("100")
    assert vend.lines_add_up()

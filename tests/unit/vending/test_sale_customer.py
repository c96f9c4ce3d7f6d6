"""The customer snapshot a meter's vend state carries: round trip, and nothing trusted that does not fit."""

from gridvend.customers.model import Customer, CustomerStatus
from gridvend.store.sale_customer import customer_from_snapshot, snapshot_of


def customer(**changes: object) -> Customer:
    fields: dict[str, object] = {
        "code": "C000123",
        "name": "Ama Mensah",
        "customer_type_id": "type-1",
        "status": CustomerStatus.ACTIVE,
        "card_no": None,
        "version": 7,
        "phone": "+233 20 000 0000",
    } | changes
    return Customer(**fields)  # type: ignore[arg-type]


def test_a_snapshot_gives_back_what_a_sale_uses_of_the_customer() -> None:
    original = customer(status=CustomerStatus.BLACKLIST, card_no="CARD-9")
    back = customer_from_snapshot(snapshot_of(original), "C000123")
    assert back is not None
    used = ("code", "name", "customer_type_id", "status", "card_no", "version")
    assert {name: getattr(back, name) for name in used} == {name: getattr(original, name) for name in used}
    assert "phone" not in snapshot_of(original)


def test_a_snapshot_of_another_customer_or_out_of_shape_is_not_trusted() -> None:
    snapshot = snapshot_of(customer())
    assert customer_from_snapshot(snapshot, "C000999") is None
    assert customer_from_snapshot(None, "C000123") is None
    assert customer_from_snapshot("C000123", "C000123") is None
    assert customer_from_snapshot({**snapshot, "status": "no-such-status"}, "C000123") is None
    without_version = {key: value for key, value in snapshot.items() if key != "version"}
    assert customer_from_snapshot(without_version, "C000123") is None

"""One contract for the storage port: the in-memory fake and DynamoDB Local must behave the same."""

from __future__ import annotations

import uuid

import pytest

from gridvend.store.items import Check, Condition, Delete, Increment, ItemStore, Put, TransactionConflict


@pytest.fixture
def partition() -> str:
    return f"T#c{uuid.uuid4().hex[:8]}#THING"


def test_put_then_get_returns_the_item_with_its_data(item_store: ItemStore, partition: str) -> None:
    item_store.put({"pk": partition, "sk": "A", "entity": "thing", "data": {"n": 1, "nested": {"s": "x"}}})
    found = item_store.get(partition, "A")
    assert found is not None
    assert found["data"] == {"n": 1, "nested": {"s": "x"}}
    assert item_store.get(partition, "missing") is None


def test_a_failed_condition_rejects_the_whole_transaction(item_store: ItemStore, partition: str) -> None:
    item_store.put({"pk": partition, "sk": "taken"})
    with pytest.raises(TransactionConflict) as conflict:
        item_store.transact(
            [Put({"pk": partition, "sk": "new"}), Put({"pk": partition, "sk": "taken"}, Condition.absent())]
        )
    assert conflict.value.failed == [1]
    assert item_store.get(partition, "new") is None


def test_failed_operations_are_reported_by_the_callers_index(item_store: ItemStore, partition: str) -> None:
    item_store.put({"pk": partition, "sk": "counted", "ref_count": 1})
    with pytest.raises(TransactionConflict) as conflict:
        item_store.transact(
            [
                Put({"pk": partition, "sk": "fresh"}),
                Increment(partition, "missing", {"ref_count": 1}, condition=Condition.present()),
                Check(partition, "counted", Condition(equals={"ref_count": 1})),
                Delete(partition, "counted", Condition(at_most={"ref_count": 0})),
            ]
        )
    assert conflict.value.failed == [1, 3]


def test_increments_add_and_conditions_see_counts(item_store: ItemStore, partition: str) -> None:
    item_store.put({"pk": partition, "sk": "c", "ref_count": 0, "version": 1})
    item_store.transact([Increment(partition, "c", {"ref_count": 2, "version": 1})])
    found = item_store.get(partition, "c")
    assert found is not None and found["ref_count"] == 2 and found["version"] == 2
    with pytest.raises(TransactionConflict):
        item_store.transact([Delete(partition, "c", Condition(at_most={"ref_count": 0}))])
    item_store.transact([Increment(partition, "c", {"ref_count": -2})])
    item_store.transact([Delete(partition, "c", Condition(at_most={"ref_count": 0}))])
    assert item_store.get(partition, "c") is None


def test_queries_page_in_key_order_and_filter(item_store: ItemStore, partition: str) -> None:
    for number in range(9):
        item_store.put({"pk": partition, "sk": f"R#{number}", "search": "even" if number % 2 == 0 else "odd"})
    item_store.put({"pk": partition, "sk": "X#other"})
    collected: list[str] = []
    start = None
    while True:
        page = item_store.query(partition, sk_prefix="R#", limit=4, start_key=start)
        collected += [item["sk"] for item in page.items]
        start = page.next_key
        if start is None:
            break
    assert collected == [f"R#{number}" for number in range(9)]
    newest = item_store.query(partition, sk_prefix="R#", limit=2, newest_first=True)
    assert [item["sk"] for item in newest.items] == ["R#8", "R#7"]
    odd = item_store.query(partition, sk_prefix="R#", contains=("search", "odd"), limit=50)
    assert [item["sk"] for item in odd.items] == ["R#1", "R#3", "R#5", "R#7"]
    between = item_store.query(partition, sk_between=("R#2", "R#4"), limit=50)
    assert [item["sk"] for item in between.items] == ["R#2", "R#3", "R#4"]


def test_secondary_index_queries(item_store: ItemStore, partition: str) -> None:
    for name in ("charlie", "alpha", "bravo"):
        item_store.put({"pk": partition, "sk": name, "gsi1pk": f"{partition}#BYNAME", "gsi1sk": name})
    page = item_store.query(f"{partition}#BYNAME", index="gsi1", limit=2)
    assert [item["sk"] for item in page.items] == ["alpha", "bravo"]
    rest = item_store.query(f"{partition}#BYNAME", index="gsi1", limit=2, start_key=page.next_key)
    assert [item["sk"] for item in rest.items] == ["charlie"]
    assert [i["sk"] for i in item_store.query(f"{partition}#BYNAME", index="gsi1", sk_prefix="b").items] == ["bravo"]


def test_at_least_guards_a_balance_from_going_below_zero(item_store: ItemStore, partition: str) -> None:
    item_store.put({"pk": partition, "sk": "module", "balance": 100})
    item_store.transact(
        [Increment(partition, "module", {"balance": -60}, condition=Condition(at_least={"balance": 60}))]
    )
    with pytest.raises(TransactionConflict):
        item_store.transact(
            [Increment(partition, "module", {"balance": -60}, condition=Condition(at_least={"balance": 60}))]
        )
    found = item_store.get(partition, "module")
    assert found is not None and found["balance"] == 40
    with pytest.raises(TransactionConflict):
        item_store.transact([Check(partition, "absent", Condition(at_least={"balance": 0}))])


def test_tallies_add_up_on_a_new_item(item_store: ItemStore, partition: str) -> None:
    for _ in range(3):
        item_store.transact([Increment(partition, "day", {"tally_count": 1, "tally_amount": 250, "tally_energy": 12})])
    found = item_store.get(partition, "day")
    assert found is not None
    assert (found["tally_count"], found["tally_amount"], found["tally_energy"]) == (3, 750, 36)


def test_batch_get_answers_each_key_in_order_with_none_for_missing(item_store: ItemStore, partition: str) -> None:
    item_store.put_many([{"pk": partition, "sk": f"k{number:03d}", "data": {"n": number}} for number in range(130)])
    keys = [(partition, "k129"), (partition, "absent"), (partition, "k000"), (partition, "k129")]
    keys += [(partition, f"k{number:03d}") for number in range(1, 120)]  # more than one BatchGetItem page
    found = item_store.batch_get(keys)
    assert len(found) == len(keys)
    assert found[1] is None
    assert [item["data"]["n"] for item in found if item is not None] == [129, 0, 129, *range(1, 120)]
    assert found[0] is not found[3]  # a repeated key gets its own copy
    assert item_store.batch_get([]) == []


def test_batch_get_reads_what_a_transaction_just_wrote(item_store: ItemStore, partition: str) -> None:
    item_store.put({"pk": partition, "sk": "balance", "balance": 5})
    item_store.transact([Increment(partition, "balance", {"balance": 3})])
    [found] = item_store.batch_get([(partition, "balance")])
    assert found is not None and found["balance"] == 8

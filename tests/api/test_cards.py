"""IC card records: assets, issue, loss and make-up (old card blocked), and the account-cancellation card
whose read-back credit the settlement uses."""

from __future__ import annotations

from tests.api.conftest import Api
from tests.api.test_customers import Setup, meters, register, setup


def stock(api: Api, s: Setup, *numbers: str, card_type: str = "consumer") -> None:
    body = {"cards": [{"card_no": number, "card_type": card_type, "asset_no": f"A-{number}"} for number in numbers]}
    reply = api.call("POST", "/v1/cards", body, s.headers)
    assert reply.status == 201, reply.body


def test_a_card_is_issued_reported_lost_and_made_up(api: Api) -> None:
    s = setup(api)
    register(api, s, "C-501", "34000000501")
    stock(api, s, "IC501", "IC502")
    issued = api.call("POST", "/v1/cards/IC501/issue", {"customer_code": "C-501"}, s.headers)
    assert issued.status == 200, issued.body
    assert (issued.body["status"], issued.body["customer_code"], issued.body["serial"]) == (
        "issued", "C-501", "34000000501")
    assert api.call("GET", "/v1/customers/C-501", headers=s.headers).body["card_no"] == "IC501"
    second = api.call("POST", "/v1/cards/IC502/issue", {"customer_code": "C-501"}, s.headers)
    assert second.status == 409 and second.body["errors"][0]["field"] == "customer_code"

    lost = api.call("POST", "/v1/cards/IC501/loss", {"remark": "lost at market"}, s.headers)
    assert lost.status == 200 and lost.body["status"] == "lost"
    made = api.call("POST", "/v1/cards/IC501/make-up", {"new_card_no": "IC502"}, s.headers)
    assert made.status == 200, made.body
    assert (made.body["status"], made.body["customer_code"], made.body["serial"]) == (
        "issued", "C-501", "34000000501")
    old = api.call("GET", "/v1/cards/IC501", headers=s.headers).body
    assert (old["status"], old["replaced_by"]) == ("blocked", "IC502")
    assert [event["action"] for event in old["history"]] == ["registered", "issued", "reported lost",
                                                             "blocked: made up"]
    assert api.call("GET", "/v1/customers/C-501", headers=s.headers).body["card_no"] == "IC502"
    assert api.call("POST", "/v1/cards/IC501/loss", {}, s.headers).status == 409
    theirs = api.call("GET", "/v1/cards?customer=C-501", headers=s.headers).body["items"]
    assert sorted((card["card_no"], card["status"]) for card in theirs) == [("IC501", "blocked"), ("IC502", "issued")]
    operations = api.call("GET", "/v1/customers/C-501/operations", headers=s.headers).body["items"]
    assert [o["type"] for o in operations][:3] == ["card_make_up", "card_loss", "issue_card"]


def test_card_refusals_name_the_field_and_change_nothing(api: Api) -> None:
    s = setup(api)
    register(api, s, "C-511", "34000000511")
    meters(api, s, "34000000512")
    stock(api, s, "IC511")
    stock(api, s, "AUTH1", card_type="authority")
    again = api.call("POST", "/v1/cards", {"cards": [{"card_no": "ic511"}]}, s.headers)
    assert again.status == 409 and again.body["errors"][0]["field"] == "cards[0].card_no"
    twice = api.call("POST", "/v1/cards", {"cards": [{"card_no": "X1"}, {"card_no": "x1"}]}, s.headers)
    assert twice.status == 400 and twice.body["errors"][0]["field"] == "cards[1].card_no"
    assert api.call("GET", "/v1/cards/X1", headers=s.headers).status == 404
    cases = [
        ("AUTH1", {"customer_code": "C-511"}, 400, "card_no"),
        ("NOCARD", {"customer_code": "C-511"}, 400, "card_no"),
        ("IC511", {"customer_code": "NOBODY"}, 404, None),
        ("IC511", {"customer_code": "C-511", "serial": "34000000512"}, 400, "serial"),
        ("IC511", {"customer_code": "C-511", "colour": "red"}, 400, "colour"),
    ]
    for card_no, body, status, field in cases:
        reply = api.call("POST", f"/v1/cards/{card_no}/issue", body, s.headers)
        assert reply.status == status, (card_no, body, reply.body)
        if field is not None:
            assert reply.body["errors"][0]["field"] == field, (card_no, body, reply.body)
    assert api.call("GET", "/v1/cards/IC511", headers=s.headers).body["status"] == "in_stock"
    assert api.call("POST", "/v1/cards/IC511/cancellation-reading", {"remaining_credit": "1"},
                    s.headers).status == 409


def test_the_cancellation_card_reading_settles_the_account(api: Api) -> None:
    s = setup(api)
    register(api, s, "C-521", "34000000521")
    stock(api, s, "IC521")
    api.call("POST", "/v1/cards/IC521/issue", {"customer_code": "C-521"}, s.headers)
    early = api.call("POST", "/v1/cards/IC521/cancellation-reading", {"remaining_credit": "9.25"}, s.headers)
    assert early.status == 409
    written = api.call("POST", "/v1/cards/IC521/cancellation-card", {}, s.headers)
    assert written.status == 200 and written.body["cancellation"]["stage"] == "written"
    read = api.call("POST", "/v1/cards/IC521/cancellation-reading", {"remaining_credit": "9.25"}, s.headers)
    assert read.status == 200 and read.body["cancellation"]["remaining_credit"] == "9.25"
    closed = api.call("POST", "/v1/customers/C-521/close", {"reason": "moving out"}, s.headers)
    assert closed.status == 200, closed.body
    assert (closed.body["record"]["owed_to_customer"], closed.body["record"]["refund"]) == ("9.25", "9.25")
    assert api.call("GET", "/v1/cards/IC521", headers=s.headers).body["status"] == "cancelled"


def test_cards_of_one_tenant_are_invisible_to_another(api: Api) -> None:
    s = setup(api)
    other = setup(api)
    register(api, other, "C-531", "34000000531")
    stock(api, s, "IC531")
    assert api.call("GET", "/v1/cards/IC531", headers=other.headers).status == 404
    assert api.call("POST", "/v1/cards/IC531/issue", {"customer_code": "C-531"}, other.headers).status == 400
    assert api.call("GET", "/v1/cards", headers=other.headers).body["items"] == []
    assert api.call("GET", "/v1/cards/IC531", headers=s.headers).body["status"] == "in_stock"

"""Every shared vector through ``python -m gridvend.sts batch``, and the batch contract around it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

VECTORS_PATH = Path(__file__).parents[3].parent / "shared/sts/vectors.jsonl"
VECTORS = [json.loads(line) for line in VECTORS_PATH.read_text().splitlines() if line.strip()]


def run_batch(lines: list[str]) -> list[dict[str, Any]]:
    completed = subprocess.run(
        [sys.executable, "-m", "gridvend.sts", "batch"],
        input="".join(line + "\n" for line in lines),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    answers = completed.stdout.splitlines()
    assert len(answers) == len(lines), completed.stderr
    return [json.loads(answer) for answer in answers]


@pytest.fixture(scope="module")
def vector_answers() -> list[dict[str, Any]]:
    return run_batch([json.dumps(vector["request"]) for vector in VECTORS])


def test_the_shared_file_holds_19_vectors() -> None:
    assert len(VECTORS) == 19


@pytest.mark.parametrize("index", range(len(VECTORS)), ids=[vector["name"] for vector in VECTORS])
def test_vector_answer_matches(vector_answers: list[dict[str, Any]], index: int) -> None:
    assert vector_answers[index] == VECTORS[index]["expect"]


def test_bad_lines_answer_an_error_and_the_batch_goes_on() -> None:
    good = json.dumps(VECTORS[3]["request"])
    lines = [
        "{not json",
        good,
        json.dumps({"op": "teleport"}),
        json.dumps({"ea": 7}),
        json.dumps({"op": "token", "ea": 7, "decoder_key": "0ABC12DEF3456789", "class": 0, "subclass": 0}),
        json.dumps({**VECTORS[3]["request"], "decoder_key": "0ABC12DEF34567XY"}),
        json.dumps([1, 2]),
        "",
        json.dumps({**VECTORS[3]["request"], "amount": "1820162.5"}),
        good,
    ]
    answers = run_batch(lines)
    assert answers[0]["error"].startswith("invalid JSON")
    assert answers[1] == VECTORS[3]["expect"]
    assert answers[2] == {"error": "unknown op"}
    assert answers[3] == {"error": "missing field: op"}
    assert answers[4]["error"].startswith("missing field: tid")
    assert answers[5]["error"] == "decoder_key: bad hex"
    assert "object" in answers[6]["error"]
    assert "empty line" in answers[7]["error"]
    assert "exceeds the largest token amount" in answers[8]["error"]
    assert answers[9] == VECTORS[3]["expect"]


def test_decode_reads_back_a_vector_token_and_names_a_wrong_key() -> None:
    request = VECTORS[4]["request"]
    token = VECTORS[4]["expect"]["token"]
    decode = {"op": "decode", "ea": 7, "decoder_key": request["decoder_key"].lower(), "token": token}
    wrong_key = {**decode, "decoder_key": "0123456789ABCDEF"}
    short = {**decode, "token": token[:-1]}
    answers = run_batch([json.dumps(decode), json.dumps(wrong_key), json.dumps(short)])
    assert answers[0] == {"class": 0, "subclass": 0, "random": 5, "tid": 5871715, "amount": "0.1"}
    assert "bad CRC" in answers[1]["error"] and "wrong key" in answers[1]["error"]
    assert "bad format" in answers[2]["error"]


def test_time_and_base_date_stand_in_for_the_tid() -> None:
    request = dict(VECTORS[4]["request"])
    del request["tid"]
    request.update(time="2004-03-01T13:55", base_date=1993)
    assert run_batch([json.dumps(request)]) == [VECTORS[4]["expect"]]


def test_errors_never_echo_a_key() -> None:
    key = "E653341F9D5BF36F"
    lines = [
        json.dumps({"op": "decode", "ea": 11, "decoder_key": key, "token": "23716100501183194197"}),
        json.dumps({"op": "decode", "ea": 7, "decoder_key": key, "token": "23716100501183194198"}),
        json.dumps({"op": "decoder_key", "dkga": 4, "vending_key": key, "iin": "600727", "drn": "00000000000",
                    "key_type": 2, "sgc": "123456", "ti": 1, "krn": 1}),
        json.dumps({"op": "key_change", "ea": 7, "old_decoder_key": key, "new_decoder_key": key + "00",
                    "key_expiry": 255, "krn": 1, "rollover": 0, "key_type": 2, "ti": 1}),
    ]  # fmt: skip
    for answer in run_batch(lines):
        assert "error" in answer
        assert key.lower() not in answer["error"].lower()


def test_keys_come_out_upper_case_from_lower_case_input() -> None:
    request = {**VECTORS[0]["request"], "vending_key": VECTORS[0]["request"]["vending_key"].lower()}
    assert run_batch([json.dumps(request)]) == [VECTORS[0]["expect"]]


def test_without_the_batch_argument_the_cli_prints_usage() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "gridvend.sts"], capture_output=True, text=True, timeout=60, check=False
    )
    assert completed.returncode == 2
    assert "usage" in completed.stderr

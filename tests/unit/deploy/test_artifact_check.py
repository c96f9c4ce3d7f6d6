"""The artifact check refuses what the python3.11 arm64 runtime cannot load and measures against the limits."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from infra.deploy import artifact_check
from infra.deploy.artifact_check import Limits, check_build, check_shared_objects, check_wheels, tag_loads

EM_X86_64 = 62


def elf_header(machine: int, byteorder: str = "little") -> bytes:
    """The first 64 bytes of a 64-bit ELF shared object for the given e_machine."""
    data = 1 if byteorder == "little" else 2
    ident = b"\x7fELF" + bytes([2, data, 1, 0]) + bytes(8)
    return ident + (3).to_bytes(2, byteorder) + machine.to_bytes(2, byteorder) + bytes(44)  # 3: ET_DYN


def write_wheel(site: Path, name: str, *tags: str) -> Path:
    dist_info = site / f"{name}-1.0.dist-info"
    dist_info.mkdir(parents=True)
    lines = ["Wheel-Version: 1.0", "Generator: bdist_wheel", "Root-Is-Purelib: false", *(f"Tag: {t}" for t in tags)]
    (dist_info / "WHEEL").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return dist_info


def write_file(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Layers: [!Ref SharedLayer]
Resources:
  SharedLayer:
    Type: AWS::Serverless::LayerVersion
    Properties: {ContentUri: SharedLayer}
  PlainFunction:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: PlainFunction, Handler: functions.plain.handler}
  VendorFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: VendorFunction
      Handler: functions.vendor.handler
      Layers: [arn:aws:lambda:eu-west-1:123456789012:layer:vendor:3]
  Table:
    Type: AWS::DynamoDB::Table
"""


@pytest.fixture
def build_dir(tmp_path: Path) -> Path:
    """A tiny `sam build` output: one layer that both functions get from Globals, one extra layer by ARN."""
    build = tmp_path / "build"
    write_file(build / "template.yaml", TEMPLATE.encode())
    write_file(build / "SharedLayer" / "python" / "lib.py", b"x = 1\n" * 1000)  # 6000 bytes
    write_wheel(build / "SharedLayer" / "python", "lib", "py3-none-any")
    write_file(build / "SharedLayer" / "python" / "native" / "_speedups.so", elf_header(artifact_check.EM_AARCH64))
    write_file(build / "PlainFunction" / "functions" / "plain.py", b"y = 2\n" * 500)  # 3000 bytes
    write_file(build / "VendorFunction" / "functions" / "vendor.py", b"z = 3\n" * 100)  # 600 bytes
    return build


def own_bytes(root: Path) -> int:
    return sum(path.stat().st_size for path in root.rglob("*") if path.is_file())


# ---- wheel tags ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tag",
    [
        "py3-none-any",
        "py311-none-any",
        "cp311-none-any",
        "cp311-cp311-manylinux2014_aarch64",
        "cp311-cp311-manylinux_2_17_aarch64",
        "cp36-abi3-manylinux2014_aarch64",
        "cp311-abi3-manylinux_2_17_aarch64",
        "py3-none-manylinux2014_aarch64",
    ],
)
def test_pure_python_and_manylinux2014_aarch64_tags_load(tag: str) -> None:
    assert tag_loads(tag)


@pytest.mark.parametrize(
    "tag",
    [
        "cp311-cp311-manylinux_2_28_aarch64",  # newer glibc than manylinux2014
        "cp311-cp311-manylinux_2_26_aarch64",
        "cp311-cp311-manylinux2014_x86_64",  # another architecture
        "cp311-cp311-manylinux_2_17_x86_64",
        "cp311-cp311-musllinux_1_2_aarch64",  # musl, not glibc
        "cp311-cp311-linux_aarch64",  # built on some machine, no manylinux promise
        "cp311-cp311-macosx_11_0_arm64",
        "cp312-cp312-manylinux2014_aarch64",  # another Python
        "cp310-cp310-manylinux2014_aarch64",
        "cp312-abi3-manylinux2014_aarch64",  # stable ABI of a newer Python
        "py312-none-any",
        "cp39-none-any",
        "py2-none-any",
        "pp311-pypy311_pp73-manylinux2014_aarch64",
        "not-a-tag",
    ],
)
def test_tags_the_runtime_cannot_load_are_refused(tag: str) -> None:
    assert not tag_loads(tag)


def test_a_wheel_loads_when_one_of_its_tags_does() -> None:
    assert artifact_check.wheel_loads(["cp311-cp311-manylinux_2_28_aarch64", "cp311-cp311-manylinux2014_aarch64"])
    assert artifact_check.wheel_loads(["cp311-cp311-manylinux_2_17_aarch64.manylinux_2_28_aarch64"])
    assert artifact_check.wheel_loads(["py2.py3-none-any"])
    assert not artifact_check.wheel_loads(["cp311-cp311-manylinux_2_27_aarch64.manylinux_2_28_aarch64"])
    assert not artifact_check.wheel_loads([])


def test_check_wheels_names_each_wheel_the_runtime_cannot_load(tmp_path: Path) -> None:
    write_wheel(tmp_path, "pure", "py3-none-any")
    write_wheel(tmp_path, "several", "cp311-cp311-manylinux_2_17_aarch64", "cp311-cp311-manylinux_2_28_aarch64")
    write_wheel(tmp_path / "nested", "new_glibc", "cp311-cp311-manylinux_2_27_aarch64")
    write_wheel(tmp_path, "intel", "cp311-cp311-manylinux2014_x86_64")

    problems = check_wheels(tmp_path)

    assert len(problems) == 2
    assert any("new_glibc-1.0.dist-info" in p and "manylinux_2_27_aarch64" in p for p in problems)
    assert any("intel-1.0.dist-info" in p for p in problems)


def test_a_dist_info_without_wheel_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "built_here-1.0.dist-info").mkdir()

    problems = check_wheels(tmp_path)

    assert problems == [f"{tmp_path / 'built_here-1.0.dist-info'}: no WHEEL file, so not installed from a wheel"]


# ---- shared objects ------------------------------------------------------------------------------


def test_elf_machine_reads_either_byte_order_and_refuses_other_bytes() -> None:
    assert artifact_check.elf_machine(elf_header(183)) == 183
    assert artifact_check.elf_machine(elf_header(183, "big")) == 183
    assert artifact_check.elf_machine(elf_header(EM_X86_64)) == EM_X86_64
    assert artifact_check.elf_machine(b"#!/bin/sh\necho not elf at all\n") is None
    assert artifact_check.elf_machine(b"\x7fELF") is None  # cut short


def test_every_shared_object_must_be_an_aarch64_elf(tmp_path: Path) -> None:
    write_file(tmp_path / "pkg" / "_ok.cpython-311-aarch64-linux-gnu.so", elf_header(183))
    write_file(tmp_path / "pkg.libs" / "libok-1a2b.so.62.4.0", elf_header(183))
    write_file(tmp_path / "pkg" / "_intel.cpython-311-x86_64-linux-gnu.so", elf_header(EM_X86_64))
    write_file(tmp_path / "pkg.libs" / "libintel.so.1", elf_header(EM_X86_64))
    write_file(tmp_path / "pkg" / "_text.so", b"not a shared object")
    write_file(tmp_path / "pkg" / "tool", elf_header(EM_X86_64))  # not a shared object: not looked at
    write_file(tmp_path / "pkg" / "so_what.py", b"")

    problems = check_shared_objects(tmp_path)

    assert sorted(Path(p.split(":")[0]).name for p in problems) == [
        "_intel.cpython-311-x86_64-linux-gnu.so",
        "_text.so",
        "libintel.so.1",
    ]
    assert any("machine 62" in p for p in problems)
    assert any("not an ELF file" in p for p in problems)


# ---- sizes ---------------------------------------------------------------------------------------


def test_each_function_is_measured_with_the_layers_the_template_gives_it(build_dir: Path) -> None:
    report = check_build(build_dir)

    measures = {m.logical_id: m for m in report.measures}
    assert set(measures) == {"SharedLayer", "PlainFunction", "VendorFunction"}  # the table has no directory
    layer_bytes = own_bytes(build_dir / "SharedLayer")
    assert measures["SharedLayer"].is_layer
    assert measures["SharedLayer"].unzipped == layer_bytes
    assert measures["PlainFunction"].own_unzipped == 3000
    assert measures["PlainFunction"].unzipped == 3000 + layer_bytes
    assert measures["VendorFunction"].unzipped == 600 + layer_bytes
    assert measures["VendorFunction"].external_layers == 1
    assert 0 < measures["PlainFunction"].zipped < 3000  # repeated lines deflate well
    assert report.ok, report.problems


def test_a_function_over_the_unzipped_limit_with_its_layers_is_refused(build_dir: Path) -> None:
    layer_bytes = own_bytes(build_dir / "SharedLayer")
    # The layer and VendorFunction fit; PlainFunction fits alone but not with the layer.
    report = check_build(build_dir, Limits(unzipped=layer_bytes + 1000, zipped=10 * 1024 * 1024))

    assert not report.ok
    assert len(report.problems) == 1
    assert report.problems[0].startswith("PlainFunction:")
    assert "unzipped with its layers" in report.problems[0]


def test_an_artifact_over_the_zipped_limit_is_refused(build_dir: Path) -> None:
    noise = random.Random(15)  # bytes that deflate cannot shrink
    write_file(build_dir / "SharedLayer" / "python" / "fonts.bin", noise.randbytes(4000))
    write_file(build_dir / "PlainFunction" / "functions" / "model.bin", noise.randbytes(4000))

    report = check_build(build_dir, Limits(zipped=3000))

    assert {p.split(":")[0] for p in report.problems} == {"SharedLayer", "PlainFunction"}
    assert all("zipped is over the direct upload limit" in p for p in report.problems)


def test_a_layer_with_a_wheel_for_another_machine_fails_the_build(build_dir: Path) -> None:
    write_wheel(build_dir / "SharedLayer" / "python", "fast", "cp311-cp311-manylinux2014_x86_64")
    write_file(build_dir / "PlainFunction" / "functions" / "_fast.so", elf_header(EM_X86_64))

    report = check_build(build_dir)

    assert len(report.problems) == 2
    assert any("fast-1.0.dist-info" in p for p in report.problems)
    assert any(p.startswith(str(build_dir / "PlainFunction")) for p in report.problems)


# ---- the command ---------------------------------------------------------------------------------


def test_main_prints_the_table_beside_the_limits_and_passes_a_good_build(
    build_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert artifact_check.main([str(build_dir)]) == 0

    out = capsys.readouterr().out
    assert "limit 250.0 MiB" in out
    assert "limit 50.0 MiB" in out
    lines = out.splitlines()
    assert lines[1].startswith("SharedLayer (layer)")
    assert any(line.startswith("VendorFunction") and "1 layer(s) by ARN, not measured" in line for line in lines)


def test_main_exits_1_and_says_why_on_a_bad_build(build_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_file(build_dir / "SharedLayer" / "python" / "bad.so", elf_header(EM_X86_64))

    assert artifact_check.main([str(build_dir)]) == 1

    err = capsys.readouterr().err
    assert "refused:" in err
    assert "bad.so" in err


def test_main_exits_2_without_a_built_template(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert artifact_check.main([str(tmp_path)]) == 2
    assert "not the output of sam build" in capsys.readouterr().err


def test_the_table_marks_each_size_over_its_limit() -> None:
    limits = Limits(unzipped=100 * 1024 * 1024, zipped=10 * 1024 * 1024)
    measures = [
        artifact_check.Measure("BigLayer", True, 90 * 1024 * 1024, 90 * 1024 * 1024, 11 * 1024 * 1024, 0),
        artifact_check.Measure("SmallFunction", False, 1024 * 1024, 91 * 1024 * 1024, 512 * 1024, 0),
        artifact_check.Measure("HeavyFunction", False, 20 * 1024 * 1024, 110 * 1024 * 1024, 5 * 1024 * 1024, 0),
    ]

    rows = {line.split()[0]: line for line in artifact_check.format_table(measures, limits).splitlines()[1:]}

    assert "90.0 MiB" in rows["BigLayer"]
    assert rows["BigLayer"].endswith("11.0 MiB  OVER")
    assert "OVER" not in rows["SmallFunction"]
    assert "110.0 MiB  OVER" in rows["HeavyFunction"]
    assert rows["HeavyFunction"].endswith("5.0 MiB")

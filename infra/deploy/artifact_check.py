"""Checks what `sam build` packed before it goes anywhere: can the runtime load it, and does it fit?

    python -m infra.deploy.artifact_check .aws-sam/build

The runtime is python3.11 on arm64 (Amazon Linux 2). A wheel in an artifact must be pure Python or built
for CPython 3.11 (cp311 or the stable abi3) on manylinux2014 aarch64, the wheels infra/deploy/Makefile
asks pip for; every shared object must be an aarch64 ELF. Each function is measured with the layers the
built template gives it, beside Lambda's limits: 250 MiB unzipped for a function and its layers together,
50 MiB zipped for a direct upload. Exits 1 when a wheel or shared object cannot load or a limit is
exceeded, 2 when the build directory is not a `sam build` output.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from email.parser import Parser
from pathlib import Path
from typing import Any

import yaml

MIB = 1024 * 1024

# The runtime's Python, as pip writes it in wheel tags.
RUNTIME_PYTHON_MINOR = 11
RUNTIME_INTERPRETER = f"cp3{RUNTIME_PYTHON_MINOR}"
# Amazon Linux 2 has glibc 2.26, but the build asks pip for manylinux2014 (glibc 2.17) wheels only: a
# wheel for a newer glibc did not come from that request, so something else put it there.
RUNTIME_GLIBC = (2, 17)
RUNTIME_ARCH = "aarch64"
EM_AARCH64 = 183  # e_machine of an ELF file for 64-bit ARM

_MANYLINUX_LEGACY_GLIBC = {"manylinux1": (2, 5), "manylinux2010": (2, 12), "manylinux2014": (2, 17)}
_MANYLINUX_TAG = re.compile(r"manylinux_(\d+)_(\d+)_(\w+)")
_PYTHON_TAG = re.compile(r"(py|cp)3(\d*)")
_SHARED_OBJECT = re.compile(r"\.so(\.\d+)*$")


@dataclass(frozen=True)
class Limits:
    """Lambda's size limits in bytes (the quotas say MB and mean MiB: 262,144,000 bytes unzipped)."""

    unzipped: int = 250 * MIB
    zipped: int = 50 * MIB


LAMBDA_LIMITS = Limits()


@dataclass
class Artifact:
    """One built function or layer: its directory and, for a function, the local layers it runs with."""

    logical_id: str
    path: Path
    is_layer: bool
    layer_ids: list[str] = field(default_factory=list)
    external_layers: int = 0  # layers given by ARN: not in the build, so not measured


@dataclass
class Measure:
    logical_id: str
    is_layer: bool
    own_unzipped: int
    unzipped: int  # with the function's layers
    zipped: int
    external_layers: int


@dataclass
class Report:
    measures: list[Measure]
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


# ---- wheels ---------------------------------------------------------------------------------------


def _glibc_of(platform: str) -> tuple[int, int] | None:
    """The glibc version a manylinux tag for the runtime's architecture needs, None for any other tag."""
    legacy, _, arch = platform.partition("_")
    if legacy in _MANYLINUX_LEGACY_GLIBC:
        return _MANYLINUX_LEGACY_GLIBC[legacy] if arch == RUNTIME_ARCH else None
    match = _MANYLINUX_TAG.fullmatch(platform)
    if match is None or match.group(3) != RUNTIME_ARCH:
        return None
    return int(match.group(1)), int(match.group(2))


def _python_minor(interpreter: str) -> tuple[str, int | None] | None:
    """('py' | 'cp', minor or None for plain py3) of a Python 3 tag, None for anything else."""
    match = _PYTHON_TAG.fullmatch(interpreter)
    if match is None or (match.group(1) == "cp" and not match.group(2)):
        return None
    return match.group(1), int(match.group(2)) if match.group(2) else None


def tag_loads(tag: str) -> bool:
    """Whether the runtime loads a wheel carrying this one tag (`interpreter-abi-platform`)."""
    parts = tag.split("-")
    if len(parts) != 3:
        return False
    interpreter, abi, platform = parts
    python = _python_minor(interpreter)
    if python is None:
        return False
    kind, minor = python
    if abi == "none":
        python_ok = interpreter == RUNTIME_INTERPRETER or (
            kind == "py" and (minor is None or minor <= RUNTIME_PYTHON_MINOR)
        )
    elif abi == "abi3":
        python_ok = kind == "cp" and minor is not None and minor <= RUNTIME_PYTHON_MINOR
    else:
        python_ok = interpreter == RUNTIME_INTERPRETER and abi == RUNTIME_INTERPRETER
    if not python_ok:
        return False
    if platform == "any":
        return True
    glibc = _glibc_of(platform)
    return glibc is not None and glibc <= RUNTIME_GLIBC


def expand_tags(tags: Iterable[str]) -> list[str]:
    """Single tags from WHEEL `Tag` values, which may be compressed sets (`py2.py3-none-any`)."""
    single: list[str] = []
    for tag in tags:
        parts = tag.strip().split("-")
        if len(parts) != 3:
            single.append(tag.strip())
            continue
        interpreters, abis, platforms = (part.split(".") for part in parts)
        single.extend(f"{i}-{a}-{p}" for i in interpreters for a in abis for p in platforms)
    return single


def wheel_loads(tags: Iterable[str]) -> bool:
    """A wheel loads when one of its tags does: a wheel tagged for several platforms is one binary for all."""
    return any(tag_loads(tag) for tag in expand_tags(tags))


def check_wheels(root: Path) -> list[str]:
    """Problems with the installed wheels under root: each *.dist-info must carry a tag the runtime loads."""
    problems = []
    for dist_info in sorted(root.rglob("*.dist-info")):
        if not dist_info.is_dir():
            continue
        wheel_file = dist_info / "WHEEL"
        if not wheel_file.is_file():
            problems.append(f"{dist_info}: no WHEEL file, so not installed from a wheel")
            continue
        tags = Parser().parsestr(wheel_file.read_text(encoding="utf-8")).get_all("Tag") or []
        if not wheel_loads(tags):
            shown = ", ".join(tags) or "no Tag"
            problems.append(f"{dist_info}: wheel tags {shown}: none loads on python3.11 arm64")
    return problems


# ---- shared objects -------------------------------------------------------------------------------


def elf_machine(header: bytes) -> int | None:
    """e_machine of an ELF header (its first 20 bytes or more), None when the bytes are not ELF."""
    if len(header) < 20 or header[:4] != b"\x7fELF" or header[5] not in (1, 2):
        return None
    return int.from_bytes(header[18:20], "little" if header[5] == 1 else "big")


def shared_objects(root: Path) -> Iterator[Path]:
    return (path for path in _files(root) if _SHARED_OBJECT.search(path.name) and not path.is_symlink())


def check_shared_objects(root: Path) -> list[str]:
    """Problems with the shared objects under root: each must be an ELF file for aarch64."""
    problems = []
    for path in shared_objects(root):
        with path.open("rb") as handle:
            machine = elf_machine(handle.read(20))
        if machine is None:
            problems.append(f"{path}: not an ELF file")
        elif machine != EM_AARCH64:
            problems.append(f"{path}: ELF for machine {machine}, not aarch64 ({EM_AARCH64})")
    return problems


# ---- sizes --------------------------------------------------------------------------------------


def _files(root: Path) -> Iterator[Path]:
    return (path for path in sorted(root.rglob("*")) if path.is_file())


def unzipped_size(root: Path) -> int:
    """Bytes of the files under root, as Lambda counts a package once it is unzipped."""
    return sum(path.stat().st_size for path in _files(root))


def zipped_size(root: Path) -> int:
    """Bytes of root zipped with deflate, as `sam deploy` uploads it."""
    with tempfile.TemporaryFile() as sink:
        with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in _files(root):
                archive.write(path, path.relative_to(root).as_posix())
        return sink.tell()


# ---- the built template ---------------------------------------------------------------------------


class _TemplateLoader(yaml.SafeLoader):
    """Reads CloudFormation's short forms (!Ref X) as their long forms ({"Ref": X})."""


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = suffix if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        return {name: loader.construct_scalar(node)}
    if isinstance(node, yaml.SequenceNode):
        return {name: loader.construct_sequence(node, deep=True)}
    return {name: loader.construct_mapping(node, deep=True)}


_TemplateLoader.add_multi_constructor("!", _intrinsic)


def _local_dir(build_dir: Path, uri: object) -> Path | None:
    if not isinstance(uri, str) or "://" in uri:
        return None
    path = build_dir / uri
    return path if path.is_dir() else None


def artifacts_of(build_dir: Path) -> list[Artifact]:
    """The functions and layers of the built template that have a directory in the build."""
    template = yaml.load((build_dir / "template.yaml").read_text(encoding="utf-8"), Loader=_TemplateLoader)
    resources: Mapping[str, Any] = template.get("Resources") or {}
    global_layers = list(((template.get("Globals") or {}).get("Function") or {}).get("Layers") or [])
    layers = {}
    for logical_id, resource in resources.items():
        if resource.get("Type") == "AWS::Serverless::LayerVersion":
            path = _local_dir(build_dir, (resource.get("Properties") or {}).get("ContentUri"))
            if path is not None:
                layers[logical_id] = Artifact(logical_id, path, is_layer=True)
    functions = []
    for logical_id, resource in resources.items():
        if resource.get("Type") != "AWS::Serverless::Function":
            continue
        properties = resource.get("Properties") or {}
        path = _local_dir(build_dir, properties.get("CodeUri"))
        if path is None:
            continue
        function = Artifact(logical_id, path, is_layer=False)
        # SAM adds a function's own Layers to those of Globals.
        for layer in global_layers + list(properties.get("Layers") or []):
            reference = layer.get("Ref") if isinstance(layer, dict) else None
            if reference in layers:
                function.layer_ids.append(reference)
            else:
                function.external_layers += 1
        functions.append(function)
    return list(layers.values()) + functions


def check_build(build_dir: Path, limits: Limits = LAMBDA_LIMITS) -> Report:
    """Wheels, shared objects and sizes of every artifact in a `sam build` output directory."""
    artifacts = artifacts_of(build_dir)
    problems: list[str] = []
    for artifact in artifacts:
        problems += check_wheels(artifact.path) + check_shared_objects(artifact.path)
    own = {artifact.logical_id: unzipped_size(artifact.path) for artifact in artifacts}
    measures = []
    for artifact in artifacts:
        unzipped = own[artifact.logical_id] + sum(own[layer_id] for layer_id in artifact.layer_ids)
        zipped = zipped_size(artifact.path)
        measures.append(
            Measure(
                logical_id=artifact.logical_id,
                is_layer=artifact.is_layer,
                own_unzipped=own[artifact.logical_id],
                unzipped=unzipped,
                zipped=zipped,
                external_layers=artifact.external_layers,
            )
        )
        if unzipped > limits.unzipped:
            what = "with its layers " if artifact.layer_ids else ""
            problems.append(
                f"{artifact.logical_id}: {_mib(unzipped)} unzipped {what}is over the limit of {_mib(limits.unzipped)}"
            )
        if zipped > limits.zipped:
            problems.append(
                f"{artifact.logical_id}: {_mib(zipped)} zipped is over the direct upload limit of {_mib(limits.zipped)}"
            )
    return Report(measures, problems)


# ---- output ---------------------------------------------------------------------------------------


def _mib(size: int) -> str:
    return f"{size / MIB:.1f} MiB"


def format_table(measures: Sequence[Measure], limits: Limits = LAMBDA_LIMITS) -> str:
    """One line per artifact; a size over its limit is marked OVER."""

    def beside(size: int, limit: int) -> str:
        return _mib(size) + ("  OVER" if size > limit else "")

    header = (
        "artifact",
        "own unzipped",
        f"unzipped with its layers (limit {_mib(limits.unzipped)})",
        f"zipped (direct upload limit {_mib(limits.zipped)})",
    )
    rows = [header]
    for measure in measures:
        name = f"{measure.logical_id} (layer)" if measure.is_layer else measure.logical_id
        with_layers = beside(measure.unzipped, limits.unzipped)
        if measure.external_layers:
            with_layers += f" + {measure.external_layers} layer(s) by ARN, not measured"
        rows.append((name, _mib(measure.own_unzipped), with_layers, beside(measure.zipped, limits.zipped)))
    widths = [max(len(row[column]) for row in rows) for column in range(len(header))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("build_dir", type=Path, help="the directory `sam build --build-dir` wrote")
    args = parser.parse_args(argv)
    if not (args.build_dir / "template.yaml").is_file():
        print(f"{args.build_dir}: no template.yaml, not the output of sam build", file=sys.stderr)
        return 2
    report = check_build(args.build_dir)
    print(format_table(report.measures))
    for problem in report.problems:
        print(f"refused: {problem}", file=sys.stderr)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())

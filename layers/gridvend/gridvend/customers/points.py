"""Points of collection (seed 004 §4): a customer's meter placed on the network (site, project, power
grid), with its service rate and map location. Made at the office or by an installer's work order."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, ValidationError

from gridvend.archives.fields import Code, Name, RecordId, Text
from gridvend.customers.schemas import ShortText, Strict
from gridvend.customers.workspace import Workspace
from gridvend.errors import Conflict, FieldProblem, InvalidInput, NotFound
from gridvend.meters.schemas import Serial
from gridvend.store.archives import Reference
from gridvend.store.contracts import PointRepository
from gridvend.store.customers import normal_code, now_text
from gridvend.store.guarded import Guarded
from gridvend.validation import invalid_input_from

Latitude = Annotated[float, Field(ge=-90, le=90)]
Longitude = Annotated[float, Field(ge=-180, le=180)]


class PointDetails(Strict):
    name: Name
    customer_code: Code
    site_id: RecordId
    project_id: RecordId
    grid_id: RecordId
    service_rate_id: RecordId | None = None
    category: ShortText = ""
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    address: Text = ""
    remark: Text = ""


class NewPoint(PointDetails):
    serial: Serial


POINT_REFERENCES = {
    "site_id": "sites",
    "project_id": "projects",
    "grid_id": "power-grids",
    "service_rate_id": "service-rates",
}


def parsed_point(payload: dict[str, Any], prefix: str = "") -> NewPoint:
    try:
        return NewPoint.model_validate(payload)
    except ValidationError as error:
        found = invalid_input_from(error)
        problems = [FieldProblem(f"{prefix}{problem.field}", problem.message) for problem in found.problems]
        raise InvalidInput(found.detail, problems) from None


def point_references(point: dict[str, Any] | None) -> list[Reference]:
    if point is None:
        return []
    return [Reference(name, kind, point[name]) for name, kind in POINT_REFERENCES.items() if point.get(name)]


def point_operations(
    space: Workspace, request: NewPoint, *, prefix: str = "", extra: dict[str, Any] | None = None
) -> tuple[dict[str, Any], list[Guarded]]:
    """Validates a point for the meter and returns it with the writes that create or replace it."""
    points = PointRepository(space.store, space.ctx)
    if space.meters.get(request.serial) is None:
        raise InvalidInput.for_field(f"{prefix}serial", f"meter '{request.serial}' does not exist")
    code = normal_code(request.customer_code)
    customer = space.customers.get(code)
    if customer is None:
        raise InvalidInput.for_field(f"{prefix}customer_code", f"customer '{code}' does not exist")
    customer = space.open_customer(code)
    contract = space.contracts.get(request.serial)
    if contract is not None and contract.status.value == "active" and contract.customer_code != code:
        message = f"meter '{request.serial}' is contracted to customer '{contract.customer_code}'"
        raise Conflict(message, [FieldProblem(f"{prefix}customer_code", message)])
    _check_network(space, request, prefix)
    current = points.get(request.serial)
    moment = now_text()
    point = {
        **request.model_dump(),
        "customer_code": code,
        **(extra or {}),
        "created_at": current["created_at"] if current else moment,
        "created_by": current["created_by"] if current else space.ctx.username,
        "updated_at": moment,
    }
    point = _stored_numbers(point)
    before = {name: value for name, value in current.items() if name != "version"} if current else None
    operations = [
        points.put(point, current["version"] if current else None),
        space.customers.unchanged(customer),
        *space.archives.reference_changes(point_references(before), point_references(point)),
        points.audit("update" if current else "create", before, point),
    ]
    return point, operations


def _check_network(space: Workspace, request: NewPoint, prefix: str) -> None:
    records = {
        name: space.lookups.require(kind, value, f"{prefix}{name}")
        for name, kind in POINT_REFERENCES.items()
        if (value := getattr(request, name)) is not None
    }
    if records["project_id"].data.get("site_id") != request.site_id:
        raise InvalidInput.for_field(f"{prefix}project_id", "the project is not on this site")
    if records["grid_id"].data.get("project_id") != request.project_id:
        raise InvalidInput.for_field(f"{prefix}grid_id", "the power grid is not in this project")


def _stored_numbers(point: dict[str, Any]) -> dict[str, Any]:
    """Coordinates as text: DynamoDB keeps numbers exactly only as decimals, and these are shown as given."""
    for name in ("latitude", "longitude"):
        if point.get(name) is not None:
            point[name] = f"{point[name]:.6f}"
    return point


def create_point(space: Workspace, request: NewPoint) -> dict[str, Any]:
    points = PointRepository(space.store, space.ctx)
    if points.get(request.serial) is not None:
        raise Conflict(f"meter '{request.serial}' already has a point of collection", [FieldProblem("serial", "taken")])
    _, operations = point_operations(space, request)
    space.commit(operations)
    return points.require(request.serial)


def update_point(
    space: Workspace, serial: str, changes: dict[str, Any], expected_version: int | None
) -> dict[str, Any]:
    points = PointRepository(space.store, space.ctx)
    current = points.require(serial)
    if expected_version is not None and expected_version != current["version"]:
        raise Conflict(f"the point of meter '{serial}' is at version {current['version']}, not {expected_version}")
    kept = {name: current.get(name) for name in NewPoint.model_fields if name not in changes}
    request = parsed_point({**kept, **changes, "serial": serial})
    _, operations = point_operations(space, request)
    space.commit(operations)
    return points.require(serial)


def delete_point(space: Workspace, serial: str) -> None:
    points = PointRepository(space.store, space.ctx)
    current = points.get(serial)
    if current is None:
        raise NotFound(f"meter '{serial}' has no point of collection")
    before = {name: value for name, value in current.items() if name != "version"}
    space.commit(
        [
            points.deletion(serial, current["version"]),
            *space.archives.reference_changes(point_references(before), []),
            points.audit("delete", before, None),
        ]
    )

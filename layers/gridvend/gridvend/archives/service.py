"""Archive use cases: validate against the kind's schema, apply its rules, store with references."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from gridvend.archives.kinds import ArchiveKind
from gridvend.archives.stored_form import from_stored, to_stored
from gridvend.auth.context import TenantContext
from gridvend.auth.permissions import validate_permissions
from gridvend.errors import Conflict, InvalidInput
from gridvend.store.archives import ArchiveRecord, ArchiveRepository, Reference
from gridvend.store.items import ItemStore
from gridvend.validation import invalid_input_from

MAX_TREE_DEPTH = 5


class ArchiveService:
    def __init__(self, store: ItemStore, ctx: TenantContext, decimals: int, tree_depth: int = MAX_TREE_DEPTH) -> None:
        self.repository = ArchiveRepository(store, ctx)
        self._decimals = decimals
        self._tree_depth = tree_depth

    def shown(self, kind: ArchiveKind, record: ArchiveRecord) -> dict[str, Any]:
        return {
            "id": record.record_id,
            **from_stored(kind.schema, record.data, self._decimals),
            "version": record.version,
            "created_at": record.created_at,
            "updated_at": record.updated_at,
        }

    def get(self, kind: ArchiveKind, record_id: str) -> dict[str, Any]:
        return self.shown(kind, self.repository.require(kind.name, record_id))

    def create(self, kind: ArchiveKind, payload: dict[str, Any]) -> dict[str, Any]:
        validated = self._validate(kind, payload)
        stored = to_stored(validated, self._decimals)
        parent_id = self._checked_parent(kind, stored, None)
        record = self.repository.create(
            kind.name, stored["code"], stored["name"], stored, _references(kind, stored), parent_id
        )
        return self.shown(kind, record)

    def update(
        self, kind: ArchiveKind, record_id: str, changes: dict[str, Any], expected_version: int | None
    ) -> dict[str, Any]:
        current = self.repository.require(kind.name, record_id)
        if expected_version is not None and expected_version != current.version:
            raise Conflict(f"{kind.name} '{record_id}' is at version {current.version}, not {expected_version}")
        merged = {**from_stored(kind.schema, current.data, self._decimals), **changes}
        validated = self._validate(kind, merged)
        stored = to_stored(validated, self._decimals)
        parent_id = self._checked_parent(kind, stored, record_id)
        updated = self.repository.update(
            current,
            stored["code"],
            stored["name"],
            stored,
            _references(kind, current.data),
            _references(kind, stored),
            parent_id,
        )
        return self.shown(kind, updated)

    def delete(self, kind: ArchiveKind, record_id: str) -> None:
        current = self.repository.require(kind.name, record_id)
        self.repository.delete(current, _references(kind, current.data))

    def _validate(self, kind: ArchiveKind, payload: dict[str, Any]) -> BaseModel:
        try:
            validated = kind.schema.model_validate(payload)
        except ValidationError as error:
            raise invalid_input_from(error) from None
        if kind.name == "roles":
            permissions = validate_permissions(list(getattr(validated, "permissions", [])))
            validated = validated.model_copy(update={"permissions": permissions})
        return validated

    def _checked_parent(self, kind: ArchiveKind, stored: dict[str, Any], record_id: str | None) -> str | None:
        if kind.parent_field is None:
            return None
        parent_id = stored.get(kind.parent_field)
        depth = 1
        ancestor_id = parent_id
        while ancestor_id is not None:
            if ancestor_id == record_id:
                raise InvalidInput.for_field(kind.parent_field, "a record cannot be placed under itself")
            depth += 1
            if depth > self._tree_depth:
                raise InvalidInput.for_field(kind.parent_field, f"the tree is at most {self._tree_depth} levels deep")
            ancestor = self.repository.get(kind.name, ancestor_id)
            if ancestor is None:
                raise InvalidInput.for_field(kind.parent_field, f"{kind.name} '{ancestor_id}' does not exist")
            ancestor_id = ancestor.data.get(kind.parent_field)
        return parent_id


def _references(kind: ArchiveKind, stored: dict[str, Any]) -> list[Reference]:
    references: list[Reference] = []
    for field_name, target_kind in kind.references.items():
        value = stored.get(field_name)
        targets = value if isinstance(value, list) else [value]
        for position, target in enumerate(dict.fromkeys(t for t in targets if t)):
            path = f"{field_name}[{position}]" if isinstance(value, list) else field_name
            references.append(Reference(path, target_kind, target))
    return references

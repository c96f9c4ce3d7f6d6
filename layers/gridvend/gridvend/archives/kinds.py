"""The registry of archive kinds: URL name, schema, references to other kinds, tree parent."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel

from gridvend.archives import billing_templates, schemas, topology
from gridvend.errors import NotFound


@dataclass(frozen=True)
class ArchiveKind:
    name: str
    schema: type[BaseModel]
    references: dict[str, str] = field(default_factory=dict)
    parent_field: str | None = None

    @property
    def module(self) -> str:
        return f"archives.{self.name}"


_KINDS = [
    ArchiveKind("region-levels", schemas.RegionLevelInput),
    ArchiveKind("regions", schemas.RegionInput, {"parent_id": "regions"}, parent_field="parent_id"),
    ArchiveKind("branches", schemas.BranchInput, {"region_id": "regions"}),
    ArchiveKind("sales-points", schemas.SalesPointInput, {"branch_id": "branches"}),
    ArchiveKind("payment-terms", schemas.PaymentTermInput),
    ArchiveKind("banks", schemas.BankInput),
    ArchiveKind("charge-items", schemas.ChargeItemInput),
    ArchiveKind(
        "customer-types",
        schemas.CustomerTypeInput,
        {"charge_item_ids": "charge-items", "registration_charge_item_ids": "charge-items"},
    ),
    ArchiveKind("meter-models", schemas.MeterModelInput),
    ArchiveKind("replacement-reasons", schemas.ReplacementReasonInput, {"charge_item_ids": "charge-items"}),
    ArchiveKind("event-types", schemas.EventTypeInput),
    ArchiveKind("voltage-levels", schemas.VoltageLevelInput),
    ArchiveKind("lines", schemas.LineInput, {"parent_id": "lines", "voltage_level_id": "voltage-levels"}, "parent_id"),
    ArchiveKind("transformers", schemas.TransformerInput, {"line_id": "lines"}),
    ArchiveKind("sites", schemas.SiteInput),
    ArchiveKind("projects", schemas.ProjectInput, {"site_id": "sites"}),
    ArchiveKind("power-grids", schemas.PowerGridInput, {"project_id": "projects"}),
    ArchiveKind("topologies", topology.TopologyInput, {"power_grid_id": "power-grids"}),
    ArchiveKind(
        "topology-nodes",
        topology.TopologyNodeInput,
        {
            "topology_id": "topologies", "parent_id": "topology-nodes",
            "line_id": "lines", "transformer_id": "transformers",
        },
        "parent_id",
    ),
    ArchiveKind("billing-templates", billing_templates.BillingTemplateInput),
    ArchiveKind("service-types", schemas.ServiceTypeInput),
    ArchiveKind("service-rates", schemas.ServiceRateInput, {"service_type_id": "service-types"}),
    ArchiveKind("vend-amounts", schemas.VendAmountInput),
    ArchiveKind("tariffs", schemas.TariffInput),
    ArchiveKind("numbering-rules", schemas.NumberingRuleInput),
    ArchiveKind("roles", schemas.RoleInput),
]

ARCHIVE_KINDS: dict[str, ArchiveKind] = {kind.name: kind for kind in _KINDS}


def archive_kind(name: str) -> ArchiveKind:
    try:
        return ARCHIVE_KINDS[name]
    except KeyError:
        raise NotFound(f"there is no archive kind '{name}'") from None

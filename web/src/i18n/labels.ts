// Names of archive kinds and fields in each language. The API's names are the keys; a kind or
// field added on the server and missing here is shown by its own name, made readable.

type LabelTable = Record<string, string>;

const KIND_LABELS: Record<string, LabelTable> = {
  zh: {
    "region-levels": "区域级别", regions: "区域", branches: "供电所", "sales-points": "售电点",
    "payment-terms": "付款方式", banks: "银行", "charge-items": "收费项目", "customer-types": "用户类型",
    "meter-models": "电表型号", "replacement-reasons": "换表原因", "event-types": "事件类型",
    "voltage-levels": "电压等级", lines: "线路", transformers: "变压器", sites: "站点", projects: "项目",
    "power-grids": "电网", "service-types": "服务类型", "service-rates": "服务费率", "vend-amounts": "售电金额",
    tariffs: "电价方案", "numbering-rules": "编号规则", roles: "角色",
    topologies: "拓扑", "topology-nodes": "拓扑节点", "billing-templates": "账单模板",
  },
  fr: {
    "region-levels": "Niveaux de région", regions: "Régions", branches: "Agences", "sales-points": "Points de vente",
    "payment-terms": "Modes de paiement", banks: "Banques", "charge-items": "Frais", "customer-types": "Types de client",
    "meter-models": "Modèles de compteur", "replacement-reasons": "Motifs de remplacement",
    "event-types": "Types d'événement", "voltage-levels": "Niveaux de tension", lines: "Lignes",
    transformers: "Transformateurs", sites: "Sites", projects: "Projets", "power-grids": "Réseaux",
    "service-types": "Types de service", "service-rates": "Tarifs de service", "vend-amounts": "Montants de vente",
    tariffs: "Tarifs", "numbering-rules": "Règles de numérotation", roles: "Rôles",
    topologies: "Topologies", "topology-nodes": "Nœuds de topologie", "billing-templates": "Modèles de facturation",
  },
};

const FIELD_LABELS: Record<string, LabelTable> = {
  zh: {
    code: "编号", name: "名称", remark: "备注", address: "地址", phone: "电话", manager: "负责人", status: "状态",
    level: "级别", parent_id: "上级", region_id: "区域", branch_id: "供电所", method: "收费方式", amount: "金额",
    percent: "百分比", taxed: "含税", price: "单价", type: "类型", steps: "阶梯", periods: "时段",
    up_to_kwh: "上限 (kWh)", start: "开始时间", rate_index: "费率号", vat_percent: "增值税率 (%)",
    charge_item_ids: "收费项目", phase: "相数", prepaid: "预付费", manufacturer: "制造商", ct_ratio: "CT 变比",
    pt_ratio: "PT 变比", permissions: "权限", prefix: "前缀", parts: "组成", serial_digits: "流水号位数",
    reset: "重置周期", kilovolts: "电压 (kV)", line_id: "线路", capacity_kva: "容量 (kVA)", site_id: "站点",
    project_id: "项目", service_type_id: "服务类型", unit: "单位", latitude: "纬度", longitude: "经度",
    alarm: "告警", severity: "级别", gives_change: "找零", is_default: "默认", needs_bank_details: "需要银行信息",
    account_number: "账号", swift: "SWIFT", branch_name: "支行", voltage_level_id: "电压等级",
  },
  fr: {
    code: "Code", name: "Nom", remark: "Remarque", address: "Adresse", phone: "Téléphone", manager: "Responsable",
    status: "Statut", level: "Niveau", parent_id: "Parent", region_id: "Région", branch_id: "Agence",
    method: "Méthode", amount: "Montant", percent: "Pourcentage", taxed: "Taxé", price: "Prix", type: "Type",
    steps: "Tranches", periods: "Périodes", up_to_kwh: "Jusqu'à (kWh)", start: "Début", rate_index: "N° de tarif",
    vat_percent: "TVA (%)", charge_item_ids: "Frais", phase: "Phases", prepaid: "Prépayé", manufacturer: "Fabricant",
    ct_ratio: "Rapport TC", pt_ratio: "Rapport TT", permissions: "Droits", prefix: "Préfixe", parts: "Composants",
    reset: "Remise à zéro", serial_digits: "Chiffres du numéro", kilovolts: "Tension (kV)", line_id: "Ligne",
    capacity_kva: "Puissance (kVA)", site_id: "Site", project_id: "Projet", service_type_id: "Type de service",
    unit: "Unité", latitude: "Latitude", longitude: "Longitude", alarm: "Alarme", severity: "Gravité",
    gives_change: "Rend la monnaie", is_default: "Par défaut", needs_bank_details: "Coordonnées bancaires requises",
    account_number: "N° de compte", swift: "SWIFT", branch_name: "Agence bancaire", voltage_level_id: "Niveau de tension",
  },
};

/** "sales-points" -> "Sales points", "charge_item_ids" -> "Charge items", "ct_ratio" -> "CT ratio". */
export function humanize(name: string): string {
  const words = name
    .replace(/_ids?$/, (suffix) => (suffix === "_ids" ? "s" : ""))
    .split(/[-_]/)
    .filter(Boolean)
    .map((word) => (["ct", "pt", "vat", "kwh", "kva", "sn", "id"].includes(word) ? word.toUpperCase() : word));
  const text = words.join(" ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function kindLabel(kind: string, language: string): string {
  return KIND_LABELS[language]?.[kind] ?? humanize(kind);
}

export function fieldLabel(field: string, language: string): string {
  return FIELD_LABELS[language]?.[field] ?? humanize(field);
}

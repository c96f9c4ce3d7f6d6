// Between form values and API bodies: what a form starts from, and what it sends.

import type { FieldSpec } from "./schemaFields";

export type Values = Record<string, unknown>;

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === "string" && value.trim() === "");
}

/** The form's first values: the record's own for an edit, the schema's defaults for a new one. */
export function initialValues(fields: FieldSpec[], record?: Values): Values {
  const values: Values = {};
  for (const field of fields) {
    const source = record ? record[field.name] : field.defaultValue;
    if (field.kind === "object-list" && Array.isArray(source)) {
      values[field.name] = source.map((item) => initialValues(field.itemFields ?? [], item as Values));
    } else if (field.kind === "decimal" && (typeof source === "number" || typeof source === "string")) {
      values[field.name] = String(source);
    } else if (source !== undefined && source !== null) {
      values[field.name] = source;
    }
  }
  return values;
}

function sentValue(field: FieldSpec, value: unknown): unknown {
  switch (field.kind) {
    case "integer": {
      if (typeof value === "number") return value;
      const text = String(value).trim();
      // Not a whole number: sent as typed so the API names the field in its answer.
      return /^-?\d+$/.test(text) ? Number(text) : text;
    }
    case "decimal":
      return typeof value === "number" ? String(value) : String(value).trim();
    case "object-list":
      return (value as Values[]).map((item) => toPayload(field.itemFields ?? [], item ?? {}, "create"));
    case "text":
    case "longtext":
    case "reference":
      return typeof value === "string" ? value.trim() : value;
    default:
      return value;
  }
}

/**
 * The body to send. On create a blank optional field is left out (the API's default applies); on
 * update it is cleared: null where the schema allows null, "" for text, [] for lists.
 */
export function toPayload(fields: FieldSpec[], values: Values, mode: "create" | "update"): Values {
  const body: Values = {};
  for (const field of fields) {
    const value = values[field.name];
    if (isBlank(value)) {
      if (field.required) body[field.name] = typeof value === "string" ? value : "";
      else if (mode === "update") {
        if (field.nullable) body[field.name] = null;
        else if (field.kind === "text" || field.kind === "longtext") body[field.name] = "";
      }
      continue;
    }
    body[field.name] = sentValue(field, value);
  }
  return body;
}

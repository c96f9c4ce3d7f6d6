// Form fields from a JSON schema (pydantic's output): what to draw for each property.

import { resolveRef, type JsonSchema, type OpenApiDocument } from "./openapi";

export type FieldKind =
  | "text"
  | "longtext"
  | "integer"
  | "decimal"
  | "boolean"
  | "enum"
  | "enum-list"
  | "reference"
  | "reference-list"
  | "string-list"
  | "object-list";

export interface FieldSpec {
  name: string;
  kind: FieldKind;
  required: boolean;
  nullable: boolean;
  defaultValue?: unknown;
  options?: string[];
  referenceKind?: string;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  maxItems?: number;
  itemFields?: FieldSpec[];
}

/** Field name -> the archive kind it refers to (GET /v1/archives gives this per kind). */
export type References = Record<string, string>;

const LONG_TEXT_FROM = 200;

function withoutNull(schema: JsonSchema): { schema: JsonSchema; nullable: boolean } {
  if (!schema.anyOf) return { schema, nullable: false };
  const options = schema.anyOf.filter((option) => option.type !== "null");
  const nullable = options.length < schema.anyOf.length;
  const types = new Set(options.map((option) => option.type));
  // pydantic describes a Decimal as "number or string".
  if (types.has("number") && types.has("string")) {
    const numeric = options.find((option) => option.type === "number") ?? {};
    return { schema: { ...numeric, type: "decimal" }, nullable };
  }
  if (options.length === 1) return { schema: { ...options[0], default: schema.default }, nullable };
  return { schema: { type: "string" }, nullable };
}

function fieldFor(
  document: OpenApiDocument,
  name: string,
  raw: JsonSchema,
  required: boolean,
  references: References,
): FieldSpec {
  const { schema: unwrapped, nullable } = withoutNull(resolveRef(document, raw));
  const schema = resolveRef(document, unwrapped);
  const base = {
    name,
    required,
    nullable,
    defaultValue: raw.default ?? schema.default,
    maxLength: schema.maxLength,
    pattern: schema.pattern,
    minimum: schema.minimum ?? schema.exclusiveMinimum,
    maximum: schema.maximum,
    maxItems: schema.maxItems,
  };
  if (schema.enum) return { ...base, kind: "enum", options: schema.enum };
  switch (schema.type) {
    case "boolean":
      return { ...base, kind: "boolean" };
    case "integer":
      return { ...base, kind: "integer" };
    case "number":
    case "decimal":
      return { ...base, kind: "decimal" };
    case "array": {
      const items = resolveRef(document, schema.items ?? {});
      if (items.enum) return { ...base, kind: "enum-list", options: items.enum };
      if (items.type === "object" || items.properties) {
        return { ...base, kind: "object-list", itemFields: fieldsOf(document, items, {}) };
      }
      if (references[name]) return { ...base, kind: "reference-list", referenceKind: references[name] };
      return { ...base, kind: "string-list" };
    }
    default:
      if (references[name]) return { ...base, kind: "reference", referenceKind: references[name] };
      return { ...base, kind: (schema.maxLength ?? 0) >= LONG_TEXT_FROM ? "longtext" : "text" };
  }
}

export function fieldsOf(document: OpenApiDocument, objectSchema: JsonSchema, references: References): FieldSpec[] {
  const schema = resolveRef(document, objectSchema);
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([name, property]) =>
    fieldFor(document, name, property, required.has(name), references),
  );
}

/** Fields worth a column in a list: short scalar values. */
export function columnFields(fields: FieldSpec[], limit = 6): FieldSpec[] {
  const listable: FieldKind[] = ["text", "integer", "decimal", "boolean", "enum", "reference"];
  return fields.filter((field) => listable.includes(field.kind)).slice(0, limit);
}

import { describe, expect, it } from "vitest";

import { initialValues, toPayload } from "./formPayload";
import { archiveKindNames, inputSchema, type OpenApiDocument } from "./openapi";
import { columnFields, fieldsOf } from "./schemaFields";

// The shapes pydantic v2 writes for our models (as GET /v1/openapi.json serves them).
const DOCUMENT: OpenApiDocument = {
  paths: {
    "/v1/archives/tariffs": {
      get: {},
      post: { requestBody: { content: { "application/json": { schema: { $ref: "#/components/schemas/TariffInput" } } } } },
    },
    "/v1/archives/tariffs/{id}": { get: {} },
    "/v1/archives/sales-points": {
      post: {
        requestBody: { content: { "application/json": { schema: { $ref: "#/components/schemas/SalesPointInput" } } } },
      },
    },
    "/v1/operators": { get: {} },
  },
  components: {
    schemas: {
      TariffType: { enum: ["single", "step", "tou"], type: "string" },
      TariffStep: {
        type: "object",
        properties: {
          up_to_kwh: { anyOf: [{ minimum: 0, type: "number" }, { type: "string" }, { type: "null" }], default: null },
          price: { anyOf: [{ minimum: 0, type: "number" }, { type: "string" }] },
        },
        required: ["price"],
      },
      TariffInput: {
        type: "object",
        properties: {
          code: { type: "string", maxLength: 32, pattern: "^[A-Za-z0-9_.\\-]+$" },
          name: { type: "string", maxLength: 100 },
          remark: { type: "string", maxLength: 500, default: "" },
          type: { $ref: "#/components/schemas/TariffType" },
          price: { anyOf: [{ minimum: 0, type: "number" }, { type: "string" }] },
          steps: { type: "array", items: { $ref: "#/components/schemas/TariffStep" }, default: [], maxItems: 10 },
        },
        required: ["code", "name", "type", "price"],
      },
      SalesPointStatus: { enum: ["active", "closed"], type: "string" },
      SalesPointInput: {
        type: "object",
        properties: {
          code: { type: "string" },
          name: { type: "string" },
          branch_id: { type: "string", maxLength: 40 },
          region_ids: { type: "array", items: { type: "string" }, default: [] },
          serial_digits: { type: "integer", minimum: 3, maximum: 12, default: 6 },
          status: { $ref: "#/components/schemas/SalesPointStatus", default: "active" },
          parent_id: { anyOf: [{ type: "string", maxLength: 40 }, { type: "null" }], default: null },
          open: { type: "boolean", default: true },
        },
        required: ["code", "name", "branch_id"],
      },
    },
  },
};

describe("openapi", () => {
  it("finds the archive kinds that can be created", () => {
    expect(archiveKindNames(DOCUMENT)).toEqual(["tariffs", "sales-points"]);
  });

  it("describes each property as a form field", () => {
    const schema = inputSchema(DOCUMENT, "/v1/archives/sales-points");
    expect(schema).not.toBeNull();
    const references = { branch_id: "branches", region_ids: "regions", parent_id: "sales-points" };
    const fields = fieldsOf(DOCUMENT, schema!, references);
    const byName = Object.fromEntries(fields.map((field) => [field.name, field]));
    expect(byName.branch_id).toMatchObject({ kind: "reference", referenceKind: "branches", required: true });
    expect(byName.region_ids).toMatchObject({ kind: "reference-list", referenceKind: "regions", required: false });
    expect(byName.serial_digits).toMatchObject({ kind: "integer", minimum: 3, maximum: 12, defaultValue: 6 });
    expect(byName.status).toMatchObject({ kind: "enum", options: ["active", "closed"], defaultValue: "active" });
    expect(byName.parent_id).toMatchObject({ kind: "reference", nullable: true });
    expect(byName.open).toMatchObject({ kind: "boolean", defaultValue: true });
  });

  it("reads decimals, enums by reference and lists of objects", () => {
    const fields = fieldsOf(DOCUMENT, inputSchema(DOCUMENT, "/v1/archives/tariffs")!, {});
    const byName = Object.fromEntries(fields.map((field) => [field.name, field]));
    expect(byName.price.kind).toBe("decimal");
    expect(byName.remark.kind).toBe("longtext");
    expect(byName.type).toMatchObject({ kind: "enum", options: ["single", "step", "tou"], required: true });
    expect(byName.steps.kind).toBe("object-list");
    expect(byName.steps.itemFields?.map((field) => [field.name, field.kind, field.nullable])).toEqual([
      ["up_to_kwh", "decimal", true],
      ["price", "decimal", false],
    ]);
    expect(columnFields(fields).map((field) => field.name)).toEqual(["code", "name", "type", "price"]);
  });
});

describe("form payload", () => {
  const fields = fieldsOf(DOCUMENT, inputSchema(DOCUMENT, "/v1/archives/sales-points")!, {
    branch_id: "branches",
    parent_id: "sales-points",
  });

  it("starts a new record from the schema's defaults", () => {
    expect(initialValues(fields)).toEqual({ region_ids: [], serial_digits: 6, status: "active", open: true });
  });

  it("leaves blank optional fields out on create and clears them on update", () => {
    const values = { code: " SP9 ", name: "Counter", branch_id: "b1", parent_id: "", serial_digits: "7" };
    expect(toPayload(fields, values, "create")).toEqual({ code: "SP9", name: "Counter", branch_id: "b1", serial_digits: 7 });
    expect(toPayload(fields, values, "update")).toMatchObject({ parent_id: null, serial_digits: 7 });
  });

  it("sends a number it cannot read as typed, for the API to name the field", () => {
    expect(toPayload(fields, { serial_digits: "seven" }, "create").serial_digits).toBe("seven");
  });

  it("sends decimals as strings and lists of objects field by field", () => {
    const tariff = fieldsOf(DOCUMENT, inputSchema(DOCUMENT, "/v1/archives/tariffs")!, {});
    const body = toPayload(
      tariff,
      { code: "T2", name: "Steps", type: "step", price: 0.2, steps: [{ up_to_kwh: "50", price: "0.1" }, { price: "0.3" }] },
      "create",
    );
    expect(body).toEqual({
      code: "T2",
      name: "Steps",
      type: "step",
      price: "0.2",
      steps: [{ up_to_kwh: "50", price: "0.1" }, { price: "0.3" }],
    });
    expect(initialValues(tariff, { code: "T2", price: 0.25, steps: [{ up_to_kwh: null, price: "0.30" }] })).toEqual({
      code: "T2",
      price: "0.25",
      steps: [{ price: "0.30" }],
    });
  });
});

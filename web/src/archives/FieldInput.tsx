// One input for one schema field; lists of objects (tariff steps) get a row per item.

import { Button, Checkbox, Form, Input, InputNumber, Select, Space } from "antd";

import { useApp } from "../app/AppContext";
import { fieldLabel } from "../i18n/labels";
import type { FieldSpec } from "../lib/schemaFields";
import { ReferenceSelect } from "./ReferenceSelect";

interface Props {
  field: FieldSpec;
  value?: unknown;
  onChange?: (value: unknown) => void;
  id?: string;
  recordId?: string;
}

export function FieldInput({ field, value, onChange, id, recordId }: Props) {
  const change = (next: unknown) => onChange?.(next);
  switch (field.kind) {
    case "boolean":
      return <Checkbox id={id} checked={Boolean(value)} onChange={(event) => change(event.target.checked)} />;
    case "integer":
      return (
        <InputNumber
          id={id}
          style={{ width: "100%" }}
          value={value as number | null}
          onChange={change}
        />
      );
    case "decimal":
      return <Input id={id} inputMode="decimal" value={(value as string) ?? ""} onChange={(event) => change(event.target.value)} />;
    case "enum":
    case "enum-list":
      return (
        <Select
          id={id}
          mode={field.kind === "enum-list" ? "multiple" : undefined}
          allowClear={!field.required}
          value={value as string}
          onChange={change}
          options={(field.options ?? []).map((option) => ({ value: option, label: option }))}
        />
      );
    case "reference":
    case "reference-list":
      return (
        <ReferenceSelect
          id={id}
          kind={field.referenceKind ?? ""}
          multiple={field.kind === "reference-list"}
          value={value as string | string[]}
          onChange={change}
          exclude={recordId}
        />
      );
    case "string-list":
      return <Select id={id} mode="tags" value={(value as string[]) ?? []} onChange={change} open={false} />;
    case "longtext":
      return <Input.TextArea id={id} rows={2} value={(value as string) ?? ""} onChange={(event) => change(event.target.value)} />;
    case "object-list":
      return null;
    default:
      return <Input id={id} value={(value as string) ?? ""} onChange={(event) => change(event.target.value)} maxLength={field.maxLength} />;
  }
}

/** Rows of sub-fields for a list of objects, each row's fields named [list, index, field]. */
export function ObjectListInput({ field }: { field: FieldSpec }) {
  const { language, t } = useApp();
  const itemFields = field.itemFields ?? [];
  return (
    <Form.List name={field.name}>
      {(rows, { add, remove }) => (
        <Space direction="vertical" style={{ width: "100%" }}>
          {rows.map((row) => (
            <Space key={row.key} align="start" wrap>
              {itemFields.map((itemField) => (
                <Form.Item
                  key={itemField.name}
                  name={[row.name, itemField.name]}
                  label={fieldLabel(itemField.name, language)}
                  rules={itemField.required ? [{ required: true }] : []}
                >
                  <FieldInput field={itemField} />
                </Form.Item>
              ))}
              <Button onClick={() => remove(row.name)} aria-label={t("common.delete")}>
                ×
              </Button>
            </Space>
          ))}
          <Button type="dashed" onClick={() => add({})} disabled={field.maxItems !== undefined && rows.length >= field.maxItems}>
            {t("common.addItem")}
          </Button>
        </Space>
      )}
    </Form.List>
  );
}

// A form for any schema: fields drawn from the OpenAPI input schema, the API's field problems
// shown at their fields, problems without a field shown above the form.

import { Alert, Button, Form, Space } from "antd";
import { useState, type ReactNode } from "react";

import { useApp } from "../app/AppContext";
import { fieldLabel } from "../i18n/labels";
import { initialValues, toPayload, type Values } from "../lib/formPayload";
import { ApiProblem, placeProblems } from "../lib/problem";
import type { FieldSpec } from "../lib/schemaFields";
import { FieldInput, ObjectListInput } from "./FieldInput";

export type Widget = (props: { value?: unknown; onChange?: (value: unknown) => void }) => ReactNode;

interface Props {
  fields: FieldSpec[];
  record?: Values;
  mode: "create" | "update";
  onSave: (body: Values) => Promise<void>;
  onCancel: () => void;
  widgets?: Record<string, Widget>;
  labels?: Record<string, string>;
}

export function RecordForm({ fields, record, mode, onSave, onCancel, widgets = {}, labels = {} }: Props) {
  const { language, t } = useApp();
  const [form] = Form.useForm<Values>();
  const [general, setGeneral] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);

  async function submit(values: Values) {
    setBusy(true);
    setGeneral([]);
    try {
      await onSave(toPayload(fields, values, mode));
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      const placed = placeProblems(error, new Set(fields.map((field) => field.name)));
      form.setFields(placed.atFields.map(({ path, messages }) => ({ name: path, errors: messages })));
      setGeneral(placed.general);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Form<Values>
      form={form}
      layout="vertical"
      initialValues={initialValues(fields, record)}
      onFinish={submit}
      data-testid="record-form"
    >
      {general.length > 0 && (
        <Alert type="error" showIcon style={{ marginBottom: 16 }} title={general.join("; ")} data-testid="form-error" />
      )}
      {fields.map((field) => {
        const label = labels[field.name] ?? fieldLabel(field.name, language);
        if (field.kind === "object-list" && !widgets[field.name]) {
          return (
            <Form.Item key={field.name} label={label} className={`field-${field.name}`}>
              <ObjectListInput field={field} />
            </Form.Item>
          );
        }
        const Custom = widgets[field.name];
        return (
          <Form.Item
            key={field.name}
            name={field.name}
            label={label}
            className={`field-${field.name}`}
            rules={field.required && field.kind !== "boolean" ? [{ required: true }] : []}
          >
            {Custom ? <Custom /> : <FieldInput field={field} recordId={record?.id as string | undefined} />}
          </Form.Item>
        );
      })}
      <Space>
        <Button type="primary" htmlType="submit" loading={busy} data-testid="form-save">
          {t("common.save")}
        </Button>
        <Button onClick={onCancel}>{t("common.cancel")}</Button>
      </Space>
    </Form>
  );
}

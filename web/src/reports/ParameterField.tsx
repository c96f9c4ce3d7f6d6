// One report parameter's input, chosen by the kind the catalogue gives it.

import { Checkbox, Form, Input, InputNumber, Select } from "antd";

import { useApp } from "../app/AppContext";
import { fieldLabel, humanize } from "../i18n/labels";
import { stateLabel } from "../lib/stateLabel";
import type { MessageKey } from "../i18n/translate";
import type { ParameterSpec } from "./reportData";

/** Parameters named alike in every report get the console's own label. */
const OWN_LABELS: Record<string, MessageKey> = { from: "reports.from", to: "reports.to", group: "reports.group", view: "reports.view" };

interface ControlProps {
  parameter: ParameterSpec;
  /** Given by Form.Item, passed on to the input. */
  value?: unknown;
  onChange?: (value: unknown) => void;
}

function Control({ parameter, value, onChange }: ControlProps) {
  const { language, t } = useApp();
  const bound = { value: value as never, onChange: onChange as never };
  const choices = (parameter.choices ?? []).map((choice) => ({
    value: choice,
    label: stateLabel(choice, t) !== choice ? stateLabel(choice, t) : fieldLabel(choice, language),
  }));
  switch (parameter.kind) {
    case "date":
      return <Input type="date" style={{ width: 160 }} id={`report-${parameter.name}`} {...bound} />;
    case "month":
      return <Input type="month" style={{ width: 160 }} id={`report-${parameter.name}`} {...bound} />;
    case "integer":
      return <InputNumber min={parameter.minimum} max={parameter.maximum} precision={0} style={{ width: 120 }} {...bound} />;
    case "choice":
      return <Select allowClear={!parameter.required} style={{ minWidth: 140 }} options={choices} {...bound} />;
    case "list":
      return choices.length ? (
        <Select mode="multiple" allowClear style={{ minWidth: 220 }} options={choices} {...bound} />
      ) : (
        <Select mode="tags" allowClear style={{ minWidth: 180 }} open={false} tokenSeparators={[",", " "]} {...bound} />
      );
    default:
      return <Input style={{ width: 180 }} maxLength={100} {...bound} />;
  }
}

export function ParameterField({ parameter }: { parameter: ParameterSpec }) {
  const { language, t } = useApp();
  const translated = fieldLabel(parameter.name, language);
  const own = OWN_LABELS[parameter.name];
  const label = own ? t(own) : language === "en" || translated === humanize(parameter.name) ? parameter.title : translated;
  if (parameter.kind === "boolean") {
    return (
      <Form.Item name={parameter.name} valuePropName="checked">
        <Checkbox>{parameter.title}</Checkbox>
      </Form.Item>
    );
  }
  return (
    <Form.Item name={parameter.name} label={label} rules={parameter.required ? [{ required: true }] : []}>
      <Control parameter={parameter} />
    </Form.Item>
  );
}

// Meter replacement on a contract (POST /v1/contracts/{serial}/replace): the new meter takes the
// contract; credit left on the old one is carried to the new one by a token at its next sale.

import { Alert, Form, Input, InputNumber, Modal, Select } from "antd";
import { useState } from "react";

import { useApp } from "../app/AppContext";
import { ReferenceSelect } from "../archives/ReferenceSelect";
import { ApiProblem, placeProblems } from "../lib/problem";
import { stateLabel } from "../lib/stateLabel";

interface Replacement {
  reason_id: string;
  new_serial: string;
  old_meter_state: string;
  remainder?: number | null;
  worker_name?: string;
  remark?: string;
}

const FIELDS = new Set(["reason_id", "new_serial", "old_meter_state", "remainder", "worker_name", "remark"]);

export function ReplaceMeterModal({ serial, onDone, onClose }: { serial: string; onDone: (newSerial: string) => void; onClose: () => void }) {
  const { client, t } = useApp();
  const [form] = Form.useForm<Replacement>();
  const [general, setGeneral] = useState("");
  const [saving, setSaving] = useState(false);

  async function replace() {
    const values = await form.validateFields();
    setSaving(true);
    setGeneral("");
    try {
      const body = { ...values, remainder: values.remainder ? String(values.remainder) : "0", new_serial: values.new_serial.trim() };
      await client.post(`/v1/contracts/${encodeURIComponent(serial)}/replace`, body);
      onDone(body.new_serial);
    } catch (error) {
      if (!(error instanceof ApiProblem)) return setGeneral((error as Error).message);
      const placed = placeProblems(error, FIELDS);
      form.setFields(placed.atFields.map(({ path, messages }) => ({ name: path as never, errors: messages })));
      setGeneral(placed.general.join("; "));
    } finally {
      setSaving(false);
    }
  }

  return (
    <Modal open title={`${t("customers.replace")} ${serial}`} onCancel={onClose} onOk={() => void replace()} confirmLoading={saving} okButtonProps={{ id: "replace-submit" }} destroyOnHidden>
      {general && <Alert type="error" showIcon title={general} style={{ marginBottom: 12 }} />}
      <Form<Replacement> form={form} layout="vertical" initialValues={{ old_meter_state: "maintenance" }}>
        <Form.Item name="new_serial" label={t("customers.newSerial")} rules={[{ required: true, whitespace: true }]}>
          <Input id="replace-new-serial" maxLength={32} />
        </Form.Item>
        <Form.Item name="reason_id" label={t("customers.replaceReason")} rules={[{ required: true }]}>
          <ReasonPicker />
        </Form.Item>
        <Form.Item name="old_meter_state" label={t("customers.oldMeterState")}>
          <Select options={["maintenance", "scrapped"].map((value) => ({ value, label: stateLabel(value, t) }))} />
        </Form.Item>
        <Form.Item name="remainder" label={t("customers.remainder")}>
          <InputNumber min={0} style={{ width: 200 }} />
        </Form.Item>
        <Form.Item name="worker_name" label={t("customers.worker")}>
          <Input maxLength={60} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function ReasonPicker({ value, onChange }: { value?: string; onChange?: (value: string | null) => void }) {
  return (
    <div data-testid="replace-reason">
      <ReferenceSelect kind="replacement-reasons" value={value} onChange={(chosen) => onChange?.(chosen as string | null)} />
    </div>
  );
}

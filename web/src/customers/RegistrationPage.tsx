// Customer registration with meters: one register bill (customer + contracts + payment), saved and,
// for an operator who may check bills, checked at once so the meters can be sold to.

import { Alert, Button, Card, Form, Input, InputNumber, Select, Space, Typography, message } from "antd";
import { useState } from "react";
import { useNavigate } from "react-router-dom";

import { useApp } from "../app/AppContext";
import { ReferenceSelect } from "../archives/ReferenceSelect";
import { NoAccess } from "../console/NoAccess";
import { can } from "../lib/permissions";
import { stateLabel } from "../lib/stateLabel";
import { ApiProblem, placeProblems } from "../lib/problem";
import { registerBillBody, type RegistrationForm } from "./registration";

interface Bill {
  id: string;
  status: string;
  customer: { code?: string };
}

const FORM_FIELDS = new Set(["customer", "contracts", "payment"]);

export function RegistrationPage() {
  const { client, granted, t } = useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm<RegistrationForm>();
  const [general, setGeneral] = useState<string[]>([]);
  const [saving, setSaving] = useState(false);

  if (!can(granted, "register-bills", "create")) return <NoAccess />;

  async function save(check: boolean) {
    const values = await form.validateFields();
    setSaving(true);
    setGeneral([]);
    try {
      const bill = await client.post<Bill>("/v1/register-bills", registerBillBody(values));
      if (!check) {
        void message.success(t("customers.draftSaved"));
        navigate("/customers/bills");
        return;
      }
      const checked = await client.post<Bill>(`/v1/register-bills/${encodeURIComponent(bill.id)}/check`, {});
      const code = checked.customer?.code ?? bill.customer?.code ?? "";
      void message.success(t("customers.registered", { code }));
      navigate(`/customers/${encodeURIComponent(code)}`);
    } catch (error) {
      if (error instanceof ApiProblem) {
        const placed = placeProblems(error, FORM_FIELDS);
        form.setFields(placed.atFields.map(({ path, messages }) => ({ name: path as never, errors: messages })));
        setGeneral(placed.general);
      } else {
        setGeneral([(error as Error).message]);
      }
    } finally {
      setSaving(false);
    }
  }

  return (
    <>
      <Typography.Title level={3} data-testid="page-title">
        {t("customers.register")}
      </Typography.Title>
      {general.length > 0 && <Alert type="error" showIcon title={general.join("; ")} style={{ marginBottom: 12 }} data-testid="form-error" />}
      <Form<RegistrationForm> form={form} layout="vertical" initialValues={{ contracts: [{ pay_type: "prepaid" }] }}>
        <Card size="small" title={t("vend.customer")}>
          <Space wrap align="start">
            <Form.Item name={["customer", "code"]} label={t("customers.code")}>
              <Input id="customer-code" maxLength={32} style={{ width: 180 }} />
            </Form.Item>
            <Form.Item name={["customer", "name"]} label={t("customers.name")} rules={[{ required: true, whitespace: true }]}>
              <Input id="customer-name" maxLength={100} style={{ width: 260 }} />
            </Form.Item>
            <Form.Item name={["customer", "customer_type_id"]} label={t("customers.type")} rules={[{ required: true }]}>
              <ArchivePicker kind="customer-types" testId="customer-type" />
            </Form.Item>
            <Form.Item name={["customer", "phone"]} label={t("customers.phone")}>
              <Input id="customer-phone" maxLength={30} style={{ width: 180 }} />
            </Form.Item>
            <Form.Item name={["customer", "id_number"]} label={t("customers.idNumber")}>
              <Input maxLength={40} style={{ width: 180 }} />
            </Form.Item>
            <Form.Item name={["customer", "email"]} label={t("customers.email")}>
              <Input maxLength={120} style={{ width: 220 }} />
            </Form.Item>
            <Form.Item name={["customer", "address"]} label={t("customers.address")}>
              <Input maxLength={200} style={{ width: 320 }} />
            </Form.Item>
          </Space>
        </Card>
        <Card size="small" title={t("customers.meters")} style={{ marginTop: 12 }}>
          <Form.List name="contracts">
            {(rows, { add, remove }) => (
              <>
                {rows.map((row, index) => (
                  <Space key={row.key} wrap align="start" data-testid={`contract-${index}`}>
                    <Form.Item name={[row.name, "serial"]} label={t("customers.serial")} rules={[{ required: true, whitespace: true }]}>
                      <Input id={`contract-serial-${index}`} maxLength={32} style={{ width: 200 }} />
                    </Form.Item>
                    <Form.Item name={[row.name, "tariff_id"]} label={t("customers.tariff")} rules={[{ required: true }]}>
                      <ArchivePicker kind="tariffs" testId={`contract-tariff-${index}`} />
                    </Form.Item>
                    <Form.Item name={[row.name, "pay_type"]} label={t("customers.payType")}>
                      <Select style={{ width: 140 }} options={["prepaid", "postpaid"].map((value) => ({ value, label: stateLabel(value, t) }))} />
                    </Form.Item>
                    <Form.Item name={[row.name, "debt"]} label={t("customers.debt")}>
                      <InputNumber min={0} style={{ width: 140 }} />
                    </Form.Item>
                    {rows.length > 1 && (
                      <Button style={{ marginTop: 30 }} onClick={() => remove(row.name)}>
                        {t("common.delete")}
                      </Button>
                    )}
                  </Space>
                ))}
                <Button onClick={() => add({ pay_type: "prepaid" })}>{t("customers.addMeter")}</Button>
              </>
            )}
          </Form.List>
        </Card>
        <Card size="small" title={t("customers.paymentTerm")} style={{ marginTop: 12 }}>
          <Form.Item name={["payment", "payment_term_id"]} label={t("customers.paymentTerm")}>
            <ArchivePicker kind="payment-terms" testId="payment-term" />
          </Form.Item>
        </Card>
        <Space style={{ marginTop: 16 }}>
          {can(granted, "bills", "check") ? (
            <Button type="primary" loading={saving} onClick={() => void save(true)} data-testid="register-submit">
              {t("customers.saveAndCheck")}
            </Button>
          ) : null}
          <Button loading={saving} onClick={() => void save(false)} data-testid="register-draft">
            {t("customers.saveDraft")}
          </Button>
          <Button onClick={() => navigate("/customers")}>{t("common.cancel")}</Button>
        </Space>
      </Form>
    </>
  );
}

interface PickerProps {
  kind: string;
  testId: string;
  value?: string;
  onChange?: (value: string | null) => void;
}

/** Form.Item hands value/onChange to its child: this passes them on to the record picker. */
function ArchivePicker({ kind, testId, value, onChange }: PickerProps) {
  return (
    <div style={{ width: 220 }} data-testid={testId}>
      <ReferenceSelect kind={kind} value={value} onChange={(chosen) => onChange?.(chosen as string | null)} />
    </div>
  );
}

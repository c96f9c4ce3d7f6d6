// One work order on site: scan meter and module, the point of collection on the grid, location,
// CT/PT, submit. Submissions go through the outbox, so a dead spot only delays them.

import { Alert, Button, Card, Form, Input, Space, Typography } from "antd";
import { useState } from "react";

import { useApp } from "../app/AppContext";
import { ReferenceSelect } from "../archives/ReferenceSelect";
import { fieldLabel } from "../i18n/labels";
import type { MessageKey } from "../i18n/translate";
import { checkInstallation, emptyInstallation, installationBody, type InstallationForm } from "./installation";
import { ScanField } from "./ScanField";
import type { WorkOrder } from "./workOrders";

interface Props {
  order: WorkOrder;
  onQueued: (body: Record<string, unknown>) => Promise<void>;
  onBack: () => void;
}

const LABELS: Partial<Record<keyof InstallationForm, MessageKey>> = {
  meterSerial: "installer.meterSerial",
  moduleSerial: "installer.moduleSerial",
  pocName: "installer.pocName",
  customerCode: "installer.customerCode",
  address: "installer.address",
  latitude: "installer.location",
  longitude: "installer.location",
  ctRatio: "installer.ctRatio",
  ptRatio: "installer.ptRatio",
};

const NETWORK_PICKERS: { field: "siteId" | "projectId" | "gridId" | "serviceRateId"; kind: string; name: string }[] = [
  { field: "siteId", kind: "sites", name: "site_id" },
  { field: "projectId", kind: "projects", name: "project_id" },
  { field: "gridId", kind: "power-grids", name: "grid_id" },
  { field: "serviceRateId", kind: "service-rates", name: "service_rate_id" },
];

export function InstallationPage({ order, onQueued, onBack }: Props) {
  const { language, t } = useApp();
  const [form, setForm] = useState<InstallationForm>(emptyInstallation);
  const [touched, setTouched] = useState(false);
  const problems = checkInstallation(form, order.serial);
  const set = (field: keyof InstallationForm) => (value: string) => setForm((current) => ({ ...current, [field]: value }));
  const status = (field: keyof InstallationForm) =>
    touched && problems[field] ? { validateStatus: "error" as const, help: problems[field] } : {};
  const label = (field: keyof InstallationForm, name: string) => {
    const key = LABELS[field];
    return key ? t(key) : fieldLabel(name, language);
  };

  function locate() {
    navigator.geolocation?.getCurrentPosition((position) =>
      setForm((current) => ({
        ...current,
        latitude: position.coords.latitude.toFixed(6),
        longitude: position.coords.longitude.toFixed(6),
      })),
    );
  }

  async function submit() {
    setTouched(true);
    if (Object.keys(problems).length > 0) return;
    await onQueued(installationBody(form));
  }

  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <Button onClick={onBack}>← {t("installer.back")}</Button>
      <Card size="small">
        <Typography.Text strong>{order.serial}</Typography.Text>
        <Typography.Text type="secondary"> · {order.assigned_date} · {order.state}</Typography.Text>
        {order.remark && <div>{order.remark}</div>}
      </Card>
      <Form layout="vertical" onFinish={submit} data-testid="installation-form">
        <Form.Item label={label("meterSerial", "meter_sn")} {...status("meterSerial")} className="field-meter">
          <ScanField id="meter-serial" value={form.meterSerial} onChange={set("meterSerial")} />
        </Form.Item>
        <Form.Item label={label("moduleSerial", "module_sn")} {...status("moduleSerial")}>
          <ScanField id="module-serial" value={form.moduleSerial} onChange={set("moduleSerial")} />
        </Form.Item>
        <Card size="small" title={t("installer.poc")} style={{ marginBottom: 16 }}>
          <Form.Item label={label("pocName", "name")} {...status("pocName")}>
            <Input id="poc-name" value={form.pocName} onChange={(event) => set("pocName")(event.target.value)} />
          </Form.Item>
          <Form.Item label={label("customerCode", "customer_code")} {...status("customerCode")}>
            <Input id="customer-code" value={form.customerCode} onChange={(event) => set("customerCode")(event.target.value)} />
          </Form.Item>
          {NETWORK_PICKERS.map(({ field, kind, name }) => (
            <Form.Item key={field} label={fieldLabel(name, language)} {...status(field)} className={`field-${name}`}>
              <ReferenceSelect kind={kind} value={form[field] || null} onChange={(chosen) => set(field)((chosen as string) ?? "")} />
            </Form.Item>
          ))}
          <Form.Item label={label("address", "address")}>
            <Input value={form.address} onChange={(event) => set("address")(event.target.value)} />
          </Form.Item>
          <Form.Item label={t("installer.location")} {...status(problems.latitude ? "latitude" : "longitude")}>
            <Space.Compact style={{ width: "100%" }}>
              <Input aria-label="latitude" placeholder="lat" inputMode="decimal" value={form.latitude} onChange={(event) => set("latitude")(event.target.value)} />
              <Input aria-label="longitude" placeholder="lon" inputMode="decimal" value={form.longitude} onChange={(event) => set("longitude")(event.target.value)} />
              <Button onClick={locate}>{t("installer.useGps")}</Button>
            </Space.Compact>
          </Form.Item>
        </Card>
        <Space style={{ width: "100%" }} align="start">
          <Form.Item label={label("ctRatio", "ct_ratio")} {...status("ctRatio")}>
            <Input id="ct-ratio" inputMode="numeric" value={form.ctRatio} onChange={(event) => set("ctRatio")(event.target.value)} />
          </Form.Item>
          <Form.Item label={label("ptRatio", "pt_ratio")} {...status("ptRatio")}>
            <Input id="pt-ratio" inputMode="numeric" value={form.ptRatio} onChange={(event) => set("ptRatio")(event.target.value)} />
          </Form.Item>
        </Space>
        {touched && Object.keys(problems).length > 0 && (
          <Alert
            type="warning"
            style={{ marginBottom: 12 }}
            title={Object.keys(problems)
              .map((field) => label(field as keyof InstallationForm, field))
              .join(", ")}
          />
        )}
        <Button type="primary" htmlType="submit" block size="large" data-testid="submit-installation">
          {t("installer.submit")}
        </Button>
      </Form>
    </Space>
  );
}

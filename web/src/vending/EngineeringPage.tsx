// Engineering tokens for one meter (key change, power limit, clear credit/tamper, phase unbalance,
// free credit, test): the kinds this operator may issue, the fields each needs, and the meter's history.

import { Alert, Button, Card, Form, Input, InputNumber, Select, Table, Typography } from "antd";
import { useState } from "react";

import type { Page } from "../api/client";
import { useApp } from "../app/AppContext";
import { useAsync } from "../app/useAsync";
import { NoAccess } from "../console/NoAccess";
import type { MessageKey } from "../i18n/translate";
import { can } from "../lib/permissions";
import { groupToken } from "../lib/sale";
import { TokenGroups } from "./ReceiptView";

export const ENGINEERING_KINDS = [
  "clear-tamper",
  "clear-credit",
  "power-limit",
  "phase-unbalance",
  "free-credit",
  "key-change",
  "test",
] as const;

/** The extra field each kind needs (the API's EngineeringOrder rules). */
const FIELD_OF_KIND: Record<string, "watts" | "energy" | "to_krn" | null> = {
  "power-limit": "watts",
  "phase-unbalance": "watts",
  "free-credit": "energy",
  "key-change": "to_krn",
};

interface EngineeringRecord {
  id: string;
  kind: string;
  meter: string;
  reason: string;
  operator: string;
  time_local: string;
  tokens: string[];
}

interface Order {
  kind: string;
  meter: string;
  reason: string;
  watts?: number;
  energy?: number;
  to_krn?: number;
}

export function EngineeringPage() {
  const { client, granted, t } = useApp();
  const [form] = Form.useForm<Order>();
  const kind = Form.useWatch("kind", form) ?? "clear-tamper";
  const meter = Form.useWatch("meter", form) ?? "";
  const [issued, setIssued] = useState<EngineeringRecord | null>(null);
  const [failure, setFailure] = useState("");
  const history = useAsync(
    async () => (meter.trim().length >= 6 ? (await client.get<Page<EngineeringRecord>>("/v1/engineering-tokens", { meter: meter.trim(), limit: 20 })).items : []),
    [client, meter, issued],
  );

  if (!can(granted, "engineering-tokens", "view")) return <NoAccess />;
  const allowed = ENGINEERING_KINDS.filter((name) => can(granted, "engineering-tokens", name));
  const extra = FIELD_OF_KIND[kind] ?? null;

  async function issue(values: Order) {
    setFailure("");
    setIssued(null);
    try {
      setIssued(await client.post<EngineeringRecord>("/v1/engineering-tokens", { ...values, meter: values.meter.trim() }));
    } catch (error) {
      setFailure((error as Error).message);
    }
  }

  return (
    <>
      <Typography.Title level={3} data-testid="page-title">
        {t("menu.engineering")}
      </Typography.Title>
      <div style={{ display: "grid", gap: 16, gridTemplateColumns: "minmax(0, 1fr) minmax(0, 1fr)" }}>
        <Card size="small">
          <Form<Order> form={form} layout="vertical" onFinish={issue} initialValues={{ kind: allowed[0] ?? "clear-tamper" }}>
            <Form.Item name="kind" label={t("eng.kind")} rules={[{ required: true }]}>
              <Select options={allowed.map((name) => ({ value: name, label: t(`eng.kind.${name}` as MessageKey) }))} />
            </Form.Item>
            <Form.Item name="meter" label={t("eng.meter")} rules={[{ required: kind !== "test", whitespace: true }]}>
              <Input id="eng-meter" maxLength={32} />
            </Form.Item>
            {extra === "watts" && (
              <Form.Item name="watts" label={t("eng.watts")} rules={[{ required: true }]}>
                <InputNumber min={1} precision={0} style={{ width: 200 }} />
              </Form.Item>
            )}
            {extra === "energy" && (
              <Form.Item name="energy" label={t("eng.energy")} rules={[{ required: true }]}>
                <InputNumber min={0.1} step={0.1} precision={1} style={{ width: 200 }} />
              </Form.Item>
            )}
            {extra === "to_krn" && (
              <Form.Item name="to_krn" label={t("eng.toKrn")} rules={[{ required: true }]}>
                <InputNumber min={1} max={9} precision={0} style={{ width: 200 }} />
              </Form.Item>
            )}
            <Form.Item name="reason" label={t("eng.reason")} rules={[{ required: true, whitespace: true }]}>
              <Input maxLength={200} id="eng-reason" />
            </Form.Item>
            <Button type="primary" htmlType="submit" disabled={allowed.length === 0} data-testid="eng-issue">
              {t("eng.issue")}
            </Button>
          </Form>
        </Card>
        <div>
          {failure && <Alert type="error" showIcon title={failure} data-testid="eng-error" />}
          {issued && (
            <Card size="small" title={`${t("eng.issued")}: ${t(`eng.kind.${issued.kind}` as MessageKey)}`} data-testid="eng-result">
              <TokenGroups tokens={issued.tokens} />
            </Card>
          )}
        </div>
      </div>
      <Card size="small" title={t("eng.history")} style={{ marginTop: 16 }}>
        <Table<EngineeringRecord>
          rowKey="id"
          size="small"
          pagination={false}
          loading={history.loading}
          dataSource={history.data ?? []}
          columns={[
            { title: t("vend.time"), dataIndex: "time_local", render: (value: string) => value?.replace("T", " ") },
            { title: t("eng.kind"), dataIndex: "kind", render: (value: string) => t(`eng.kind.${value}` as MessageKey) },
            { title: t("vend.token"), dataIndex: "tokens", render: (tokens: string[]) => <span className="token-inline">{tokens.map(groupToken).join(" / ")}</span> },
            { title: t("eng.reason"), dataIndex: "reason" },
            { title: t("vend.operator"), dataIndex: "operator" },
          ]}
        />
      </Card>
    </>
  );
}

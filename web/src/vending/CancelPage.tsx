// Token cancel: load a sale by its bill number, give the reason, and issue the zero token that takes
// the credit back off the meter (POST /v1/vends/{bill}/cancel); the day's cancellations below.

import { Alert, Button, Card, Descriptions, Divider, Form, Input, InputNumber, Modal, Popconfirm, Table, Typography, message } from "antd";
import { useState } from "react";

import type { Page } from "../api/client";
import { useApp } from "../app/AppContext";
import { useAsync } from "../app/useAsync";
import { NoAccess } from "../console/NoAccess";
import { tenantToday } from "../lib/dates";
import { formatMoney } from "../lib/money";
import { can } from "../lib/permissions";
import { groupToken, needsWarnConfirmation } from "../lib/sale";
import { ReceiptView, TokenGroups } from "./ReceiptView";
import type { Receipt } from "./vendingApi";

interface Cancellation {
  bill_number: string;
  kind: string;
  vend_bill_number: string;
  meter: string;
  energy_kwh: string;
  refund_amount: string;
  reason: string;
  zero_token: string;
  operator: string;
  time_local: string;
}

export function CancelPage() {
  const { client, granted, t, money, language, me } = useApp();
  const [bill, setBill] = useState("");
  const [sale, setSale] = useState<Receipt | null>(null);
  const [loadError, setLoadError] = useState("");
  const [done, setDone] = useState<Cancellation | null>(null);
  const [day, setDay] = useState(() => tenantToday(me?.settings?.timezone));
  const [changes, setChanges] = useState(0);
  const [corrected, setCorrected] = useState<Receipt | null>(null);
  const [form] = Form.useForm<{ reason: string; worker?: string; amount?: number }>();
  const ofDay = useAsync(() => client.get<Page<Cancellation>>("/v1/cancellations", { date: day, limit: 50 }), [client, day, changes]);

  if (!can(granted, "vending", "view")) return <NoAccess />;

  async function load(billNumber: string) {
    setLoadError("");
    setDone(null);
    setSale(null);
    setCorrected(null);
    if (!billNumber.trim()) return;
    try {
      setSale(await client.get<Receipt>(`/v1/vends/${encodeURIComponent(billNumber.trim())}`));
    } catch (error) {
      setLoadError((error as Error).message);
    }
  }

  async function cancel() {
    if (!sale) return;
    const values = await form.validateFields();
    try {
      const made = await client.post<Cancellation>(`/v1/vends/${encodeURIComponent(sale.bill_number)}/cancel`, {
        reason: values.reason,
        ...(values.worker ? { worker: values.worker } : {}),
      });
      setDone(made);
      setSale({ ...sale, status: "cancelled" });
      setChanges((count) => count + 1);
      void message.success(t("cancel.done"));
    } catch (error) {
      setLoadError((error as Error).message);
    }
  }

  async function correct() {
    if (!sale) return;
    const values = await form.validateFields();
    if (!values.amount) return form.setFields([{ name: "amount", errors: [t("cancel.correctAmount")] }]);
    const warn = me?.settings?.warn_amount;
    if (needsWarnConfirmation(values.amount, warn)) {
      const checked = await new Promise<boolean>((resolve) =>
        Modal.confirm({
          title: t("vend.warnAmount", { warn: formatMoney(String(warn), money, language) }),
          okText: t("vend.warnConfirm"),
          onOk: () => resolve(true),
          onCancel: () => resolve(false),
        }),
      );
      if (!checked) return;
    }
    try {
      const made = await client.post<{ correction: Cancellation; vend: Receipt }>(
        `/v1/vends/${encodeURIComponent(sale.bill_number)}/correction`,
        { reason: values.reason, amount: String(values.amount), confirmed: true },
      );
      setCorrected(made.vend);
      setSale({ ...sale, status: "corrected" });
      setChanges((count) => count + 1);
      void message.success(t("cancel.corrected", { bill: made.vend.bill_number }));
    } catch (error) {
      setLoadError((error as Error).message);
    }
  }

  return (
    <>
      <Typography.Title level={3} data-testid="page-title">
        {t("menu.cancel")}
      </Typography.Title>
      <Input.Search
        placeholder={t("cancel.bill")}
        enterButton={t("cancel.load")}
        value={bill}
        onChange={(event) => setBill(event.target.value)}
        onSearch={(text) => void load(text)}
        style={{ maxWidth: 420, marginBottom: 12 }}
        data-testid="cancel-bill"
      />
      {loadError && <Alert type="error" showIcon title={loadError} style={{ marginBottom: 12 }} data-testid="cancel-error" />}
      {sale && (
        <div style={{ display: "grid", gap: 16, gridTemplateColumns: "minmax(0, 1fr) minmax(0, 1fr)" }}>
          <ReceiptView receipt={corrected ?? sale} printLabel={t("vend.reprint")} />
          <Card size="small" title={t("cancel.submit")}>
            {done ? (
              <Descriptions column={1} size="small" data-testid="cancel-result">
                <Descriptions.Item label={t("vend.billNumber")}>{done.bill_number}</Descriptions.Item>
                <Descriptions.Item label={t("cancel.refund")}>{formatMoney(done.refund_amount, money, language)}</Descriptions.Item>
                <Descriptions.Item label={t("cancel.zeroToken")}>
                  <TokenGroups tokens={[done.zero_token]} />
                </Descriptions.Item>
              </Descriptions>
            ) : (
              <Form form={form} layout="vertical">
                <Form.Item name="reason" label={t("cancel.reason")} rules={[{ required: true, whitespace: true }]}>
                  <Input id="cancel-reason" maxLength={200} />
                </Form.Item>
                <Form.Item name="worker" label={t("cancel.worker")}>
                  <Input maxLength={60} />
                </Form.Item>
                <Popconfirm title={t("cancel.confirm", { bill: sale.bill_number })} onConfirm={() => void cancel()}>
                  <Button danger disabled={sale.status !== "issued" || !can(granted, "vending", "cancel")} data-testid="cancel-submit">
                    {t("cancel.submit")}
                  </Button>
                </Popconfirm>
                <Divider />
                <Form.Item name="amount" label={t("cancel.correctAmount")}>
                  <InputNumber min={0.01} style={{ width: 200 }} id="correct-amount" />
                </Form.Item>
                <Button
                  disabled={sale.status !== "issued" || !can(granted, "vending", "cancel") || !can(granted, "vending", "create")}
                  onClick={() => void correct()}
                  data-testid="correct-submit"
                >
                  {t("cancel.correct")}
                </Button>
              </Form>
            )}
          </Card>
        </div>
      )}
      <Card
        size="small"
        style={{ marginTop: 16 }}
        title={
          <span>
            {t("cancel.ofDay")} <Input type="date" value={day} onChange={(event) => event.target.value && setDay(event.target.value)} style={{ width: 170 }} />
          </span>
        }
      >
        <Table<Cancellation>
          rowKey="bill_number"
          size="small"
          pagination={false}
          loading={ofDay.loading}
          dataSource={ofDay.data?.items ?? []}
          columns={[
            { title: t("vend.time"), dataIndex: "time_local", render: (value: string) => value?.replace("T", " ") },
            { title: t("vend.billNumber"), dataIndex: "bill_number" },
            { title: t("eng.kind"), dataIndex: "kind" },
            { title: t("cancel.bill"), dataIndex: "vend_bill_number" },
            { title: t("vend.meter"), dataIndex: "meter" },
            { title: t("cancel.refund"), dataIndex: "refund_amount", render: (value: string) => formatMoney(value, money, language) },
            { title: t("cancel.zeroToken"), dataIndex: "zero_token", render: (value: string) => <span className="token-inline">{groupToken(value ?? "")}</span> },
            { title: t("cancel.reason"), dataIndex: "reason" },
            { title: t("vend.operator"), dataIndex: "operator" },
          ]}
        />
      </Card>
    </>
  );
}

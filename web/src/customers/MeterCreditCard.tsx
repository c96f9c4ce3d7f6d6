// The selected meter's carried credit paid back (refund form and the refunds made) and, after a meter
// replacement, the remainder token for the new meter.

import { Alert, Button, Card, Form, Input, InputNumber, Modal, Select, Space, Table, message } from "antd";
import { useState } from "react";

import { useApp } from "../app/AppContext";
import { useAsync } from "../app/useAsync";
import { referencedRecords } from "../archives/referenceCache";
import { formatMoney } from "../lib/money";
import { can } from "../lib/permissions";
import { isRetryable, makeSaleKey } from "../lib/sale";
import { ReceiptView } from "../vending/ReceiptView";
import type { Contract, Receipt } from "../vending/vendingApi";
import { creditRefunds, pendingRemainder, refundCredit, refundRequest, remainderToken, type CreditRefund } from "./creditApi";

interface RefundForm {
  amount?: number | null;
  payment_term?: string;
  remark?: string;
}

export function MeterCreditCard({ contract, onChanged }: { contract: Contract; onChanged: () => void }) {
  const { client, granted, t, money, language } = useApp();
  const serial = contract.serial;
  const [round, setRound] = useState(0);
  const [refunding, setRefunding] = useState(false);
  const [sending, setSending] = useState(false);
  const [failure, setFailure] = useState("");
  const [remainderKey, setRemainderKey] = useState<string | null>(null);
  const [remainderReceipt, setRemainderReceipt] = useState<Receipt | null>(null);
  const [form] = Form.useForm<RefundForm>();
  const refunds = useAsync(async () => (await creditRefunds(client, serial)).items, [client, serial, round]);
  const terms = useAsync(() => referencedRecords(client, "payment-terms"), [client]);
  const shown = (amount: string | null | undefined) => formatMoney(amount, money, language);
  const remainder = pendingRemainder(contract);

  async function refund(values: RefundForm) {
    setSending(true);
    setFailure("");
    try {
      const made = await refundCredit(client, serial, refundRequest(values.amount, values.payment_term, values.remark));
      void message.success(t("credit.refunded", { amount: shown(made.refund_amount), bill: made.bill_number }));
      setRefunding(false);
      form.resetFields();
      setRound((value) => value + 1);
    } catch (error) {
      setFailure((error as Error).message);
    } finally {
      setSending(false);
    }
  }

  async function issueRemainder() {
    const key = remainderKey ?? makeSaleKey();
    setRemainderKey(key);
    setSending(true);
    setFailure("");
    try {
      setRemainderReceipt(await remainderToken(client, serial, key));
      setRemainderKey(null);
      onChanged();
    } catch (error) {
      if (!isRetryable(error)) setRemainderKey(null);
      setFailure((error as Error).message);
    } finally {
      setSending(false);
    }
  }

  return (
    <Card
      size="small"
      title={t("credit.title", { serial })}
      style={{ marginTop: 16 }}
      data-testid="meter-credit"
      extra={
        <Space>
          {remainder && can(granted, "vending", "create") && (
            <Button size="small" onClick={() => void issueRemainder()} loading={sending} data-testid="remainder-token">
              {remainderKey ? t("vend.retry") : t("credit.remainderToken", { amount: shown(remainder) })}
            </Button>
          )}
          {can(granted, "vending", "refund") && (
            <Button size="small" onClick={() => setRefunding(true)} data-testid="credit-refund">
              {t("credit.refund")}
            </Button>
          )}
        </Space>
      }
    >
      {failure && !refunding && <Alert type="error" showIcon title={failure} style={{ marginBottom: 8 }} data-testid="credit-error" />}
      {remainderReceipt && <ReceiptView receipt={remainderReceipt} />}
      <Table<CreditRefund>
        rowKey="bill_number"
        size="small"
        pagination={false}
        loading={refunds.loading}
        dataSource={refunds.data ?? []}
        data-testid="credit-refunds"
        locale={{ emptyText: t("credit.none") }}
        columns={[
          { title: t("vend.billNumber"), dataIndex: "bill_number" },
          { title: t("credit.amount"), dataIndex: "refund_amount", align: "right", render: (value: string) => shown(value) },
          { title: t("credit.left"), dataIndex: "carried_after", align: "right", render: (value: string) => shown(value) },
          { title: t("vend.paymentTerm"), dataIndex: "payment_term" },
          { title: t("credit.remark"), dataIndex: "remark" },
          { title: t("vend.operator"), dataIndex: "operator" },
          { title: t("vend.time"), dataIndex: "time_local", render: (value: string) => value?.replace("T", " ") },
        ]}
      />
      <Modal open={refunding} title={t("credit.refundTitle", { serial })} onCancel={() => setRefunding(false)} footer={null} destroyOnHidden>
        <Form<RefundForm> form={form} layout="vertical" onFinish={(values) => void refund(values)} initialValues={{ payment_term: "CASH" }}>
          <Form.Item name="amount" label={t("credit.amount")} extra={t("credit.amountHint")}>
            <InputNumber min={0.01} style={{ width: 200 }} id="refund-amount" />
          </Form.Item>
          <Form.Item name="payment_term" label={t("vend.paymentTerm")}>
            <Select style={{ width: 200 }} options={(terms.data ?? []).map((term) => ({ value: term.code, label: term.name }))} />
          </Form.Item>
          <Form.Item name="remark" label={t("credit.remark")}>
            <Input maxLength={200} id="refund-remark" />
          </Form.Item>
          {failure && <Alert type="error" showIcon title={failure} style={{ marginBottom: 8 }} data-testid="refund-error" />}
          <Space style={{ width: "100%", justifyContent: "flex-end" }}>
            <Button onClick={() => setRefunding(false)}>{t("common.cancel")}</Button>
            <Button type="primary" htmlType="submit" loading={sending} data-testid="refund-submit">
              {t("credit.refund")}
            </Button>
          </Space>
        </Form>
      </Modal>
    </Card>
  );
}

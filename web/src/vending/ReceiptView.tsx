// A sale's receipt on screen: the token in groups of four, the breakdown, and printing (the API's
// PDF receipt, printed by the browser).

import { Alert, Button, Card, Descriptions, Space, Typography, message } from "antd";
import { useState } from "react";

import { useApp } from "../app/AppContext";
import { printPdf } from "../lib/files";
import { formatMoney } from "../lib/money";
import { groupToken } from "../lib/sale";
import { DeliveryStatus } from "./DeliveryStatus";
import { receiptFile, type Receipt } from "./vendingApi";

export function usePrintReceipt(): (billNumber: string) => Promise<void> {
  const { client } = useApp();
  return async (billNumber: string) => {
    try {
      printPdf(await receiptFile(client, billNumber, "pdf"));
    } catch (error) {
      void message.error((error as Error).message);
    }
  };
}

export function TokenGroups({ tokens }: { tokens: string[] }) {
  return (
    <div data-testid="token">
      {tokens.map((token) => (
        <div key={token} className="token-groups">
          {groupToken(token)}
        </div>
      ))}
    </div>
  );
}

export function ReceiptView({ receipt, printLabel }: { receipt: Receipt; printLabel?: string }) {
  const { t, money, language } = useApp();
  const print = usePrintReceipt();
  const [printing, setPrinting] = useState(false);
  const shown = (amount: string | null | undefined) => formatMoney(amount, money, language);
  const breakdown = receipt.breakdown;

  async function printIt() {
    setPrinting(true);
    await print(receipt.bill_number);
    setPrinting(false);
  }

  return (
    <Card title={`${t("vend.receipt")} ${receipt.bill_number}`} data-testid="receipt">
      <Typography.Text type="secondary">{t("vend.token")}</Typography.Text>
      <TokenGroups tokens={receipt.tokens} />
      {receipt.delivery && <DeliveryStatus delivery={receipt.delivery} />}
      {receipt.key_change && <Alert type="warning" showIcon title={t("vend.keyChange")} style={{ marginTop: 8 }} />}
      <Descriptions size="small" column={1} bordered style={{ marginTop: 12 }}>
        <Descriptions.Item label={t("vend.customer")}>
          {receipt.customer?.code} · {receipt.customer?.name}
        </Descriptions.Item>
        <Descriptions.Item label={t("vend.meter")}>{receipt.meter}</Descriptions.Item>
        <Descriptions.Item label={t("vend.energy")}>{receipt.energy_kwh} kWh</Descriptions.Item>
        <Descriptions.Item label={t("vend.energyCost")}>{shown(breakdown.amount)}</Descriptions.Item>
        {breakdown.charges.map((charge) => (
          <Descriptions.Item key={charge.code} label={charge.name}>
            {shown(charge.amount)}
          </Descriptions.Item>
        ))}
        <Descriptions.Item label={t("vend.vat")}>{shown(breakdown.vat)}</Descriptions.Item>
        {Number(breakdown.debt_repaid) > 0 && (
          <Descriptions.Item label={t("vend.debtRepaid")}>{shown(breakdown.debt_repaid)}</Descriptions.Item>
        )}
        <Descriptions.Item label={t("vend.total")}>
          <strong data-testid="receipt-total">{shown(breakdown.net_amount)}</strong>
        </Descriptions.Item>
        <Descriptions.Item label={t("vend.paid")}>{shown(receipt.payment.paid)}</Descriptions.Item>
        <Descriptions.Item label={t("vend.change")}>{shown(receipt.payment.change)}</Descriptions.Item>
        <Descriptions.Item label={t("vend.time")}>{receipt.time_local.replace("T", " ")}</Descriptions.Item>
        <Descriptions.Item label={t("vend.salesPoint")}>{receipt.sales_point}</Descriptions.Item>
        <Descriptions.Item label={t("vend.operator")}>{receipt.operator}</Descriptions.Item>
      </Descriptions>
      <Space style={{ marginTop: 12 }}>
        <Button type="primary" onClick={printIt} loading={printing} data-testid="print-receipt">
          {printLabel ?? t("vend.print")}
        </Button>
      </Space>
    </Card>
  );
}

// The step between "sell" and the token: the breakdown (from the API's quote when it has one), the
// warn-amount check, and sending — again with the same key when the first answer was lost.

import { Alert, Button, Checkbox, Descriptions, Modal, Space, Spin } from "antd";
import { useEffect, useState } from "react";

import { useApp } from "../app/AppContext";
import { formatMoney } from "../lib/money";
import { isConfirmationRequired, isRetryable, needsWarnConfirmation, type PendingSale } from "../lib/sale";
import { quote, sell, type MeterAtCounter, type Quote, type Receipt } from "./vendingApi";

interface Props {
  sale: PendingSale;
  found: MeterAtCounter;
  onSold: (receipt: Receipt) => void;
  onClose: () => void;
}

export function SaleConfirm({ sale, found, onSold, onClose }: Props) {
  const { t, client, money, language, me } = useApp();
  const warnAmount = me?.settings?.warn_amount;
  const [quoted, setQuoted] = useState<Quote | null>(null);
  const [quoting, setQuoting] = useState(true);
  const [mustConfirm, setMustConfirm] = useState(() => needsWarnConfirmation(sale.request.amount, warnAmount));
  const [confirmed, setConfirmed] = useState(false);
  const [sending, setSending] = useState(false);
  const [failure, setFailure] = useState<{ text: string; retry: boolean } | null>(null);
  const shown = (amount: string | null | undefined) => formatMoney(amount, money, language);

  useEffect(() => {
    let current = true;
    quote(client, sale.request)
      .then((answer) => current && setQuoted(answer))
      .catch(() => current && setQuoted(null))
      .finally(() => current && setQuoting(false));
    return () => {
      current = false;
    };
  }, [client, sale.request]);

  async function send() {
    setSending(true);
    setFailure(null);
    try {
      const request = mustConfirm ? { ...sale.request, confirmed: true } : sale.request;
      onSold(await sell(client, request, sale.key));
    } catch (error) {
      if (isConfirmationRequired(error)) {
        setMustConfirm(true);
      } else {
        setFailure({ text: (error as Error).message, retry: isRetryable(error) });
      }
    } finally {
      setSending(false);
    }
  }

  return (
    <Modal open title={t("vend.confirmTitle")} onCancel={onClose} footer={null} width={560} destroyOnHidden>
      <Descriptions size="small" column={1} bordered data-testid="sale-summary">
        <Descriptions.Item label={t("vend.customer")}>
          {found.customer ? `${found.customer.code} · ${found.customer.name}` : t("common.none")}
        </Descriptions.Item>
        <Descriptions.Item label={t("vend.meter")}>{sale.request.meter}</Descriptions.Item>
        {sale.request.energy !== undefined ? (
          <Descriptions.Item label={t("vend.energyWanted")}>
            <strong>{sale.request.energy} kWh</strong>
          </Descriptions.Item>
        ) : (
          <Descriptions.Item label={t("vend.amount")}>
            <strong>{shown(sale.request.amount)}</strong>
          </Descriptions.Item>
        )}
        <Descriptions.Item label={t("vend.paymentTerm")}>{sale.request.payment_term}</Descriptions.Item>
        {sale.request.deliver && <Descriptions.Item label={t("deliver.title")}>{t("deliver.option")}</Descriptions.Item>}
        {found.contract && Number(found.contract.debt) > 0 && (
          <Descriptions.Item label={t("vend.debt")}>{shown(found.contract.debt)}</Descriptions.Item>
        )}
      </Descriptions>
      <div style={{ marginTop: 12 }} data-testid="sale-breakdown">
        {quoting ? (
          <Spin />
        ) : quoted ? (
          <Descriptions size="small" column={1} title={t("vend.breakdown")}>
            {quoted.energy_kwh && <Descriptions.Item label={t("vend.energy")}>{quoted.energy_kwh} kWh</Descriptions.Item>}
            <Descriptions.Item label={t("vend.energyCost")}>{shown(quoted.breakdown.amount)}</Descriptions.Item>
            {quoted.breakdown.charges.map((charge) => (
              <Descriptions.Item key={charge.code} label={charge.name}>
                {shown(charge.amount)}
              </Descriptions.Item>
            ))}
            <Descriptions.Item label={t("vend.vat")}>{shown(quoted.breakdown.vat)}</Descriptions.Item>
            <Descriptions.Item label={t("vend.debtRepaid")}>{shown(quoted.breakdown.debt_repaid)}</Descriptions.Item>
            <Descriptions.Item label={t("vend.total")}>{shown(quoted.breakdown.net_amount)}</Descriptions.Item>
          </Descriptions>
        ) : (
          <Alert type="info" showIcon title={t("vend.breakdownAtSale")} />
        )}
      </div>
      {mustConfirm && (
        <Alert
          type="warning"
          showIcon
          style={{ marginTop: 12 }}
          data-testid="warn-amount"
          title={t("vend.warnAmount", { warn: shown(String(warnAmount ?? "")) })}
          description={
            <Checkbox checked={confirmed} onChange={(event) => setConfirmed(event.target.checked)} data-testid="warn-confirm">
              {t("vend.warnConfirm")}
            </Checkbox>
          }
        />
      )}
      {failure && (
        <Alert
          type="error"
          showIcon
          style={{ marginTop: 12 }}
          data-testid="sale-error"
          title={failure.text}
          description={failure.retry ? t("vend.retryHint") : undefined}
        />
      )}
      <Space style={{ marginTop: 16, width: "100%", justifyContent: "flex-end" }}>
        <Button onClick={onClose}>{t("common.cancel")}</Button>
        <Button
          type="primary"
          onClick={send}
          loading={sending}
          disabled={mustConfirm && !confirmed}
          data-testid="sell"
        >
          {failure?.retry ? t("vend.retry") : t("vend.sell")}
        </Button>
      </Space>
    </Modal>
  );
}

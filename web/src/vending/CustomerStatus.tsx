// Who the meter belongs to and whether it can be sold to: customer, contract, debt, meter state.

import { Alert, Button, Card, Descriptions, Tag } from "antd";
import { useEffect, useState } from "react";
import { useNavigate } from "react-router-dom";

import { useApp } from "../app/AppContext";
import { referencedRecords, summaryLabel } from "../archives/referenceCache";
import { formatMoney } from "../lib/money";
import { can } from "../lib/permissions";
import { stateLabel } from "../lib/stateLabel";
import type { MeterAtCounter } from "./vendingApi";

const GOOD = new Set(["active", "in_service", "prepaid"]);

function StatusTag({ value }: { value: string | undefined }) {
  const { t } = useApp();
  if (!value) return null;
  return <Tag color={GOOD.has(value) ? "green" : "red"}>{stateLabel(value, t)}</Tag>;
}

export function CustomerStatus({ found }: { found: MeterAtCounter }) {
  const { t, client, money, language, granted } = useApp();
  const navigate = useNavigate();
  const [tariff, setTariff] = useState<string>("");
  const tariffId = found.contract?.tariff_id;
  useEffect(() => {
    let current = true;
    if (tariffId) {
      void referencedRecords(client, "tariffs").then((records) => {
        const record = records.find((candidate) => candidate.id === tariffId);
        if (current) setTariff(record ? summaryLabel(record) : tariffId);
      });
    }
    return () => {
      current = false;
    };
  }, [client, tariffId]);

  const { meter, contract, customer } = found;
  return (
    <Card
      title={t("vend.customerStatus")}
      size="small"
      data-testid="customer-status"
      extra={
        <>
          {customer && can(granted, "customers", "view") && (
            <Button size="small" type="link" onClick={() => navigate(`/customers/${encodeURIComponent(customer.code)}`)}>
              {t("vend.customer")}
            </Button>
          )}
          {Boolean(found.meter.module_id) && can(granted, "commands", "view") && (
            <Button size="small" type="link" onClick={() => navigate(`/operations?meter=${encodeURIComponent(found.meter.serial)}`)}>
              {t("menu.operations")}
            </Button>
          )}
        </>
      }
    >
      <Descriptions size="small" column={2}>
        <Descriptions.Item label={t("vend.customer")}>
          {customer ? `${customer.code} · ${customer.name}` : t("common.none")}
        </Descriptions.Item>
        <Descriptions.Item label={t("customers.status")}>
          <StatusTag value={customer?.status} />
        </Descriptions.Item>
        <Descriptions.Item label={t("vend.meter")}>{meter.serial}</Descriptions.Item>
        <Descriptions.Item label={t("vend.meterState")}>
          <StatusTag value={meter.state} />
        </Descriptions.Item>
        <Descriptions.Item label={t("vend.contract")}>
          <StatusTag value={contract?.status} />
        </Descriptions.Item>
        <Descriptions.Item label={t("vend.payType")}>
          <StatusTag value={contract?.pay_type} />
        </Descriptions.Item>
        <Descriptions.Item label={t("vend.tariff")}>{tariff || t("common.none")}</Descriptions.Item>
        <Descriptions.Item label={t("vend.debt")}>
          {contract ? formatMoney(contract.debt, money, language) : t("common.none")}
        </Descriptions.Item>
        {customer?.phone && <Descriptions.Item label={t("customers.phone")}>{customer.phone}</Descriptions.Item>}
      </Descriptions>
      {!contract && <Alert type="error" showIcon title={t("vend.noContract")} />}
    </Card>
  );
}

// One customer: details, meters (contracts) with each meter's purchases, and the account's history.

import { Alert, Button, Card, Descriptions, Space, Table, Tag, Typography, message } from "antd";
import { useEffect, useState } from "react";
import { useNavigate, useParams } from "react-router-dom";

import type { Page } from "../api/client";
import { useApp } from "../app/AppContext";
import { useAsync } from "../app/useAsync";
import { NoAccess } from "../console/NoAccess";
import { formatMoney } from "../lib/money";
import { can } from "../lib/permissions";
import { stateLabel } from "../lib/stateLabel";
import { customerWithContracts } from "../vending/findMeter";
import { PurchasesTable } from "../vending/PurchasesTable";
import { lastPurchases, type Contract } from "../vending/vendingApi";
import { MeterCreditCard } from "./MeterCreditCard";
import { ReplaceMeterModal } from "./ReplaceMeterModal";

type OperationRecord = Record<string, unknown>;

export function CustomerDetailPage() {
  const { code = "" } = useParams();
  const { client, granted, t, money, language, time } = useApp();
  const navigate = useNavigate();
  const [changes, setChanges] = useState(0);
  const [replacing, setReplacing] = useState<string | null>(null);
  const customer = useAsync(() => customerWithContracts(client, code), [client, code, changes]);
  const [serial, setSerial] = useState<string | null>(null);
  useEffect(() => {
    const contracts = customer.data?.contracts ?? [];
    // A reload (after a change) keeps the meter the operator was looking at.
    setSerial((shown) => (contracts.some((contract) => contract.serial === shown) ? shown : (contracts[0]?.serial ?? null)));
  }, [customer.data]);
  const purchases = useAsync(async () => (serial && can(granted, "vending", "view") ? (await lastPurchases(client, serial, 20)).items : []), [client, serial, granted]);
  const operations = useAsync(
    async () => (await client.get<Page<OperationRecord>>(`/v1/customers/${encodeURIComponent(code)}/operations`, { limit: 20 })).items,
    [client, code],
  );

  if (!can(granted, "customers", "view")) return <NoAccess />;
  if (customer.error) return <Alert type="error" showIcon title={customer.error.message} />;
  const found = customer.data;
  const selected = found?.contracts.find((contract) => contract.serial === serial) ?? null;
  return (
    <>
      <Typography.Title level={3} data-testid="page-title">
        {t("customers.detail", { code })}
      </Typography.Title>
      {found && (
        <Card size="small" data-testid="customer-detail">
          <Descriptions size="small" column={3}>
            <Descriptions.Item label={t("customers.name")}>{found.name}</Descriptions.Item>
            <Descriptions.Item label={t("customers.status")}>
              <Tag color={found.status === "active" ? "green" : "red"}>{stateLabel(found.status, t)}</Tag>
            </Descriptions.Item>
            <Descriptions.Item label={t("customers.phone")}>{found.phone || t("common.none")}</Descriptions.Item>
            <Descriptions.Item label={t("customers.address")}>{found.address || t("common.none")}</Descriptions.Item>
            <Descriptions.Item label={t("customers.idNumber")}>{String(found.id_number || t("common.none"))}</Descriptions.Item>
            <Descriptions.Item label={t("customers.email")}>{String(found.email || t("common.none"))}</Descriptions.Item>
          </Descriptions>
        </Card>
      )}
      <Card size="small" title={t("customers.meters")} style={{ marginTop: 16 }}>
        <Table<Contract>
          rowKey="serial"
          size="small"
          pagination={false}
          loading={customer.loading}
          dataSource={found?.contracts ?? []}
          data-testid="contracts-table"
          rowClassName={(contract) => (contract.serial === serial ? "row-selected" : "")}
          onRow={(contract) => ({ onClick: () => setSerial(contract.serial), style: { cursor: "pointer" } })}
          columns={[
            { title: t("customers.serial"), dataIndex: "serial" },
            { title: t("vend.contract"), dataIndex: "status", render: (value: string) => <Tag color={value === "active" ? "green" : "default"}>{stateLabel(value, t)}</Tag> },
            { title: t("customers.payType"), dataIndex: "pay_type", render: (value: string) => stateLabel(value, t) },
            { title: t("vend.debt"), dataIndex: "debt", render: (value: string) => formatMoney(value, money, language) },
            { title: t("vend.time"), dataIndex: "start_date" },
            {
              title: t("common.actions"),
              key: "sell",
              render: (_, contract) =>
                contract.status === "active" ? (
                  <Space size={0}>
                    {can(granted, "vending", "view") && (
                      <Button size="small" type="link" onClick={() => navigate(`/vending?meter=${encodeURIComponent(contract.serial)}`)} data-testid={`sell-${contract.serial}`}>
                        {t("customers.sell")}
                      </Button>
                    )}
                    {can(granted, "contracts", "replace") && (
                      <Button size="small" type="link" onClick={() => setReplacing(contract.serial)} data-testid={`replace-${contract.serial}`}>
                        {t("customers.replace")}
                      </Button>
                    )}
                  </Space>
                ) : null,
            },
          ]}
        />
      </Card>
      {serial && (
        <Card size="small" title={t("customers.purchases", { serial })} style={{ marginTop: 16 }}>
          <PurchasesTable purchases={purchases.data ?? []} loading={purchases.loading} />
        </Card>
      )}
      {selected && can(granted, "vending", "view") && (
        <MeterCreditCard key={selected.serial} contract={selected} onChanged={() => setChanges((count) => count + 1)} />
      )}
      <Card size="small" title={t("customers.operations")} style={{ marginTop: 16 }}>
        <Table<OperationRecord>
          rowKey={(record) => String(record.id)}
          size="small"
          pagination={false}
          loading={operations.loading}
          dataSource={operations.data ?? []}
          columns={[
            { title: t("vend.time"), key: "at", render: (_, record) => time(record.at) },
            { title: t("eng.kind"), key: "type", render: (_, record) => String(record.type ?? "") },
            { title: t("vend.billNumber"), key: "number", render: (_, record) => String(record.number ?? "") },
            { title: t("vend.operator"), key: "by", render: (_, record) => String(record.by ?? "") },
          ]}
        />
      </Card>
      <Space style={{ marginTop: 12 }}>
        <Button onClick={() => navigate("/customers")}>{t("installer.back")}</Button>
      </Space>
      {replacing && (
        <ReplaceMeterModal
          serial={replacing}
          onClose={() => setReplacing(null)}
          onDone={(newSerial) => {
            void message.success(t("customers.replaced", { old: replacing, new: newSerial }));
            setReplacing(null);
            setChanges((count) => count + 1);
          }}
        />
      )}
    </>
  );
}

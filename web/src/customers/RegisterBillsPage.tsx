// Register bills (GET /v1/register-bills): drafts waiting for a checker, and checked ones; a checker
// checks (the customer and contracts take effect) or unchecks, the maker deletes a draft.

import { Button, Popconfirm, Segmented, Space, Table, Tag, Typography, message } from "antd";
import { useState } from "react";

import type { Page } from "../api/client";
import { useApp } from "../app/AppContext";
import { useAsync } from "../app/useAsync";
import { NoAccess } from "../console/NoAccess";
import { formatMoney } from "../lib/money";
import { can } from "../lib/permissions";
import { stateLabel } from "../lib/stateLabel";

interface RegisterBill {
  id: string;
  number: string;
  status: string;
  customer: { code?: string; name?: string };
  contracts: { serial: string }[];
  due: string;
  created_by: string;
  created_at: string;
}

export function RegisterBillsPage() {
  const { client, granted, t, money, language } = useApp();
  const [status, setStatus] = useState<"draft" | "checked">("draft");
  const [changes, setChanges] = useState(0);
  const bills = useAsync(() => client.get<Page<RegisterBill>>("/v1/register-bills", { status, limit: 50 }), [client, status, changes]);

  if (!can(granted, "register-bills", "view")) return <NoAccess />;

  async function act(bill: RegisterBill, action: "check" | "uncheck" | "delete") {
    try {
      if (action === "delete") await client.delete(`/v1/register-bills/${encodeURIComponent(bill.id)}`);
      else await client.post(`/v1/register-bills/${encodeURIComponent(bill.id)}/${action}`, {});
      if (action === "check") void message.success(t("bills.checked", { number: bill.number }));
      setChanges((count) => count + 1);
    } catch (error) {
      void message.error((error as Error).message);
    }
  }

  return (
    <>
      <Typography.Title level={3} data-testid="page-title">
        {t("bills.title")}
      </Typography.Title>
      <Segmented
        value={status}
        onChange={(value) => setStatus(value as "draft" | "checked")}
        options={["draft", "checked"].map((value) => ({ value, label: stateLabel(value, t) }))}
        style={{ marginBottom: 12 }}
      />
      <Table<RegisterBill>
        rowKey="id"
        size="small"
        pagination={false}
        loading={bills.loading}
        dataSource={bills.data?.items ?? []}
        data-testid="bills-table"
        columns={[
          { title: t("bills.number"), dataIndex: "number" },
          { title: t("vend.customer"), key: "customer", render: (_, bill) => `${bill.customer.code ?? ""} · ${bill.customer.name ?? ""}` },
          { title: t("customers.meters"), key: "meters", render: (_, bill) => bill.contracts.map((contract) => contract.serial).join(", ") },
          { title: t("bills.due"), dataIndex: "due", render: (value: string) => formatMoney(value, money, language) },
          { title: t("bills.status"), dataIndex: "status", render: (value: string) => <Tag color={value === "checked" ? "green" : "gold"}>{stateLabel(value, t)}</Tag> },
          { title: t("bills.createdBy"), dataIndex: "created_by" },
          {
            title: t("common.actions"),
            key: "actions",
            render: (_, bill) => (
              <Space size={0}>
                {bill.status === "draft" && can(granted, "bills", "check") && (
                  <Button size="small" type="link" onClick={() => void act(bill, "check")} data-testid={`check-${bill.number}`}>
                    {t("bills.check")}
                  </Button>
                )}
                {bill.status === "checked" && can(granted, "bills", "uncheck") && (
                  <Button size="small" type="link" onClick={() => void act(bill, "uncheck")}>
                    {t("bills.uncheck")}
                  </Button>
                )}
                {bill.status === "draft" && can(granted, "register-bills", "delete") && (
                  <Popconfirm title={t("common.confirmDelete", { name: bill.number })} onConfirm={() => void act(bill, "delete")}>
                    <Button size="small" type="link" danger>
                      {t("common.delete")}
                    </Button>
                  </Popconfirm>
                )}
              </Space>
            ),
          },
        ]}
      />
    </>
  );
}

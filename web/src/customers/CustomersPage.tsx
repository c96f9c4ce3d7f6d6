// Customers (GET /v1/customers): search by name, code or phone prefix, or by a meter's serial; cursor
// paging; registration and each customer's page.

import { Button, Input, Select, Space, Table, Tag, Typography } from "antd";
import { useEffect, useState } from "react";
import { useNavigate } from "react-router-dom";

import type { Page } from "../api/client";
import { useApp } from "../app/AppContext";
import { useAsync } from "../app/useAsync";
import { NoAccess } from "../console/NoAccess";
import type { MessageKey } from "../i18n/translate";
import { currentCursor, firstPage, hasNext, hasPrevious, nextPage, previousPage, withNextCursor } from "../lib/cursorPager";
import { can } from "../lib/permissions";
import { stateLabel } from "../lib/stateLabel";
import type { Customer } from "../vending/vendingApi";

const SEARCH_FIELDS = ["name", "code", "phone", "serial"] as const;

export function CustomersPage() {
  const { client, granted, t } = useApp();
  const navigate = useNavigate();
  const [field, setField] = useState<(typeof SEARCH_FIELDS)[number]>("name");
  const [text, setText] = useState("");
  const [pager, setPager] = useState(firstPage);
  const cursor = currentCursor(pager);
  useEffect(() => setPager(firstPage), [field, text]);
  const page = useAsync(
    () => client.get<Page<Customer>>("/v1/customers", { [field]: text || undefined, limit: 20, cursor }),
    [client, field, text, cursor],
  );
  useEffect(() => {
    if (page.data) setPager((current) => withNextCursor(current, page.data?.next_cursor ?? null));
  }, [page.data]);

  if (!can(granted, "customers", "view")) return <NoAccess />;
  return (
    <>
      <Typography.Title level={3} data-testid="page-title">
        {t("menu.customers")}
      </Typography.Title>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          value={field}
          onChange={setField}
          style={{ width: 200 }}
          aria-label={t("customers.search")}
          options={SEARCH_FIELDS.map((name) => ({ value: name, label: t(`customers.by.${name}` as MessageKey) }))}
        />
        <Input.Search allowClear enterButton placeholder={t("common.search")} onSearch={(value) => setText(value.trim())} style={{ width: 280 }} data-testid="customer-search" />
        {can(granted, "register-bills", "create") && (
          <Button type="primary" onClick={() => navigate("/customers/new")} data-testid="register-customer">
            {t("customers.register")}
          </Button>
        )}
        {can(granted, "register-bills", "view") && (
          <Button onClick={() => navigate("/customers/bills")} data-testid="register-bills">
            {t("bills.title")}
          </Button>
        )}
      </Space>
      {page.error && <Typography.Text type="danger">{page.error.message}</Typography.Text>}
      <Table<Customer>
        rowKey="code"
        size="small"
        loading={page.loading}
        dataSource={page.data?.items ?? []}
        pagination={false}
        data-testid="customers-table"
        onRow={(customer) => ({ onClick: () => navigate(`/customers/${encodeURIComponent(customer.code)}`), style: { cursor: "pointer" } })}
        columns={[
          { title: t("customers.code"), dataIndex: "code" },
          { title: t("customers.name"), dataIndex: "name" },
          { title: t("customers.phone"), dataIndex: "phone" },
          { title: t("customers.address"), dataIndex: "address" },
          { title: t("customers.status"), dataIndex: "status", render: (value: string) => <Tag color={value === "active" ? "green" : "red"}>{stateLabel(value, t)}</Tag> },
        ]}
      />
      <Space style={{ marginTop: 12 }}>
        <Button disabled={!hasPrevious(pager)} onClick={() => setPager(previousPage)}>
          {t("common.previous")}
        </Button>
        <span>{t("common.page", { page: pager.page + 1 })}</span>
        <Button disabled={!hasNext(pager)} onClick={() => setPager(nextPage)}>
          {t("common.next")}
        </Button>
      </Space>
    </>
  );
}

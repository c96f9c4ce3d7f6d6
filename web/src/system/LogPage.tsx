// A month of a log (audit trail, login attempts): cursor paging and CSV export.

import { Button, Input, Space, Table, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useEffect, useState } from "react";

import { allPages, type Page } from "../api/client";
import { useApp } from "../app/AppContext";
import { useAsync } from "../app/useAsync";
import { NoAccess } from "../console/NoAccess";
import type { MessageKey } from "../i18n/translate";
import { downloadCsv, toCsv } from "../lib/csv";
import { currentCursor, firstPage, hasNext, hasPrevious, nextPage, previousPage, withNextCursor } from "../lib/cursorPager";
import { can } from "../lib/permissions";

export type LogEntry = Record<string, unknown>;

interface Props {
  titleKey: MessageKey;
  path: string;
  module: string;
  columns: ColumnsType<LogEntry> & { dataIndex?: string }[];
  csvFields: string[];
}

export function LogPage({ titleKey, path, module, columns, csvFields }: Props) {
  const { client, granted, t } = useApp();
  const [month, setMonth] = useState(() => new Date().toISOString().slice(0, 7));
  const [pager, setPager] = useState(firstPage);
  const cursor = currentCursor(pager);
  useEffect(() => setPager(firstPage), [month]);
  const page = useAsync(() => client.get<Page<LogEntry>>(path, { month, limit: 50, cursor }), [client, path, month, cursor]);
  useEffect(() => {
    if (page.data) setPager((current) => withNextCursor(current, page.data?.next_cursor ?? null));
  }, [page.data]);

  if (!can(granted, module, "view")) return <NoAccess />;

  async function exportCsv() {
    const { items } = await allPages<LogEntry>(client, path, { month });
    downloadCsv(
      `${module}-${month}.csv`,
      toCsv(csvFields.map((field) => ({ title: field, value: (row: LogEntry) => row[field] })), items),
    );
  }

  return (
    <>
      <Typography.Title level={3} data-testid="page-title">
        {t(titleKey)}
      </Typography.Title>
      <Space wrap style={{ marginBottom: 12 }}>
        <span>{t("common.month")}</span>
        <Input type="month" value={month} onChange={(event) => event.target.value && setMonth(event.target.value)} style={{ width: 180 }} />
        {can(granted, module, "export") && <Button onClick={exportCsv}>{t("common.exportCsv")}</Button>}
      </Space>
      <Table<LogEntry>
        rowKey={(entry) => `${String(entry.at)}-${String(entry.entity_id ?? entry.username)}-${String(entry.action ?? entry.reason)}`}
        size="small"
        loading={page.loading}
        dataSource={page.data?.items ?? []}
        columns={columns}
        pagination={false}
        data-testid="log-table"
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

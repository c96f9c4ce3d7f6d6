// A kind's records: search (contains / name prefix / exact code), cursor paging, CSV export.

import { Button, Input, Popconfirm, Select, Space, Table, Tag } from "antd";
import { useEffect, useMemo, useState } from "react";

import { allPages, type Page } from "../api/client";
import { useApp } from "../app/AppContext";
import { useAsync } from "../app/useAsync";
import { fieldLabel } from "../i18n/labels";
import { downloadCsv, toCsv } from "../lib/csv";
import { currentCursor, firstPage, hasNext, hasPrevious, nextPage, previousPage, withNextCursor } from "../lib/cursorPager";
import { archiveModule, can } from "../lib/permissions";
import { columnFields, type FieldSpec } from "../lib/schemaFields";
import { referencedRecords, type RecordSummary } from "./referenceCache";
import type { KindModel } from "./useKindFields";

export type ArchiveRecord = Record<string, unknown> & { id: string; code: string; name: string };

const PAGE_SIZE = 20;
type Match = "fuzzy" | "prefix" | "exact";

function useReferenceNames(fields: FieldSpec[]): Map<string, string> {
  const { client } = useApp();
  const kinds = [...new Set(fields.map((field) => field.referenceKind).filter(Boolean))] as string[];
  const loaded = useAsync(
    async () => (await Promise.all(kinds.map((kind) => referencedRecords(client, kind)))).flat(),
    [client, kinds.join(",")],
  );
  return useMemo(
    () => new Map((loaded.data ?? []).map((record: RecordSummary) => [record.id, record.code])),
    [loaded.data],
  );
}

function shownValue(field: FieldSpec, value: unknown, names: Map<string, string>, yes: string, no: string): string {
  if (value === null || value === undefined) return "";
  if (field.kind === "boolean") return value ? yes : no;
  if (field.kind === "reference") return names.get(String(value)) ?? String(value);
  if (Array.isArray(value)) return value.map((item) => names.get(String(item)) ?? JSON.stringify(item)).join(", ");
  return String(value);
}

interface Props {
  model: KindModel;
  refreshKey: number;
  onEdit: (record: ArchiveRecord) => void;
  onDelete: (record: ArchiveRecord) => Promise<void>;
}

export function ArchiveTable({ model, refreshKey, onEdit, onDelete }: Props) {
  const { client, granted, language, t } = useApp();
  const [search, setSearch] = useState("");
  const [match, setMatch] = useState<Match>("fuzzy");
  const [pager, setPager] = useState(firstPage);
  const [exporting, setExporting] = useState(false);
  const module = archiveModule(model.kind);
  const cursor = currentCursor(pager);

  useEffect(() => setPager(firstPage), [model.kind, search, match, refreshKey]);

  const page = useAsync(
    () =>
      client.get<Page<ArchiveRecord>>(`/v1/archives/${model.kind}`, {
        q: search,
        match: search ? match : undefined,
        limit: PAGE_SIZE,
        cursor,
      }),
    [client, model.kind, search, match, cursor, refreshKey],
  );
  useEffect(() => {
    if (page.data) setPager((current) => withNextCursor(current, page.data?.next_cursor ?? null));
  }, [page.data]);

  const shownFields = columnFields(model.fields);
  const names = useReferenceNames(shownFields);
  const yes = t("common.yes");
  const no = t("common.no");

  async function exportCsv() {
    setExporting(true);
    try {
      const { items } = await allPages<ArchiveRecord>(client, `/v1/archives/${model.kind}`, {
        q: search,
        match: search ? match : undefined,
      });
      const scalar = model.fields.filter((field) => field.kind !== "object-list");
      const columns = [
        { title: "id", value: (row: ArchiveRecord) => row.id },
        ...scalar.map((field) => ({
          title: field.name,
          value: (row: ArchiveRecord) => shownValue(field, row[field.name], names, yes, no),
        })),
      ];
      downloadCsv(`${model.kind}.csv`, toCsv(columns, items));
    } finally {
      setExporting(false);
    }
  }

  const columns = [
    ...shownFields.map((field) => ({
      title: fieldLabel(field.name, language),
      dataIndex: field.name,
      key: field.name,
      render: (value: unknown) =>
        field.kind === "enum" && value ? <Tag>{String(value)}</Tag> : shownValue(field, value, names, yes, no),
    })),
    {
      title: t("common.actions"),
      key: "actions",
      width: 160,
      render: (_: unknown, record: ArchiveRecord) => (
        <Space>
          {can(granted, module, "update") && (
            <Button size="small" onClick={() => onEdit(record)} data-testid={`edit-${record.code}`}>
              {t("common.edit")}
            </Button>
          )}
          {can(granted, module, "delete") && (
            <Popconfirm title={t("common.confirmDelete", { name: record.code })} onConfirm={() => onDelete(record)}>
              <Button size="small" danger>
                {t("common.delete")}
              </Button>
            </Popconfirm>
          )}
        </Space>
      ),
    },
  ];

  return (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select<Match>
          value={match}
          onChange={setMatch}
          style={{ width: 170 }}
          data-testid="match-mode"
          options={(["fuzzy", "prefix", "exact"] as Match[]).map((mode) => ({ value: mode, label: t(`match.${mode}`) }))}
        />
        <Input.Search
          allowClear
          placeholder={t("common.search")}
          enterButton={t("common.search")}
          onSearch={(text) => setSearch(text.trim())}
          style={{ width: 320 }}
          data-testid="archive-search"
        />
        {can(granted, module, "export") && (
          <Button onClick={exportCsv} loading={exporting} data-testid="export-csv">
            {t("common.exportCsv")}
          </Button>
        )}
      </Space>
      <Table<ArchiveRecord>
        rowKey="id"
        size="middle"
        loading={page.loading}
        dataSource={page.data?.items ?? []}
        columns={columns}
        pagination={false}
        data-testid="archive-table"
      />
      <Space style={{ marginTop: 12 }}>
        <Button disabled={!hasPrevious(pager)} onClick={() => setPager(previousPage)}>
          {t("common.previous")}
        </Button>
        <span>{t("common.page", { page: pager.page + 1 })}</span>
        <Button disabled={!hasNext(pager)} onClick={() => setPager(nextPage)} data-testid="next-page">
          {t("common.next")}
        </Button>
      </Space>
    </>
  );
}

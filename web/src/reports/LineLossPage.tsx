// Line loss over one topology: the tree with each node's supplied, downstream and lost energy coloured by
// its loss rate, the same figures as a table, the energy statistics, and their export.

import { Alert, Button, Card, Dropdown, Empty, Form, Input, Select, Space, Table, Tabs, Tag, Tree, Typography, message } from "antd";
import type { TreeDataNode } from "antd";
import { useState } from "react";

import type { Page } from "../api/client";
import { useApp } from "../app/AppContext";
import { useAsync } from "../app/useAsync";
import { NoAccess } from "../console/NoAccess";
import { tenantToday } from "../lib/dates";
import { downloadFile, type EncodedFile } from "../lib/files";
import { formatNumber } from "../lib/money";
import { can } from "../lib/permissions";
import {
  BAND_COLOURS,
  LEVELS,
  currentPeriod,
  highLossNodes,
  isPeriod,
  lossBand,
  lossQuery,
  nodeIds,
  type EnergyKind,
  type LossNode,
  type LossSelection,
  type LossTree,
  type PeriodKind,
} from "./lineLoss";
import type { ReportAnswer, ReportRow } from "./reportData";

type Shown = { tree: LossTree; table: ReportAnswer; energy: ReportAnswer };
const EXPORT_FORMATS = ["csv", "xlsx", "pdf"];

export function LineLossPage() {
  const { client, granted, t, language, me } = useApp();
  const today = tenantToday(me?.settings?.timezone);
  const [periodKind, setPeriodKind] = useState<PeriodKind>("month");
  const [selection, setSelection] = useState<LossSelection>({ topology: "", periodKind: "month", period: currentPeriod("month", today), levels: [], energy: "forward" });
  const [shown, setShown] = useState<Shown | null>(null);
  const [failure, setFailure] = useState("");
  const [running, setRunning] = useState(false);
  const topologies = useAsync(
    async () => (await client.get<Page<{ id: string; code: string; name: string }>>("/v1/archives/topologies", { limit: 200 })).items,
    [client],
  );
  if (!can(granted, "reports", "view")) return <NoAccess />;

  const kwh = (value: string | null | undefined) => (value === null || value === undefined ? "" : formatNumber(value, language, 3));
  const rateTag = (rate: string | null) => (
    <Tag color={BAND_COLOURS[lossBand(rate)]} data-band={lossBand(rate)}>
      {rate === null ? t("loss.noSupply") : `${formatNumber(rate, language, 2)} %`}
    </Tag>
  );

  async function run() {
    if (!selection.topology || !isPeriod(selection.periodKind, selection.period)) {
      setFailure(t("loss.pick"));
      return;
    }
    setRunning(true);
    setFailure("");
    try {
      const query = lossQuery(selection);
      const [tree, table, energy] = await Promise.all([
        client.get<LossTree>("/v1/line-loss/tree", query),
        client.get<ReportAnswer>("/v1/line-loss", query),
        client.get<ReportAnswer>("/v1/energy-statistics", query),
      ]);
      setShown({ tree, table, energy });
    } catch (error) {
      setShown(null);
      setFailure((error as Error).message);
    } finally {
      setRunning(false);
    }
  }

  async function exportAs(path: string, name: string, format: string) {
    try {
      const file = await client.get<EncodedFile>(path, lossQuery(selection, format));
      downloadFile(file, `${name}.${format}`);
      void message.success(t("reports.exported", { name: file.filename ?? `${name}.${format}` }));
    } catch (error) {
      setFailure((error as Error).message);
    }
  }

  function treeNodes(nodes: LossNode[]): TreeDataNode[] {
    return nodes.map((node) => ({
      key: node.id,
      title: (
        <Space size={6} wrap data-testid={`loss-node-${node.code}`}>
          <strong>{node.code}</strong>
          <span>{node.name}</span>
          <Tag>{node.level}</Tag>
          <span>
            {t("loss.supplied")} {kwh(node.supplied_kwh)} · {t("loss.downstream")} {kwh(node.downstream_kwh)} · {t("loss.loss")} {kwh(node.loss_kwh)} kWh
          </span>
          {rateTag(node.loss_rate)}
          <Typography.Text type="secondary">{t("loss.meters", { count: node.meters })}</Typography.Text>
        </Space>
      ),
      children: treeNodes(node.children),
    }));
  }

  const canExport = can(granted, "reports", "export");
  const exportButton = (path: string, name: string, testId: string) =>
    canExport && (
      <Dropdown menu={{ items: EXPORT_FORMATS.map((format) => ({ key: format, label: format.toUpperCase() })), onClick: ({ key }) => void exportAs(path, name, key) }}>
        <Button size="small" data-testid={testId}>{t("reports.export")}</Button>
      </Dropdown>
    );
  const reportTable = (report: ReportAnswer, testId: string) => (
    <Table<ReportRow>
      size="small"
      rowKey={(row) => String(row.code)}
      dataSource={report.rows}
      pagination={{ pageSize: 50, hideOnSinglePage: true }}
      scroll={{ x: "max-content" }}
      data-testid={testId}
      columns={report.columns.map((column) => ({
        title: column.title,
        dataIndex: column.key,
        align: column.kind === "text" ? "left" : "right",
        render: (value: string | number | null) =>
          column.key === "loss_rate" ? rateTag(value === null ? null : String(value)) : column.kind === "energy" ? kwh(value === null ? null : String(value)) : String(value ?? ""),
      }))}
    />
  );
  const high = shown ? highLossNodes(shown.tree.roots) : [];

  return (
    <>
      <Typography.Title level={3} data-testid="page-title">
        {t("menu.lineLoss")}
      </Typography.Title>
      <Card size="small">
        <Form layout="inline" onFinish={() => void run()} style={{ rowGap: 8 }}>
          <Form.Item label={t("loss.topology")}>
            <Select
              style={{ width: 240 }}
              value={selection.topology || undefined}
              loading={topologies.loading}
              onChange={(topology: string) => setSelection({ ...selection, topology })}
              options={(topologies.data ?? []).map((record) => ({ value: record.id, label: `${record.code} · ${record.name}` }))}
              data-testid="loss-topology"
            />
          </Form.Item>
          <Form.Item label={t("loss.period")}>
            <Space.Compact>
              <Select
                style={{ width: 120 }}
                value={periodKind}
                onChange={(kind: PeriodKind) => {
                  setPeriodKind(kind);
                  setSelection({ ...selection, periodKind: kind, period: currentPeriod(kind, today) });
                }}
                options={(["month", "season", "year"] as const).map((kind) => ({ value: kind, label: t(`loss.${kind}`) }))}
                data-testid="loss-period-kind"
              />
              <Input
                style={{ width: 120 }}
                value={selection.period}
                status={isPeriod(selection.periodKind, selection.period) ? undefined : "error"}
                onChange={(event) => setSelection({ ...selection, period: event.target.value })}
                placeholder={periodKind === "month" ? "YYYY-MM" : periodKind === "season" ? "YYYY-Qn" : "YYYY"}
                id="loss-period"
              />
            </Space.Compact>
          </Form.Item>
          <Form.Item label={t("loss.level")}>
            <Select
              mode="multiple"
              allowClear
              style={{ minWidth: 180 }}
              value={selection.levels}
              onChange={(levels: string[]) => setSelection({ ...selection, levels })}
              options={LEVELS.map((level) => ({ value: level, label: level }))}
              placeholder={t("loss.allLevels")}
            />
          </Form.Item>
          <Form.Item label={t("loss.energy")}>
            <Select
              style={{ width: 140 }}
              value={selection.energy}
              onChange={(energy: EnergyKind) => setSelection({ ...selection, energy })}
              options={(["forward", "reverse", "combined"] as const).map((kind) => ({ value: kind, label: t(`loss.${kind}`) }))}
            />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={running} data-testid="loss-run">
            {t("reports.run")}
          </Button>
        </Form>
      </Card>
      {failure && <Alert type="error" showIcon title={failure} style={{ marginTop: 12 }} data-testid="loss-error" />}
      {shown && (
        <Card size="small" style={{ marginTop: 16 }} title={String(shown.tree.parameters.topology_name ?? "")} data-testid="loss-result">
          <Tabs
            items={[
              {
                key: "tree",
                label: t("loss.tree"),
                children:
                  shown.tree.roots.length === 0 ? (
                    <Empty description={t("loss.noNodes")} />
                  ) : (
                    <>
                      <Space wrap style={{ marginBottom: 8 }}>
                        {(["low", "moderate", "high", "negative", "none"] as const).map((band) => (
                          <Tag key={band} color={BAND_COLOURS[band]}>{t(`loss.band.${band}`)}</Tag>
                        ))}
                        {high.length > 0 && <Typography.Text type="danger">{t("loss.highCount", { count: high.length })}</Typography.Text>}
                      </Space>
                      <Tree treeData={treeNodes(shown.tree.roots)} defaultExpandedKeys={nodeIds(shown.tree.roots)} selectable={false} blockNode data-testid="loss-tree" />
                    </>
                  ),
              },
              {
                key: "table",
                label: t("reports.table"),
                children: (
                  <>
                    <Space style={{ marginBottom: 8 }}>{exportButton("/v1/line-loss", "line-loss", "loss-export")}</Space>
                    {reportTable(shown.table, "loss-table")}
                  </>
                ),
              },
              {
                key: "energy",
                label: t("loss.statistics"),
                children: (
                  <>
                    <Space style={{ marginBottom: 8 }}>{exportButton("/v1/energy-statistics", "energy-statistics", "energy-export")}</Space>
                    {reportTable(shown.energy, "energy-table")}
                  </>
                ),
              },
            ]}
          />
        </Card>
      )}
    </>
  );
}

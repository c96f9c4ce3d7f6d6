// Reports, rendered from the catalogue (GET /v1/reports): parameters, a table with totals, a chart, and
// export as CSV, XLSX or PDF (the API's file, downloaded by the browser).

import { Alert, Button, Card, Dropdown, Empty, Form, Select, Table, Tabs, Typography, message } from "antd";
import { useEffect, useState } from "react";
import { useSearchParams } from "react-router-dom";

import { useApp } from "../app/AppContext";
import { useAsync } from "../app/useAsync";
import { NoAccess } from "../console/NoAccess";
import { fieldLabel } from "../i18n/labels";
import { downloadFile, type EncodedFile } from "../lib/files";
import { formatMoney, formatNumber } from "../lib/money";
import { can } from "../lib/permissions";
import { ParameterField } from "./ParameterField";
import { ReportChart } from "./ReportChart";
import {
  catalogueOptions,
  exportFormats,
  formParameters,
  initialValues,
  isMainParameter,
  parameterQuery,
  type CatalogueEntry,
  type ParameterValues,
  type ReportAnswer,
  type ReportRow,
} from "./reportData";

export function ReportsPage() {
  const { client, granted, t, money, language } = useApp();
  const [params, setParams] = useSearchParams();
  const catalogue = useAsync(() => client.get<{ items: CatalogueEntry[] }>("/v1/reports"), [client]);
  const entries = catalogue.data?.items ?? [];
  const name = params.get("report") ?? entries[0]?.name ?? "";
  const entry = entries.find((candidate) => candidate.name === name);
  const [form] = Form.useForm<ParameterValues>();
  const parameters = formParameters(entry);
  const [answer, setAnswer] = useState<ReportAnswer | null>(null);
  const [failure, setFailure] = useState("");
  const [running, setRunning] = useState(false);
  const [moreFilters, setMoreFilters] = useState(false);

  useEffect(() => {
    setAnswer(null);
    form.resetFields();
    form.setFieldsValue(initialValues(formParameters(entry)));
  }, [entry, form]);

  if (!can(granted, "reports", "view")) return <NoAccess />;

  async function run() {
    setRunning(true);
    setFailure("");
    try {
      setAnswer(await client.get<ReportAnswer>(`/v1/reports/${encodeURIComponent(name)}`, parameterQuery(form.getFieldsValue())));
    } catch (error) {
      setFailure((error as Error).message);
    } finally {
      setRunning(false);
    }
  }

  async function exportAs(format: string) {
    try {
      const file = await client.get<EncodedFile>(`/v1/reports/${encodeURIComponent(name)}`, parameterQuery(form.getFieldsValue(), format));
      downloadFile(file, `${name}.${format}`);
      void message.success(t("reports.exported", { name: file.filename ?? `${name}.${format}` }));
    } catch (error) {
      setFailure((error as Error).message);
    }
  }

  const shown = (kind: string, value: unknown) => {
    if (value === null || value === undefined) return "";
    if (kind === "money") return formatMoney(value as string, money, language);
    if (kind === "energy") return formatNumber(value as string, language, 1);
    if (kind === "count") return formatNumber(value as number, language, 0);
    if (kind === "number") return formatNumber(value as string, language);
    if (kind === "percent") return `${formatNumber(value as string, language)} %`;
    if (kind === "flag") return value ? t("common.yes") : t("common.no");
    return String(value);
  };
  const canExport = can(granted, "reports", "export") || can(granted, "report-exports", name);

  return (
    <>
      <Typography.Title level={3} data-testid="page-title">
        {t("menu.reports")}
      </Typography.Title>
      {catalogue.error && <Alert type="error" showIcon title={catalogue.error.message} />}
      <Card size="small">
        <Form form={form} layout="inline" onFinish={() => void run()} style={{ rowGap: 8 }}>
          <Form.Item label={t("reports.choose")}>
            <Select
              value={name || undefined}
              onChange={(chosen: string) => setParams({ report: chosen })}
              style={{ width: 240 }}
              data-testid="report-choice"
              options={catalogueOptions(entries).map((group) => ({ ...group, label: group.label ? fieldLabel(group.label, language) : "" }))}
            />
          </Form.Item>
          {entry && parameters.filter((parameter) => moreFilters || isMainParameter(parameter)).map((parameter) => (
            <ParameterField key={parameter.name} parameter={parameter} />
          ))}
          {parameters.some((parameter) => !isMainParameter(parameter)) && (
            <Button type="link" onClick={() => setMoreFilters((shown) => !shown)} data-testid="report-more">
              {t("reports.more")}
            </Button>
          )}
          <Button type="primary" htmlType="submit" loading={running} disabled={!name} data-testid="report-run">
            {t("reports.run")}
          </Button>
          {canExport && (
            <Dropdown
              menu={{ items: exportFormats(entry).map((format) => ({ key: format, label: format.toUpperCase() })), onClick: ({ key }) => void exportAs(key) }}
            >
              <Button style={{ marginLeft: 8 }} data-testid="report-export">
                {t("reports.export")}
              </Button>
            </Dropdown>
          )}
        </Form>
      </Card>
      {failure && <Alert type="error" showIcon title={failure} style={{ marginTop: 12 }} data-testid="report-error" />}
      {answer && (
        <Card size="small" title={answer.title} style={{ marginTop: 16 }} data-testid="report-result">
          {answer.rows.length === 0 ? (
            <Empty description={t("reports.noRows")} />
          ) : (
            <Tabs
              items={[
                {
                  key: "table",
                  label: t("reports.table"),
                  children: (
                    <Table<ReportRow>
                      size="small"
                      rowKey={(row) => answer.columns.map((column) => String(row[column.key])).join("|")}
                      dataSource={answer.rows}
                      pagination={{ pageSize: 50, hideOnSinglePage: true }}
                      scroll={{ x: "max-content" }}
                      data-testid="report-table"
                      columns={answer.columns.map((column) => ({
                        title: column.title,
                        dataIndex: column.key,
                        align: column.kind === "text" ? "left" : "right",
                        render: (value: unknown) => shown(column.kind, value),
                      }))}
                      summary={() => (
                        <Table.Summary.Row>
                          {answer.columns.map((column, index) => (
                            <Table.Summary.Cell key={column.key} index={index} align={column.kind === "text" ? "left" : "right"}>
                              <strong>{index === 0 ? t("reports.totals") : shown(column.kind, answer.totals[column.key])}</strong>
                            </Table.Summary.Cell>
                          ))}
                        </Table.Summary.Row>
                      )}
                    />
                  ),
                },
                { key: "chart", label: t("reports.chart"), children: <ReportChart report={answer} /> },
              ]}
            />
          )}
        </Card>
      )}
    </>
  );
}

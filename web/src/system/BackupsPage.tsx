// Data out of the tenant: a backup of everything (a tenant admin; a job with its files), and billing
// exports (electricity usage over months with the columns of a billing template).

import { Alert, Button, Card, Form, Input, Select, Space, Typography } from "antd";
import { useState } from "react";

import type { Page } from "../api/client";
import { useApp } from "../app/AppContext";
import { useAsync } from "../app/useAsync";
import { NoAccess } from "../console/NoAccess";
import { tenantToday } from "../lib/dates";
import { can } from "../lib/permissions";
import { JobCard } from "./JobCard";
import { isMonth, type JobView } from "./jobs";

interface ExportForm {
  template_id?: string;
  from: string;
  to: string;
}

export function BackupsPage() {
  const { client, granted, t, me } = useApp();
  const thisMonth = tenantToday(me?.settings?.timezone).slice(0, 7);
  const [backup, setBackup] = useState<JobView | null>(null);
  const [billing, setBilling] = useState<JobView | null>(null);
  const [failure, setFailure] = useState("");
  const [busy, setBusy] = useState(false);
  const mayBackup = can(granted, "reports", "backup");
  const mayExport = can(granted, "reports", "export");
  const templates = useAsync(
    async () => (mayExport ? (await client.get<Page<{ id: string; code: string; name: string }>>("/v1/archives/billing-templates", { limit: 200 })).items : []),
    [client, mayExport],
  );
  if (!mayBackup && !mayExport) return <NoAccess />;

  async function attempt<T>(work: () => Promise<T>, done: (answer: T) => void) {
    setBusy(true);
    setFailure("");
    try {
      done(await work());
    } catch (error) {
      setFailure((error as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <Typography.Title level={3} data-testid="page-title">
        {t("menu.backups")}
      </Typography.Title>
      {failure && <Alert type="error" showIcon title={failure} style={{ marginBottom: 12 }} data-testid="backups-error" />}
      {mayBackup && (
        <Card size="small" title={t("backup.title")}>
          <Typography.Paragraph type="secondary">{t("backup.explain")}</Typography.Paragraph>
          <Button type="primary" loading={busy} onClick={() => void attempt(() => client.post<JobView>("/v1/backups", {}), setBackup)} data-testid="backup-start">
            {t("backup.start")}
          </Button>
          {backup && <JobCard key={backup.id} path={`/v1/backups/${encodeURIComponent(backup.id)}`} started={backup} title={t("backup.job")} testId="backup-job" />}
        </Card>
      )}
      {mayExport && (
        <Card size="small" title={t("billingExport.title")} style={{ marginTop: 16 }}>
          <Form<ExportForm>
            layout="inline"
            initialValues={{ from: thisMonth, to: thisMonth }}
            onFinish={(values) =>
              void attempt(() => client.post<JobView>("/v1/billing-exports", { template_id: values.template_id, from: values.from.trim(), to: values.to.trim() }), setBilling)
            }
            style={{ rowGap: 8 }}
          >
            <Form.Item name="template_id" label={t("billingExport.template")} rules={[{ required: true, message: t("billingExport.pickTemplate") }]}>
              <Select
                style={{ width: 240 }}
                loading={templates.loading}
                options={(templates.data ?? []).map((record) => ({ value: record.id, label: `${record.code} · ${record.name}` }))}
                data-testid="billing-template"
              />
            </Form.Item>
            <Form.Item name="from" label={t("billingExport.from")} rules={[{ validator: async (_, value: string) => { if (!isMonth(value ?? "")) throw new Error("YYYY-MM"); } }]}>
              <Input style={{ width: 110 }} placeholder="YYYY-MM" id="billing-from" />
            </Form.Item>
            <Form.Item name="to" label={t("billingExport.to")} rules={[{ validator: async (_, value: string) => { if (!isMonth(value ?? "")) throw new Error("YYYY-MM"); } }]}>
              <Input style={{ width: 110 }} placeholder="YYYY-MM" id="billing-to" />
            </Form.Item>
            <Space>
              <Button type="primary" htmlType="submit" loading={busy} data-testid="billing-export-start">
                {t("billingExport.start")}
              </Button>
            </Space>
          </Form>
          {billing && <JobCard key={billing.id} path={`/v1/report-exports/${encodeURIComponent(billing.id)}`} started={billing} title={t("billingExport.job")} testId="billing-job" />}
        </Card>
      )}
    </>
  );
}

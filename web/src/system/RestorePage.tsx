// The platform operator's restore: a tenant's backup copied into an empty tenant
// (POST /v1/platform/tenants/{tenant}/restore {source_tenant, backup_id}).

import { Alert, Button, Card, Descriptions, Form, Input, Select, Typography } from "antd";
import { useState } from "react";

import type { Page } from "../api/client";
import { useApp } from "../app/AppContext";
import { useAsync } from "../app/useAsync";
import { NoAccess } from "../console/NoAccess";
import { isPlatformOperator } from "./jobs";

interface RestoreForm {
  target: string;
  source_tenant: string;
  backup_id: string;
}

interface RestoreOutcome {
  tenant: string;
  source_tenant: string;
  backup: string;
  replaced_defaults: number;
  items: number;
  files: Record<string, number>;
}

export function RestorePage() {
  const { client, me, t } = useApp();
  const platform = isPlatformOperator(me);
  const tenants = useAsync(
    async () => (platform ? (await client.get<Page<{ id: string; name?: string }>>("/v1/platform/tenants", { limit: 200 })).items : []),
    [client, platform],
  );
  const [outcome, setOutcome] = useState<RestoreOutcome | null>(null);
  const [failure, setFailure] = useState("");
  const [busy, setBusy] = useState(false);
  if (!platform) return <NoAccess />;

  async function restore(values: RestoreForm) {
    setBusy(true);
    setFailure("");
    setOutcome(null);
    try {
      const body = { source_tenant: values.source_tenant.trim(), backup_id: values.backup_id.trim() };
      setOutcome(await client.post<RestoreOutcome>(`/v1/platform/tenants/${encodeURIComponent(values.target)}/restore`, body));
    } catch (error) {
      setFailure((error as Error).message);
    } finally {
      setBusy(false);
    }
  }

  const tenantOptions = (tenants.data ?? []).map((tenant) => ({ value: tenant.id, label: tenant.name ? `${tenant.id} · ${tenant.name}` : tenant.id }));
  return (
    <>
      <Typography.Title level={3} data-testid="page-title">
        {t("menu.restore")}
      </Typography.Title>
      <Card size="small">
        <Typography.Paragraph type="secondary">{t("restore.explain")}</Typography.Paragraph>
        <Form<RestoreForm> layout="vertical" onFinish={(values) => void restore(values)} style={{ maxWidth: 520 }}>
          <Form.Item name="target" label={t("restore.target")} rules={[{ required: true }]}>
            <Select showSearch options={tenantOptions} loading={tenants.loading} data-testid="restore-target" />
          </Form.Item>
          <Form.Item name="source_tenant" label={t("restore.source")} rules={[{ required: true }]}>
            <Input id="restore-source" />
          </Form.Item>
          <Form.Item name="backup_id" label={t("restore.backup")} rules={[{ required: true, pattern: /^[0-9a-f]{32}$/, message: t("restore.backupHint") }]}>
            <Input id="restore-backup" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy} data-testid="restore-submit">
            {t("restore.start")}
          </Button>
        </Form>
      </Card>
      {failure && <Alert type="error" showIcon title={failure} style={{ marginTop: 12 }} data-testid="restore-error" />}
      {outcome && (
        <Card size="small" title={t("restore.done", { tenant: outcome.tenant })} style={{ marginTop: 12 }} data-testid="restore-outcome">
          <Descriptions size="small" column={1} bordered>
            <Descriptions.Item label={t("jobs.items")}>{outcome.items}</Descriptions.Item>
            {Object.entries(outcome.files).map(([name, count]) => (
              <Descriptions.Item key={name} label={name}>
                {count}
              </Descriptions.Item>
            ))}
          </Descriptions>
        </Card>
      )}
    </>
  );
}

// Batch operations: sell from a CSV file, or issue one engineering token to many meters; each runs as a
// job followed live with a progress bar.

import { Alert, Button, Card, Form, Input, Select, Tabs, Typography, Upload } from "antd";
import { useState } from "react";

import { useApp } from "../app/AppContext";
import { NoAccess } from "../console/NoAccess";
import type { MessageKey } from "../i18n/translate";
import { can } from "../lib/permissions";
import { parseSerials } from "../operations/tasks";
import { ENGINEERING_KINDS } from "./EngineeringPage";
import { JobMonitor, type VendJob } from "./JobMonitor";

export function BatchPage() {
  const { client, granted, t } = useApp();
  const [jobId, setJobId] = useState<string | null>(null);
  const [failure, setFailure] = useState("");
  const [file, setFile] = useState<{ name: string; text: string } | null>(null);
  const [meters, setMeters] = useState("");
  const [kind, setKind] = useState<string>("clear-tamper");
  const [reason, setReason] = useState("");

  if (!can(granted, "vending", "view") && !can(granted, "engineering-tokens", "view")) return <NoAccess />;

  async function start(path: string, body: unknown) {
    setFailure("");
    try {
      setJobId((await client.post<VendJob>(path, body)).id);
    } catch (error) {
      setFailure((error as Error).message);
    }
  }

  const bulkVend = (
    <Form layout="vertical" onFinish={() => file && void start("/v1/bulk-vends", { file: file.text, file_name: file.name })}>
      <Typography.Paragraph type="secondary">{t("batch.fileHint")}</Typography.Paragraph>
      <Form.Item label={t("batch.file")}>
        <Upload
          accept=".csv,text/csv,text/plain"
          maxCount={1}
          beforeUpload={(chosen) => {
            void chosen.text().then((text) => setFile({ name: chosen.name, text }));
            return false;
          }}
          onRemove={() => setFile(null)}
        >
          <Button data-testid="bulk-file">{t("batch.file")}</Button>
        </Upload>
      </Form.Item>
      <Button type="primary" htmlType="submit" disabled={!file || !can(granted, "vending", "create")} data-testid="bulk-start">
        {t("batch.start")}
      </Button>
    </Form>
  );

  const allowedKinds = ENGINEERING_KINDS.filter((name) => name !== "test" && can(granted, "engineering-tokens", name));
  const engineering = (
    <Form layout="vertical" onFinish={() => void start("/v1/engineering-tokens", { kind, reason, meters: parseSerials(meters) })}>
      <Form.Item label={t("eng.kind")}>
        <Select value={kind} onChange={setKind} style={{ width: 260 }} options={allowedKinds.map((name) => ({ value: name, label: t(`eng.kind.${name}` as MessageKey) }))} />
      </Form.Item>
      <Form.Item label={t("ops.meters")}>
        <Input.TextArea rows={4} value={meters} onChange={(event) => setMeters(event.target.value)} data-testid="batch-meters" />
      </Form.Item>
      <Form.Item label={t("eng.reason")}>
        <Input value={reason} onChange={(event) => setReason(event.target.value)} maxLength={200} data-testid="batch-reason" />
      </Form.Item>
      <Button type="primary" htmlType="submit" disabled={!reason.trim() || parseSerials(meters).length === 0} data-testid="batch-engineering-start">
        {t("batch.start")}
      </Button>
    </Form>
  );

  return (
    <>
      <Typography.Title level={3} data-testid="page-title">
        {t("ops.batch")}
      </Typography.Title>
      <div style={{ display: "grid", gap: 16, gridTemplateColumns: "minmax(0, 1fr) minmax(0, 1.3fr)" }}>
        <Card size="small">
          <Tabs
            items={[
              ...(can(granted, "vending", "create") ? [{ key: "vend", label: t("batch.bulkVend"), children: bulkVend }] : []),
              ...(allowedKinds.length ? [{ key: "engineering", label: t("batch.engineering"), children: engineering }] : []),
            ]}
          />
          {failure && <Alert type="error" showIcon title={failure} style={{ marginTop: 12 }} data-testid="batch-error" />}
        </Card>
        <div>{jobId && <JobMonitor key={jobId} jobId={jobId} />}</div>
      </div>
    </>
  );
}

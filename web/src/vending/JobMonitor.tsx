// A vend job (bulk sale from a file, or engineering tokens for many meters), polled until it is done:
// a progress bar, counts, and each row's outcome.

import { Card, Progress, Table, Tag } from "antd";
import { useEffect, useState } from "react";

import type { Page } from "../api/client";
import { useApp } from "../app/AppContext";
import { groupToken } from "../lib/sale";
import { stateLabel } from "../lib/stateLabel";

export interface VendJob {
  id: string;
  kind: string;
  status: string;
  total_rows: number;
  done_rows: number;
  failed_rows: number;
  percent: number;
}

type RowResult = Record<string, unknown>;
const POLL_MS = 1500;

export function jobFinished(job: Pick<VendJob, "status">): boolean {
  return job.status === "done";
}

function outcome(row: RowResult): string {
  if (row.ok === false) return `${String(row.error ?? "")}: ${String(row.detail ?? "")}`;
  const tokens = Array.isArray(row.tokens) ? (row.tokens as string[]) : [];
  return [row.bill_number, tokens.map(groupToken).join(" / ")].filter(Boolean).join(" · ");
}

export function JobMonitor({ jobId }: { jobId: string }) {
  const { client, t } = useApp();
  const [job, setJob] = useState<VendJob | null>(null);
  const [rows, setRows] = useState<RowResult[]>([]);
  const [round, setRound] = useState(0);

  useEffect(() => {
    let current = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const path = `/v1/vend-jobs/${encodeURIComponent(jobId)}`;
    Promise.all([client.get<VendJob>(path), client.get<Page<RowResult>>(`${path}/rows`, { limit: 200 })])
      .then(([found, page]) => {
        if (!current) return;
        setJob(found);
        setRows(page.items);
        if (!jobFinished(found)) timer = setTimeout(() => setRound((value) => value + 1), POLL_MS);
      })
      .catch(() => current && (timer = setTimeout(() => setRound((value) => value + 1), POLL_MS * 2)));
    return () => {
      current = false;
      if (timer) clearTimeout(timer);
    };
  }, [client, jobId, round]);

  return (
    <Card
      size="small"
      title={`${t("batch.job")} ${jobId}`}
      extra={job && <Tag color={jobFinished(job) ? (job.failed_rows ? "orange" : "green") : "blue"} data-testid="job-status" data-status={job.status}>{stateLabel(job.status, t)}</Tag>}
      data-testid="job-monitor"
    >
      {job && (
        <>
          <Progress percent={job.percent} status={jobFinished(job) ? (job.failed_rows ? "exception" : "success") : "active"} />
          <div>
            {t("batch.rows")}: {job.total_rows} · {t("batch.done")}: <span data-testid="job-done">{job.done_rows}</span> · {t("batch.failed")}:{" "}
            {job.failed_rows}
          </div>
        </>
      )}
      <Table<RowResult>
        rowKey={(row) => rows.indexOf(row)}
        size="small"
        pagination={false}
        dataSource={rows}
        style={{ marginTop: 8 }}
        data-testid="job-rows"
        columns={[
          { title: t("batch.line"), key: "line", render: (_, row, index) => String(row.line ?? index + 1) },
          { title: t("vend.meter"), key: "meter", render: (_, row) => String(row.meter ?? "") },
          { title: t("batch.outcome"), key: "outcome", render: (_, row) => <span className="token-inline">{outcome(row)}</span> },
        ]}
      />
    </Card>
  );
}

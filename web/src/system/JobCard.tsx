// One long job, live: status, progress bar, counts and, once done, its download links.

import { Alert, Card, Descriptions, Progress, Space, Tag } from "antd";

import { useApp } from "../app/AppContext";
import { stateLabel } from "../lib/stateLabel";
import { downloadLinks, jobPercent, type JobView } from "./jobs";
import { usePolledJob } from "./usePolledJob";

const STATUS_COLOURS: Record<string, string> = { done: "green", failed: "red", running: "blue", queued: "default" };

export function JobCard({ path, started, title, testId }: { path: string; started: JobView; title: string; testId: string }) {
  const { client, t, time } = useApp();
  const { job, error } = usePolledJob(client, path, started);
  const shown = job ?? started;
  return (
    <Card
      size="small"
      title={title}
      style={{ marginTop: 12 }}
      extra={<Tag color={STATUS_COLOURS[shown.status] ?? "blue"} data-testid="job-status" data-status={shown.status}>{stateLabel(shown.status, t)}</Tag>}
      data-testid={testId}
    >
      {error && <Alert type="error" showIcon title={error} />}
      <Progress percent={jobPercent(shown)} status={shown.status === "failed" ? "exception" : shown.status === "done" ? "success" : "active"} data-testid="job-progress" />
      <Descriptions size="small" column={2}>
        <Descriptions.Item label={t("jobs.id")}>{shown.id}</Descriptions.Item>
        {shown.items !== undefined && <Descriptions.Item label={t("jobs.items")}>{shown.items}</Descriptions.Item>}
        {shown.created_at && <Descriptions.Item label={t("jobs.started")}>{time(shown.created_at)}</Descriptions.Item>}
        {shown.finished_at && <Descriptions.Item label={t("jobs.finished")}>{time(shown.finished_at)}</Descriptions.Item>}
      </Descriptions>
      {shown.status === "done" && (
        <Space wrap data-testid="job-downloads">
          {downloadLinks(shown).map(([name, url]) => (
            <a key={name} href={url} target="_blank" rel="noreferrer" download={name}>
              {name}
              {shown.files?.[name] !== undefined ? ` (${shown.files[name]})` : ""}
            </a>
          ))}
        </Space>
      )}
    </Card>
  );
}

// Meter operations: switch the relay or read now for one or many meters (a command task each time),
// follow the task live, and see recent tasks with their progress.

import { Alert, Button, Card, Input, Popconfirm, Progress, Space, Table, Typography, message } from "antd";
import { useState } from "react";
import { useSearchParams } from "react-router-dom";

import type { Page } from "../api/client";
import { useApp } from "../app/AppContext";
import { useAsync } from "../app/useAsync";
import { NoAccess } from "../console/NoAccess";
import { can } from "../lib/permissions";
import { TaskMonitor } from "./TaskMonitor";
import { commandBody, parseSerials, taskPercent, type COMMAND_KINDS, type Task } from "./tasks";

export function OperationsPage() {
  const { client, granted, t, time } = useApp();
  const [params] = useSearchParams();
  const [serialsText, setSerialsText] = useState(params.get("meter") ?? "");
  const [taskId, setTaskId] = useState<string | null>(params.get("task"));
  const [failure, setFailure] = useState("");
  const [changes, setChanges] = useState(0);
  const recent = useAsync(() => client.get<Page<Task>>("/v1/tasks", { limit: 20 }), [client, changes]);

  if (!can(granted, "commands", "view")) return <NoAccess />;
  const meters = parseSerials(serialsText);
  const mayCreate = can(granted, "commands", "create") && meters.length > 0;

  async function send(kind: keyof typeof COMMAND_KINDS) {
    setFailure("");
    try {
      const task = await client.post<Task>("/v1/commands", commandBody(kind, meters));
      setTaskId(task.task_id);
      setChanges((count) => count + 1);
      void message.success(t("ops.sent", { task: task.task_id }));
    } catch (error) {
      setFailure((error as Error).message);
    }
  }

  return (
    <>
      <Typography.Title level={3} data-testid="page-title">
        {t("menu.operations")}
      </Typography.Title>
      <div style={{ display: "grid", gap: 16, gridTemplateColumns: "minmax(0, 1fr) minmax(0, 1.4fr)" }}>
        <Card size="small">
          <Typography.Text>{t("ops.meters")}</Typography.Text>
          <Input.TextArea
            rows={4}
            value={serialsText}
            onChange={(event) => setSerialsText(event.target.value)}
            style={{ marginTop: 6, marginBottom: 12 }}
            data-testid="ops-meters"
          />
          <Space wrap>
            <Button type="primary" disabled={!mayCreate} onClick={() => void send("connect")} data-testid="relay-connect">
              {t("ops.relayConnect")}
            </Button>
            <Popconfirm title={t("ops.confirmDisconnect", { count: meters.length })} onConfirm={() => void send("disconnect")} disabled={!mayCreate}>
              <Button danger disabled={!mayCreate} data-testid="relay-disconnect">
                {t("ops.relayDisconnect")}
              </Button>
            </Popconfirm>
            <Button disabled={!mayCreate} onClick={() => void send("read")} data-testid="read-now">
              {t("ops.readNow")}
            </Button>
          </Space>
          {failure && <Alert type="error" showIcon title={failure} style={{ marginTop: 12 }} data-testid="ops-error" />}
        </Card>
        <div>{taskId && <TaskMonitor key={taskId} taskId={taskId} onChanged={() => setChanges((count) => count + 1)} />}</div>
      </div>
      <Card size="small" title={t("ops.recentTasks")} style={{ marginTop: 16 }} extra={<Button size="small" onClick={() => setChanges((count) => count + 1)}>{t("common.refresh")}</Button>}>
        <Table<Task>
          rowKey="task_id"
          size="small"
          pagination={false}
          loading={recent.loading}
          dataSource={recent.data?.items ?? []}
          data-testid="tasks-table"
          onRow={(task) => ({ onClick: () => setTaskId(task.task_id), style: { cursor: "pointer" } })}
          columns={[
            { title: t("vend.time"), dataIndex: "created_at", render: (value: string) => time(value) },
            { title: t("ops.task"), dataIndex: "task_id" },
            { title: t("eng.kind"), dataIndex: "kind" },
            { title: t("ops.commands"), key: "count", render: (_, task) => `${task.finished}/${task.total}` },
            { title: t("ops.progress"), key: "progress", render: (_, task) => <Progress percent={taskPercent(task)} size="small" style={{ width: 160 }} /> },
            { title: t("vend.operator"), dataIndex: "created_by" },
          ]}
        />
      </Card>
    </>
  );
}

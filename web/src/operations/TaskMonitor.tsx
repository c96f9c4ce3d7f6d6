// One command task, live: polled until every command reaches a final state; progress, each meter's
// state and answer, retry and cancel.

import { Button, Card, Progress, Space, Table, Tag } from "antd";
import { useEffect, useState } from "react";

import type { Page } from "../api/client";
import { useApp } from "../app/AppContext";
import { can } from "../lib/permissions";
import { stateLabel } from "../lib/stateLabel";
import { isRunning, taskPercent, taskWithCommands, type CommandRecord, type Task } from "./tasks";

const POLL_MS = 1500;
const STATE_COLOURS: Record<string, string> = { done: "green", failed: "red", timed_out: "orange", cancelled: "default", partial: "orange", running: "blue" };

export function TaskMonitor({ taskId, onChanged }: { taskId: string; onChanged?: () => void }) {
  const { client, granted, t, time } = useApp();
  const [task, setTask] = useState<Task | null>(null);
  const [commands, setCommands] = useState<CommandRecord[]>([]);
  const [error, setError] = useState("");
  const [round, setRound] = useState(0);

  useEffect(() => {
    let current = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    taskWithCommands(client, taskId)
      .then(([found, page]: [Task, Page<CommandRecord>]) => {
        if (!current) return;
        setTask(found);
        setCommands(page.items);
        setError("");
        if (isRunning(found)) timer = setTimeout(() => setRound((value) => value + 1), POLL_MS);
        else onChanged?.();
      })
      .catch((failure: Error) => current && setError(failure.message));
    return () => {
      current = false;
      if (timer) clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, taskId, round]);

  async function act(action: "retry" | "cancel") {
    await client.post(`/v1/tasks/${encodeURIComponent(taskId)}/${action}`, {});
    setRound((value) => value + 1);
  }

  const status = task?.status ?? "running";
  return (
    <Card
      size="small"
      title={`${t("ops.task")} ${taskId} · ${task?.kind ?? ""}`}
      extra={<Tag color={STATE_COLOURS[status]} data-testid="task-status" data-status={status}>{stateLabel(status, t)}</Tag>}
      data-testid="task-monitor"
    >
      {error && <div className="ant-typography ant-typography-danger">{error}</div>}
      {task && <Progress percent={taskPercent(task)} status={status === "running" ? "active" : status === "done" ? "success" : "exception"} />}
      <Table<CommandRecord>
        rowKey="command_id"
        size="small"
        pagination={false}
        dataSource={commands}
        data-testid="task-commands"
        columns={[
          { title: t("vend.meter"), dataIndex: "meter" },
          { title: t("ops.state"), dataIndex: "state", render: (value: string) => <Tag color={STATE_COLOURS[value] ?? "blue"}>{stateLabel(value, t)}</Tag> },
          { title: t("ops.reason"), dataIndex: "reason" },
          { title: t("ops.result"), dataIndex: "result", render: (value: Record<string, unknown>) => (value && Object.keys(value).length ? JSON.stringify(value) : "") },
          { title: t("vend.time"), dataIndex: "updated_at", render: (value: string) => time(value) },
        ]}
      />
      {can(granted, "commands", "create") && task && !isRunning(task) && status !== "done" && (
        <Space style={{ marginTop: 8 }}>
          <Button size="small" onClick={() => void act("retry")}>
            {t("ops.retry")}
          </Button>
        </Space>
      )}
      {can(granted, "commands", "cancel") && task && isRunning(task) && (
        <Space style={{ marginTop: 8 }}>
          <Button size="small" danger onClick={() => void act("cancel")}>
            {t("ops.cancelTask")}
          </Button>
        </Space>
      )}
    </Card>
  );
}

// The delivery of a sale's tokens to its meter, live: the task's status polled until it ends (when the
// operator may read tasks), else the status the receipt came with.

import { Alert, Progress, Space, Tag } from "antd";
import { useEffect, useState } from "react";

import { useApp } from "../app/AppContext";
import { can } from "../lib/permissions";
import { stateLabel } from "../lib/stateLabel";
import { isRunning, taskPercent, type Task } from "../operations/tasks";
import type { Delivery } from "./vendingApi";

const POLL_MS = 1500;
const COLOURS: Record<string, string> = { done: "green", failed: "red", timed_out: "orange", cancelled: "default", running: "blue", not_queued: "red" };

export function DeliveryStatus({ delivery }: { delivery: Delivery }) {
  const { client, granted, t } = useApp();
  const [task, setTask] = useState<Task | null>(null);
  const [round, setRound] = useState(0);
  const taskId = delivery.task_id;
  const mayWatch = Boolean(taskId) && can(granted, "commands", "view");

  useEffect(() => {
    if (!mayWatch || !taskId) return;
    let current = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    client
      .get<Task>(`/v1/tasks/${encodeURIComponent(taskId)}`)
      .then((found) => {
        if (!current) return;
        setTask(found);
        if (isRunning(found)) timer = setTimeout(() => setRound((value) => value + 1), POLL_MS);
      })
      .catch(() => undefined);
    return () => {
      current = false;
      if (timer) clearTimeout(timer);
    };
  }, [client, taskId, mayWatch, round]);

  const status = task?.status ?? delivery.status;
  return (
    <div style={{ marginTop: 8 }} data-testid="delivery-status" data-status={status}>
      <Space wrap>
        <span>{t("deliver.title")}</span>
        <Tag color={COLOURS[status] ?? "blue"}>{stateLabel(status, t)}</Tag>
        {taskId && <span className="muted">{t("ops.task")} {taskId}</span>}
      </Space>
      {task && <Progress size="small" percent={taskPercent(task)} status={status === "running" ? "active" : status === "done" ? "success" : "exception"} />}
      {delivery.reason && <Alert type="warning" showIcon title={delivery.reason} style={{ marginTop: 4 }} />}
    </div>
  );
}

// Command tasks as the API reports them (GET /v1/tasks, /v1/tasks/{id}): when to keep polling, and
// the meters an operator typed.

import type { ApiClient, Page } from "../api/client";

export interface Task {
  task_id: string;
  kind: string;
  target: unknown;
  total: number;
  finished: number;
  created_by: string;
  created_at: string;
  percent?: number;
  status?: string;
  states?: Record<string, number>;
}

export interface CommandRecord {
  meter: string;
  command_id: string;
  state: string;
  attempts: number;
  reason: string;
  result: Record<string, unknown>;
  updated_at: string;
}

export const COMMAND_KINDS = { connect: "relay_connect", disconnect: "relay_disconnect", read: "read" } as const;
/** What "read now" asks a meter for: energy imported, credit, relay state, power. */
export const READ_NOW_OBIS = ["1.0.1.8.0.255", "0.0.19.10.0.255", "0.0.96.3.10.255", "1.0.1.7.0.255"];

export function isRunning(task: Pick<Task, "status" | "finished" | "total">): boolean {
  if (task.status) return task.status === "running";
  return task.finished < task.total;
}

export function taskPercent(task: Pick<Task, "percent" | "finished" | "total">): number {
  if (typeof task.percent === "number") return task.percent;
  return task.total ? Math.floor((task.finished * 100) / task.total) : 100;
}

/** Serials typed one per line, or separated by commas or spaces; repeats dropped, order kept. */
export function parseSerials(text: string): string[] {
  return [...new Set(text.split(/[\s,;]+/).map((part) => part.trim()).filter(Boolean))];
}

export function commandBody(kind: keyof typeof COMMAND_KINDS, meters: string[]): Record<string, unknown> {
  return {
    kind: COMMAND_KINDS[kind],
    targets: { meters },
    ...(kind === "read" ? { params: { obis: READ_NOW_OBIS } } : {}),
  };
}

export function taskWithCommands(client: ApiClient, taskId: string): Promise<[Task, Page<CommandRecord>]> {
  const path = `/v1/tasks/${encodeURIComponent(taskId)}`;
  return Promise.all([client.get<Task>(path), client.get<Page<CommandRecord>>(`${path}/commands`, { limit: 100 })]);
}

// The work-order API as the installer's app uses it (functions/archives/routes/work_orders.py).

import type { ApiClient, Page } from "../api/client";
import { ApiProblem } from "../lib/problem";
import type { OutboxEntry, SendResult } from "./outbox";

export interface WorkOrder {
  id: string;
  serial: string;
  installer: string;
  assigned_date: string;
  state: "assigned" | "in_progress" | "completed" | "cancelled";
  remark?: string;
  [field: string]: unknown;
}

export const WORK_ORDERS_PATH = "/v1/work-orders";
const OPEN_STATES = new Set(["assigned", "in_progress"]);

export function completionPath(workOrderId: string): string {
  return `${WORK_ORDERS_PATH}/${encodeURIComponent(workOrderId)}/complete`;
}

/** The open orders assigned to this installer (a manager who sees all asks for their own too). */
export async function myOpenWorkOrders(client: ApiClient, username: string): Promise<WorkOrder[]> {
  const page = await client.get<Page<WorkOrder>>(WORK_ORDERS_PATH, { installer: username, limit: 200 });
  return page.items.filter((order) => OPEN_STATES.has(order.state));
}

function refusal(error: ApiProblem): string {
  const fields = error.fieldProblems.map((problem) => `${problem.field}: ${problem.message}`).join("; ");
  return fields || error.detail || error.title;
}

/** Whether an API problem means "try again later" rather than "this will never be accepted". */
function isTransient(error: unknown): boolean {
  return !(error instanceof ApiProblem) || error.status >= 500 || error.status === 408 || error.status === 429;
}

/**
 * Sends one queued completion. Lost network or a server error: "offline" (kept, sent later). A
 * refusal: "rejected" with the API's reason, unless the order turns out completed already (the
 * answer to an earlier try was lost on the way back), which counts as sent.
 */
export async function sendInstallation(client: ApiClient, entry: OutboxEntry): Promise<SendResult> {
  try {
    await client.post(completionPath(entry.workOrderId), entry.body);
    return { outcome: "sent" };
  } catch (error) {
    if (isTransient(error)) return { outcome: "offline" };
    try {
      const order = await client.get<WorkOrder>(`${WORK_ORDERS_PATH}/${encodeURIComponent(entry.workOrderId)}`);
      if (order.state === "completed") return { outcome: "sent" };
    } catch (lookupError) {
      if (isTransient(lookupError)) return { outcome: "offline" };
    }
    return { outcome: "rejected", reason: refusal(error as ApiProblem) };
  }
}

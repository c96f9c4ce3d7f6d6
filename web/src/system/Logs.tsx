import { Tag, Typography } from "antd";

import { useApp } from "../app/AppContext";
import { LogPage, type LogEntry } from "./LogPage";

function changeSummary(entry: LogEntry): string {
  const after = entry.after as Record<string, unknown> | null;
  const before = entry.before as Record<string, unknown> | null;
  if (before && after) {
    const changed = Object.keys(after).filter((key) => JSON.stringify(after[key]) !== JSON.stringify(before[key]));
    return changed.join(", ");
  }
  const shown = after ?? before;
  return shown ? String(shown.code ?? shown.name ?? shown.username ?? "") : "";
}

export function AuditLogPage() {
  const { t, time } = useApp();
  return (
    <LogPage
      titleKey="menu.audit"
      path="/v1/audit"
      module="audit"
      csvFields={["at", "username", "action", "entity", "entity_id", "before", "after"]}
      columns={[
        { title: t("audit.time"), dataIndex: "at", render: time, width: 190 },
        { title: t("audit.who"), dataIndex: "username", width: 120 },
        { title: t("audit.action"), dataIndex: "action", render: (action: string) => <Tag>{action}</Tag>, width: 110 },
        { title: t("audit.entity"), dataIndex: "entity", width: 160 },
        { title: t("audit.entityId"), dataIndex: "entity_id", width: 140 },
        {
          title: t("audit.details"),
          key: "details",
          render: (_: unknown, entry: LogEntry) => <Typography.Text type="secondary">{changeSummary(entry)}</Typography.Text>,
        },
      ]}
    />
  );
}

export function LoginLogPage() {
  const { t, time } = useApp();
  return (
    <LogPage
      titleKey="menu.loginLog"
      path="/v1/login-log"
      module="login-log"
      csvFields={["at", "username", "success", "reason", "source"]}
      columns={[
        { title: t("login.time"), dataIndex: "at", render: time, width: 190 },
        { title: t("login.user"), dataIndex: "username" },
        {
          title: t("login.result"),
          dataIndex: "success",
          render: (success: boolean) => (
            <Tag color={success ? "green" : "red"}>{success ? t("login.success") : t("login.failure")}</Tag>
          ),
        },
        { title: t("login.reason"), dataIndex: "reason" },
        { title: t("login.source"), dataIndex: "source" },
      ]}
    />
  );
}

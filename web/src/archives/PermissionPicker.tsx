// The role editor's permission picker: one row per module of the catalogue, a box per action.

import { Checkbox, Input, Space, Table } from "antd";
import { useMemo, useState } from "react";

import { useApp } from "../app/AppContext";
import { useAsync } from "../app/useAsync";
import { kindLabel } from "../i18n/labels";
import type { MessageKey } from "../i18n/translate";
import { setModuleActions, togglePermission, type PermissionCatalogue } from "../lib/permissions";

async function loadCatalogue(): Promise<PermissionCatalogue> {
  // Written beside the app when it is built (python -m infra.local.web catalogue).
  const response = await fetch("/permission-catalogue.json", { cache: "no-cache" });
  if (!response.ok) throw new Error(`permission catalogue: HTTP ${response.status}`);
  return (await response.json()) as PermissionCatalogue;
}

function moduleLabel(module: string, language: string, t: (key: MessageKey) => string): string {
  if (module.startsWith("archives.")) return kindLabel(module.slice("archives.".length), language);
  const menuKey = { operators: "menu.operators", audit: "menu.audit", "login-log": "menu.loginLog", meters: "menu.meters" }[
    module
  ] as MessageKey | undefined;
  return menuKey ? t(menuKey) : module;
}

interface Props {
  value?: unknown;
  onChange?: (value: unknown) => void;
}

export function PermissionPicker({ value, onChange }: Props) {
  const { language, t } = useApp();
  const catalogue = useAsync(loadCatalogue, []);
  const [filter, setFilter] = useState("");
  const granted = useMemo(() => (Array.isArray(value) ? (value as string[]) : []), [value]);
  const grantedSet = new Set(granted);
  const rows = Object.entries(catalogue.data?.modules ?? {})
    .map(([module, actions]) => ({ module, actions, label: moduleLabel(module, language, t) }))
    .filter((row) => !filter || `${row.module} ${row.label}`.toLowerCase().includes(filter.toLowerCase()));

  if (catalogue.error) return <div role="alert">{catalogue.error.message}</div>;
  return (
    <div data-testid="permission-picker">
      <Input.Search placeholder={t("roles.module")} allowClear onChange={(event) => setFilter(event.target.value)} style={{ marginBottom: 8 }} />
      <Table
        size="small"
        rowKey="module"
        loading={catalogue.loading}
        pagination={false}
        scroll={{ y: 320 }}
        dataSource={rows}
        columns={[
          { title: t("roles.module"), dataIndex: "label", width: 180 },
          {
            title: t("roles.all"),
            width: 60,
            render: (_: unknown, row) => (
              <Checkbox
                aria-label={`${row.module}:all`}
                checked={row.actions.every((action) => grantedSet.has(`${row.module}:${action}`))}
                onChange={(event) => onChange?.(setModuleActions(granted, row.module, row.actions, event.target.checked))}
              />
            ),
          },
          {
            title: t("roles.permissions"),
            key: "actions",
            render: (_: unknown, row: { module: string; actions: string[] }) => (
              <Space size={[12, 4]} wrap>
                {row.actions.map((action) => (
                  <Checkbox
                    key={action}
                    aria-label={`${row.module}:${action}`}
                    checked={grantedSet.has(`${row.module}:${action}`)}
                    onChange={(event) =>
                      onChange?.(togglePermission(granted, `${row.module}:${action}`, event.target.checked))
                    }
                  >
                    {action}
                  </Checkbox>
                ))}
              </Space>
            ),
          },
        ]}
      />
    </div>
  );
}

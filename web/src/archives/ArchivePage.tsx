// Any archive kind: list or tree, and a drawer with its form (create, edit).

import { Button, Drawer, Segmented, Space, Typography, message } from "antd";
import { useState } from "react";
import { useParams } from "react-router-dom";

import { useApp } from "../app/AppContext";
import { NoAccess } from "../console/NoAccess";
import { kindLabel } from "../i18n/labels";
import type { Values } from "../lib/formPayload";
import { archiveModule, can } from "../lib/permissions";
import { ApiProblem } from "../lib/problem";
import { ArchiveTable, type ArchiveRecord } from "./ArchiveTable";
import { ArchiveTree } from "./ArchiveTree";
import { PermissionPicker } from "./PermissionPicker";
import { RecordForm, type Widget } from "./RecordForm";
import { forgetReferences } from "./referenceCache";
import { useKindModel } from "./useKindFields";

// Fields that get a richer input than their schema alone suggests.
const WIDGETS: Record<string, Record<string, Widget>> = { roles: { permissions: PermissionPicker } };

type Editing = { mode: "create"; record?: undefined } | { mode: "update"; record: ArchiveRecord };

export function ArchiveRoute() {
  const { kind = "" } = useParams();
  return <ArchivePage key={kind} kind={kind} />;
}

export function ArchivePage({ kind }: { kind: string }) {
  const { client, granted, language, t } = useApp();
  const model = useKindModel(kind);
  const [view, setView] = useState<"list" | "tree">("list");
  const [editing, setEditing] = useState<Editing | null>(null);
  const [refreshKey, setRefreshKey] = useState(0);
  const [notice, noticeHolder] = message.useMessage();
  const module = archiveModule(kind);

  if (!model || !can(granted, module, "view")) return <NoAccess />;
  const path = `/v1/archives/${kind}`;

  function changed() {
    forgetReferences(client, kind);
    setRefreshKey((key) => key + 1);
  }

  async function startEdit(record: ArchiveRecord) {
    // The list may be stale: edit what the server has now, with its version.
    const fresh = await client.get<ArchiveRecord>(`${path}/${record.id}`);
    setEditing({ mode: "update", record: fresh });
  }

  async function save(body: Values) {
    if (editing?.mode === "update") {
      await client.patch(`${path}/${editing.record.id}`, { ...body, version: editing.record.version });
    } else {
      await client.post(path, body);
    }
    setEditing(null);
    changed();
    void notice.success(t("common.saved"));
  }

  async function remove(record: ArchiveRecord) {
    try {
      await client.delete(`${path}/${record.id}`);
      changed();
      void notice.success(t("common.deleted"));
    } catch (error) {
      void notice.error(error instanceof ApiProblem ? error.detail || error.title : String(error));
    }
  }

  const title = kindLabel(kind, language);
  return (
    <>
      {noticeHolder}
      <Space style={{ width: "100%", justifyContent: "space-between", marginBottom: 12 }}>
        <Typography.Title level={3} style={{ margin: 0 }} data-testid="page-title">
          {title}
        </Typography.Title>
        <Space>
          {model.tree && (
            <Segmented
              data-testid="view-switch"
              value={view}
              onChange={(chosen) => setView(chosen as "list" | "tree")}
              options={[
                { value: "list", label: t("common.list") },
                { value: "tree", label: t("common.tree") },
              ]}
            />
          )}
          {can(granted, module, "create") && (
            <Button type="primary" onClick={() => setEditing({ mode: "create" })} data-testid="add-record">
              {t("common.add")}
            </Button>
          )}
        </Space>
      </Space>
      {view === "tree" && model.tree ? (
        <ArchiveTree kind={kind} refreshKey={refreshKey} onSelect={(record) => void startEdit(record)} />
      ) : (
        <ArchiveTable model={model} refreshKey={refreshKey} onEdit={(record) => void startEdit(record)} onDelete={remove} />
      )}
      <Drawer
        open={editing !== null}
        onClose={() => setEditing(null)}
        size={kind === "roles" ? 760 : 520}
        title={`${title}${editing?.mode === "update" ? ` · ${editing.record.code}` : ""}`}
        destroyOnHidden
      >
        {editing && (
          <RecordForm
            fields={model.fields}
            record={editing.record}
            mode={editing.mode}
            onSave={save}
            onCancel={() => setEditing(null)}
            widgets={WIDGETS[kind]}
          />
        )}
      </Drawer>
    </>
  );
}

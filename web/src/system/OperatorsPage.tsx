// The tenant's operators: list, create and change (forms from the OpenAPI schemas NewOperator and
// OperatorFields), password reset.

import { Button, Drawer, Form, Input, Modal, Space, Table, Tag, Typography, message } from "antd";
import { useMemo, useState } from "react";

import type { Page } from "../api/client";
import { useApiModel } from "../app/ApiModel";
import { useApp } from "../app/AppContext";
import { useAsync } from "../app/useAsync";
import { RecordForm, type Widget } from "../archives/RecordForm";
import { ReferenceSelect } from "../archives/ReferenceSelect";
import { NoAccess } from "../console/NoAccess";
import type { Values } from "../lib/formPayload";
import { inputSchema } from "../lib/openapi";
import { can } from "../lib/permissions";
import { ApiProblem } from "../lib/problem";
import { fieldsOf } from "../lib/schemaFields";

interface Operator {
  id: string;
  username: string;
  display_name: string;
  roles: string[];
  sales_point_id: string | null;
  barred: boolean;
  version?: number;
}

const OPERATOR_REFERENCES = { roles: "roles", sales_point_id: "sales-points" };
const ADMIN_ROLE = "admin";

const RoleSelect: Widget = ({ value, onChange }) => (
  <ReferenceSelect
    kind="roles"
    multiple
    value={value as string[]}
    onChange={onChange}
    extraOptions={[{ value: ADMIN_ROLE, label: ADMIN_ROLE }]}
  />
);

type Editing = { mode: "create" } | { mode: "update"; operator: Operator };

export function OperatorsPage() {
  const { client, granted, t } = useApp();
  const { document } = useApiModel();
  const [refreshKey, setRefreshKey] = useState(0);
  const [editing, setEditing] = useState<Editing | null>(null);
  const [resetting, setResetting] = useState<Operator | null>(null);
  const [notice, noticeHolder] = message.useMessage();
  const operators = useAsync(() => client.get<Page<Operator>>("/v1/operators", { limit: 200 }), [client, refreshKey]);
  const roleNames = useAsync(
    () => client.get<Page<{ id: string; code: string }>>("/v1/archives/roles", { limit: 200 }),
    [client, refreshKey],
  );
  const codeOfRole = useMemo(
    () => new Map((roleNames.data?.items ?? []).map((role) => [role.id, role.code])),
    [roleNames.data],
  );

  const createFields = useMemo(() => {
    const schema = inputSchema(document, "/v1/operators");
    return schema ? fieldsOf(document, schema, OPERATOR_REFERENCES) : [];
  }, [document]);
  const updateFields = useMemo(() => {
    const schema = inputSchema(document, "/v1/operators/{username}", "patch");
    return schema ? fieldsOf(document, schema, OPERATOR_REFERENCES) : [];
  }, [document]);

  if (!can(granted, "operators", "view")) return <NoAccess />;

  async function save(body: Values) {
    if (editing?.mode === "update") await client.patch(`/v1/operators/${editing.operator.username}`, body);
    else await client.post("/v1/operators", body);
    setEditing(null);
    setRefreshKey((key) => key + 1);
    void notice.success(t("common.saved"));
  }

  async function resetPassword(password: string) {
    if (!resetting) return;
    try {
      await client.post(`/v1/operators/${resetting.username}/password`, { password });
      setResetting(null);
      void notice.success(t("common.saved"));
    } catch (error) {
      void notice.error(error instanceof ApiProblem ? error.detail || error.title : String(error));
    }
  }

  return (
    <>
      {noticeHolder}
      <Space style={{ width: "100%", justifyContent: "space-between", marginBottom: 12 }}>
        <Typography.Title level={3} style={{ margin: 0 }} data-testid="page-title">
          {t("menu.operators")}
        </Typography.Title>
        {can(granted, "operators", "create") && (
          <Button type="primary" onClick={() => setEditing({ mode: "create" })} data-testid="add-record">
            {t("common.add")}
          </Button>
        )}
      </Space>
      <Table<Operator>
        rowKey="id"
        loading={operators.loading}
        dataSource={operators.data?.items ?? []}
        pagination={{ pageSize: 20 }}
        columns={[
          { title: t("operators.username"), dataIndex: "username" },
          { title: t("operators.displayName"), dataIndex: "display_name" },
          {
            title: t("operators.roles"),
            dataIndex: "roles",
            render: (roles: string[]) => roles.map((role) => <Tag key={role}>{codeOfRole.get(role) ?? role}</Tag>),
          },
          {
            title: t("operators.barred"),
            dataIndex: "barred",
            render: (barred: boolean) => (barred ? <Tag color="red">{t("common.yes")}</Tag> : t("common.no")),
          },
          {
            title: t("common.actions"),
            key: "actions",
            render: (_: unknown, operator: Operator) =>
              can(granted, "operators", "update") && (
                <Space>
                  <Button size="small" onClick={() => setEditing({ mode: "update", operator })}>
                    {t("common.edit")}
                  </Button>
                  <Button size="small" onClick={() => setResetting(operator)}>
                    {t("operators.resetPassword")}
                  </Button>
                </Space>
              ),
          },
        ]}
      />
      <Drawer open={editing !== null} onClose={() => setEditing(null)} size={520} title={t("menu.operators")} destroyOnHidden>
        {editing && (
          <RecordForm
            fields={editing.mode === "create" ? createFields : updateFields}
            record={editing.mode === "update" ? (editing.operator as unknown as Values) : undefined}
            mode={editing.mode}
            onSave={save}
            onCancel={() => setEditing(null)}
            widgets={{ roles: RoleSelect }}
            labels={{
              username: t("operators.username"),
              display_name: t("operators.displayName"),
              roles: t("operators.roles"),
              sales_point_id: t("operators.salesPoint"),
              barred: t("operators.barred"),
              password: t("login.password"),
            }}
          />
        )}
      </Drawer>
      <PasswordModal operator={resetting} onCancel={() => setResetting(null)} onSubmit={resetPassword} />
    </>
  );
}

function PasswordModal({
  operator,
  onCancel,
  onSubmit,
}: {
  operator: Operator | null;
  onCancel: () => void;
  onSubmit: (password: string) => Promise<void>;
}) {
  const { t } = useApp();
  const [form] = Form.useForm<{ password: string }>();
  return (
    <Modal
      open={operator !== null}
      title={`${t("operators.resetPassword")} · ${operator?.username ?? ""}`}
      onCancel={onCancel}
      onOk={() => void form.validateFields().then(({ password }) => onSubmit(password))}
      destroyOnHidden
    >
      <Form form={form} layout="vertical">
        <Form.Item name="password" label={t("operators.newPassword")} rules={[{ required: true }]}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

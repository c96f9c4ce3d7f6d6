// Notification templates (e-mails sent when a meter event matches a rule): list, create, edit, delete.
// Placeholders are ${name}; the API refuses names it does not know, at the field.

import { Alert, Button, Card, Checkbox, Form, Input, Popconfirm, Space, Table, Tag, Typography, message } from "antd";
import { useState } from "react";

import { useApp } from "../app/AppContext";
import { useAsync } from "../app/useAsync";
import { NoAccess } from "../console/NoAccess";
import { can } from "../lib/permissions";
import { ApiProblem, placeProblems } from "../lib/problem";
import { NotificationRulesCard } from "./NotificationRulesCard";

interface Template {
  template_id: string;
  name: string;
  subject: string;
  body: string;
  html: boolean;
}

type TemplateInput = Omit<Template, "template_id">;

export const PLACEHOLDERS = ["devAddr", "devModel", "thing", "consumerCode", "consumerName", "eventType", "eventName", "eventValue", "eventTime", "severity", "tenant"];
const FIELDS = new Set(["name", "subject", "body", "html"]);

export function NotificationTemplatesPage() {
  const { client, granted, t } = useApp();
  const [changes, setChanges] = useState(0);
  const [editing, setEditing] = useState<Template | "new" | null>(null);
  const [general, setGeneral] = useState("");
  const [form] = Form.useForm<TemplateInput>();
  const templates = useAsync(() => client.get<{ items: Template[] }>("/v1/notification-templates"), [client, changes]);

  if (!can(granted, "notifications", "view")) return <NoAccess />;

  function edit(template: Template | "new") {
    setEditing(template);
    setGeneral("");
    form.resetFields();
    form.setFieldsValue(template === "new" ? { html: true } : template);
  }

  async function save(values: TemplateInput) {
    setGeneral("");
    try {
      if (editing === "new") await client.post("/v1/notification-templates", values);
      else if (editing) await client.request("PUT", `/v1/notification-templates/${encodeURIComponent(editing.template_id)}`, values);
      void message.success(t("common.saved"));
      setEditing(null);
      setChanges((count) => count + 1);
    } catch (error) {
      if (!(error instanceof ApiProblem)) return setGeneral((error as Error).message);
      const placed = placeProblems(error, FIELDS);
      form.setFields(placed.atFields.map(({ path, messages }) => ({ name: path as never, errors: messages })));
      setGeneral(placed.general.join("; "));
    }
  }

  async function remove(template: Template) {
    try {
      await client.delete(`/v1/notification-templates/${encodeURIComponent(template.template_id)}`);
      void message.success(t("common.deleted"));
      setChanges((count) => count + 1);
    } catch (error) {
      void message.error((error as Error).message);
    }
  }

  const insert = (name: string) => form.setFieldValue("body", `${form.getFieldValue("body") ?? ""}\${${name}}`);
  return (
    <>
      <Typography.Title level={3} data-testid="page-title">
        {t("menu.notifications")}
      </Typography.Title>
      {can(granted, "notifications", "create") && (
        <Button type="primary" onClick={() => edit("new")} style={{ marginBottom: 12 }} data-testid="template-add">
          {t("common.add")}
        </Button>
      )}
      {templates.error && <Alert type="error" showIcon title={templates.error.message} />}
      <Table<Template>
        rowKey="template_id"
        size="small"
        pagination={false}
        loading={templates.loading}
        dataSource={templates.data?.items ?? []}
        data-testid="templates-table"
        columns={[
          { title: t("notify.name"), dataIndex: "name" },
          { title: t("notify.subject"), dataIndex: "subject" },
          { title: t("notify.html"), dataIndex: "html", render: (value: boolean) => (value ? t("common.yes") : t("common.no")) },
          {
            title: t("common.actions"),
            key: "actions",
            render: (_, template) => (
              <Space>
                {can(granted, "notifications", "update") && (
                  <Button size="small" type="link" onClick={() => edit(template)}>
                    {t("common.edit")}
                  </Button>
                )}
                {can(granted, "notifications", "delete") && (
                  <Popconfirm title={t("common.confirmDelete", { name: template.name })} onConfirm={() => void remove(template)}>
                    <Button size="small" type="link" danger>
                      {t("common.delete")}
                    </Button>
                  </Popconfirm>
                )}
              </Space>
            ),
          },
        ]}
      />
      {editing && (
        <Card size="small" style={{ marginTop: 16 }} title={editing === "new" ? t("common.add") : editing.name} data-testid="template-form">
          {general && <Alert type="error" showIcon title={general} style={{ marginBottom: 12 }} />}
          <Form<TemplateInput> form={form} layout="vertical" onFinish={(values) => void save(values)}>
            <Form.Item name="name" label={t("notify.name")} rules={[{ required: true, whitespace: true }]}>
              <Input id="template-name" maxLength={100} />
            </Form.Item>
            <Form.Item name="subject" label={t("notify.subject")} rules={[{ required: true, whitespace: true }]}>
              <Input id="template-subject" maxLength={200} />
            </Form.Item>
            <Form.Item name="body" label={t("notify.body")} rules={[{ required: true, whitespace: true }]}>
              <Input.TextArea id="template-body" rows={6} />
            </Form.Item>
            <div style={{ marginBottom: 12 }}>
              <Typography.Text type="secondary">{t("notify.placeholders")} </Typography.Text>
              {PLACEHOLDERS.map((name) => (
                <Tag key={name} style={{ cursor: "pointer" }} onClick={() => insert(name)}>
                  {`\${${name}}`}
                </Tag>
              ))}
            </div>
            <Form.Item name="html" valuePropName="checked">
              <Checkbox>{t("notify.html")}</Checkbox>
            </Form.Item>
            <Space>
              <Button type="primary" htmlType="submit" data-testid="template-save">
                {t("common.save")}
              </Button>
              <Button onClick={() => setEditing(null)}>{t("common.cancel")}</Button>
            </Space>
          </Form>
        </Card>
      )}
      <NotificationRulesCard templates={templates.data?.items ?? []} />
    </>
  );
}

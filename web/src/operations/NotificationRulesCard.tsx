// Notification rules: which meter events (by event type code) send which template to whom.

import { Alert, Button, Card, Checkbox, Form, Input, Popconfirm, Select, Space, Table, Tag, message } from "antd";
import { useState } from "react";

import { useApp } from "../app/AppContext";
import { useAsync } from "../app/useAsync";
import { referencedRecords } from "../archives/referenceCache";
import { can } from "../lib/permissions";
import { ApiProblem, placeProblems } from "../lib/problem";

interface Rule {
  rule_id: string;
  name: string;
  event_codes: string[];
  template_id: string;
  recipients: string[];
  enabled: boolean;
}

type RuleInput = Omit<Rule, "rule_id">;
const FIELDS = new Set(["name", "event_codes", "template_id", "recipients", "enabled"]);

export function NotificationRulesCard({ templates }: { templates: { template_id: string; name: string }[] }) {
  const { client, granted, t } = useApp();
  const [changes, setChanges] = useState(0);
  const [adding, setAdding] = useState(false);
  const [general, setGeneral] = useState("");
  const [form] = Form.useForm<RuleInput>();
  const rules = useAsync(() => client.get<{ items: Rule[] }>("/v1/notification-rules"), [client, changes]);
  const eventTypes = useAsync(() => referencedRecords(client, "event-types"), [client]);
  const templateName = (id: string) => templates.find((template) => template.template_id === id)?.name ?? id;

  async function save(values: RuleInput) {
    setGeneral("");
    try {
      await client.post("/v1/notification-rules", { ...values, event_codes: values.event_codes ?? [] });
      void message.success(t("common.saved"));
      setAdding(false);
      form.resetFields();
      setChanges((count) => count + 1);
    } catch (error) {
      if (!(error instanceof ApiProblem)) return setGeneral((error as Error).message);
      const placed = placeProblems(error, FIELDS);
      form.setFields(placed.atFields.map(({ path, messages }) => ({ name: path as never, errors: messages })));
      setGeneral(placed.general.join("; "));
    }
  }

  async function remove(rule: Rule) {
    await client.delete(`/v1/notification-rules/${encodeURIComponent(rule.rule_id)}`);
    setChanges((count) => count + 1);
  }

  return (
    <Card
      size="small"
      title={t("notify.rules")}
      style={{ marginTop: 16 }}
      extra={can(granted, "notifications", "create") && templates.length > 0 && <Button size="small" onClick={() => setAdding(true)} data-testid="rule-add">{t("notify.addRule")}</Button>}
    >
      <Table<Rule>
        rowKey="rule_id"
        size="small"
        pagination={false}
        loading={rules.loading}
        dataSource={rules.data?.items ?? []}
        data-testid="rules-table"
        columns={[
          { title: t("notify.name"), dataIndex: "name" },
          { title: t("notify.events"), dataIndex: "event_codes", render: (codes: string[]) => codes.map((code) => <Tag key={code}>{code}</Tag>) },
          { title: t("notify.template"), dataIndex: "template_id", render: templateName },
          { title: t("notify.recipients"), dataIndex: "recipients", render: (recipients: string[]) => recipients.join(", ") },
          { title: t("notify.enabled"), dataIndex: "enabled", render: (value: boolean) => (value ? t("common.yes") : t("common.no")) },
          {
            title: t("common.actions"),
            key: "actions",
            render: (_, rule) =>
              can(granted, "notifications", "delete") && (
                <Popconfirm title={t("common.confirmDelete", { name: rule.name })} onConfirm={() => void remove(rule)}>
                  <Button size="small" type="link" danger>
                    {t("common.delete")}
                  </Button>
                </Popconfirm>
              ),
          },
        ]}
      />
      {adding && (
        <Form<RuleInput> form={form} layout="vertical" onFinish={(values) => void save(values)} initialValues={{ enabled: true, event_codes: [] }} style={{ marginTop: 12 }} data-testid="rule-form">
          {general && <Alert type="error" showIcon title={general} style={{ marginBottom: 12 }} />}
          <Space wrap align="start">
            <Form.Item name="name" label={t("notify.name")} rules={[{ required: true, whitespace: true }]}>
              <Input id="rule-name" maxLength={100} style={{ width: 220 }} />
            </Form.Item>
            <Form.Item name="template_id" label={t("notify.template")} rules={[{ required: true }]}>
              <Select style={{ width: 220 }} options={templates.map((template) => ({ value: template.template_id, label: template.name }))} data-testid="rule-template" />
            </Form.Item>
            <Form.Item name="event_codes" label={t("notify.events")}>
              <Select mode="multiple" style={{ minWidth: 240 }} options={(eventTypes.data ?? []).map((record) => ({ value: record.code, label: `${record.code} · ${record.name}` }))} />
            </Form.Item>
            <Form.Item name="recipients" label={t("notify.recipients")} rules={[{ required: true }]}>
              <Select mode="tags" open={false} tokenSeparators={[",", " ", ";"]} style={{ minWidth: 260 }} data-testid="rule-recipients" />
            </Form.Item>
            <Form.Item name="enabled" valuePropName="checked" label=" ">
              <Checkbox>{t("notify.enabled")}</Checkbox>
            </Form.Item>
          </Space>
          <Space>
            <Button type="primary" htmlType="submit" data-testid="rule-save">
              {t("common.save")}
            </Button>
            <Button onClick={() => setAdding(false)}>{t("common.cancel")}</Button>
          </Space>
        </Form>
      )}
    </Card>
  );
}

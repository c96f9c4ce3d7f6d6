import { Alert, Button, Card, Form, Input, Space, Typography } from "antd";
import { useState } from "react";

import { useApp } from "../app/AppContext";
import { ApiProblem } from "../lib/problem";
import { LanguageSwitch } from "./LanguageSwitch";

interface Credentials {
  tenant: string;
  username: string;
  password: string;
}

const LAST_TENANT_KEY = "gridvend.lastTenant";

export function LoginPage({ title }: { title?: string }) {
  const { signIn, t } = useApp();
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(credentials: Credentials) {
    setBusy(true);
    setFailure(null);
    try {
      await signIn(credentials.tenant.trim(), credentials.username.trim(), credentials.password);
      localStorage.setItem(LAST_TENANT_KEY, credentials.tenant.trim());
    } catch (error) {
      setFailure(error instanceof ApiProblem ? error.detail || error.title : String(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="login-page">
      <Card className="login-card">
        <Space direction="vertical" size="large" style={{ width: "100%" }}>
          <Space style={{ width: "100%", justifyContent: "space-between" }}>
            <Typography.Title level={3} style={{ margin: 0 }}>
              {title ?? t("app.title")}
            </Typography.Title>
            <LanguageSwitch />
          </Space>
          <Typography.Text type="secondary">{t("login.title")}</Typography.Text>
          {failure && <Alert type="error" showIcon title={t("login.failed")} description={failure} data-testid="login-error" />}
          <Form<Credentials>
            layout="vertical"
            onFinish={submit}
            initialValues={{ tenant: localStorage.getItem(LAST_TENANT_KEY) ?? "" }}
          >
            <Form.Item name="tenant" label={t("login.tenant")} rules={[{ required: true }]}>
              <Input id="login-tenant" autoComplete="organization" />
            </Form.Item>
            <Form.Item name="username" label={t("login.username")} rules={[{ required: true }]}>
              <Input id="login-username" autoComplete="username" />
            </Form.Item>
            <Form.Item name="password" label={t("login.password")} rules={[{ required: true }]}>
              <Input.Password id="login-password" autoComplete="current-password" />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={busy} data-testid="login-submit">
              {t("login.submit")}
            </Button>
          </Form>
        </Space>
      </Card>
    </div>
  );
}

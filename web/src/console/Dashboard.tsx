// The landing screen: the tenant at a glance and this month's activity from the audit trail (the
// charts of meters, sales and readings join it as their reports appear).

import { Card, Col, Empty, Row, Statistic, Typography } from "antd";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

import { allPages } from "../api/client";
import { useApp } from "../app/AppContext";
import { useAsync } from "../app/useAsync";
import { changesPerDay, type StampedEntry } from "../lib/activity";
import { can } from "../lib/permissions";
import { DashboardFigures } from "./DashboardFigures";
import { SalesCard } from "./SalesCard";

export function Dashboard() {
  const { me, client, granted, t } = useApp();
  const month = new Date().toISOString().slice(0, 7);
  const activity = useAsync(
    async () =>
      can(granted, "audit", "view") ? (await allPages<StampedEntry>(client, "/v1/audit", { month }, 2000)).items : [],
    [client, granted, month],
  );
  const perDay = changesPerDay(activity.data ?? []);
  const settings = me?.settings ?? {};

  return (
    <>
      <Typography.Title level={3}>{t("dashboard.welcome", { name: me?.username ?? "" })}</Typography.Title>
      <Row gutter={16}>
        <Col xs={24} md={8}>
          <Card>
            <Statistic title={t("dashboard.tenant")} value={String(settings.name ?? me?.tenant ?? "")} />
          </Card>
        </Col>
        <Col xs={24} md={8}>
          <Card>
            <Statistic
              title={t("dashboard.currency")}
              value={`${settings.currency ?? ""} (${String(settings.decimals ?? "")})`}
            />
          </Card>
        </Col>
        <Col xs={24} md={8}>
          <Card>
            <Statistic title={t("dashboard.timezone")} value={String(settings.timezone ?? "UTC")} />
          </Card>
        </Col>
      </Row>
      <DashboardFigures fallback={<SalesCard />} />
      <Card title={t("dashboard.activity")} style={{ marginTop: 16 }} data-testid="activity-chart">
        {perDay.length === 0 ? (
          <Empty description={t("dashboard.noActivity")} />
        ) : (
          <ResponsiveContainer width="100%" height={260}>
            <BarChart data={perDay}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="day" />
              <YAxis allowDecimals={false} />
              <Tooltip />
              <Bar dataKey="changes" name={t("dashboard.changes")} fill="#0f5c8c" />
            </BarChart>
          </ResponsiveContainer>
        )}
      </Card>
    </>
  );
}

// The tenant's figures (GET /v1/dashboard): meters, alarms, reading rate, sales by month, top sales points,
// events; each chart opens the page that holds its detail. Without that API the daily sales chart stands in.

import { Card, Col, Empty, Row, Statistic } from "antd";
import type { ReactNode } from "react";
import { Bar, BarChart, CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { useNavigate } from "react-router-dom";

import { isNotFound } from "../api/client";
import { useApp } from "../app/AppContext";
import { useAsync } from "../app/useAsync";
import type { MessageKey } from "../i18n/translate";
import { formatMoney } from "../lib/money";
import { can } from "../lib/permissions";
import { countBars, eventsByType, readingRatePercent, salesByMonth, topSalesPoints, type Bar as BarPoint, type DashboardFigures as Figures } from "./dashboardData";

function ChartCard({ titleKey, link, bars, line, testId }: { titleKey: MessageKey; link: string; bars: BarPoint[]; line?: boolean; testId: string }) {
  const { t } = useApp();
  const navigate = useNavigate();
  const open = () => navigate(link);
  let chart: ReactNode = <Empty description={t("dashboard.noData")} />;
  if (bars.length > 0) {
    chart = (
      <ResponsiveContainer width="100%" height={220}>
        {line ? (
          <LineChart data={bars} onClick={open} style={{ cursor: "pointer" }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="label" />
            <YAxis domain={[0, 100]} />
            <Tooltip />
            <Line dataKey="value" name={t(titleKey)} stroke="#0f5c8c" isAnimationActive={false} />
          </LineChart>
        ) : (
          <BarChart data={bars} onClick={open} style={{ cursor: "pointer" }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="label" />
            <YAxis />
            <Tooltip />
            <Bar dataKey="value" name={t(titleKey)} fill="#2f8f5b" isAnimationActive={false} />
          </BarChart>
        )}
      </ResponsiveContainer>
    );
  }
  return (
    <Card size="small" title={t(titleKey)} data-testid={testId} extra={<a onClick={open}>{t("dashboard.details")}</a>}>
      {chart}
    </Card>
  );
}

export function DashboardFigures({ fallback }: { fallback: ReactNode }) {
  const { client, granted, t, money, language } = useApp();
  const navigate = useNavigate();
  const allowed = can(granted, "reports", "view");
  const figures = useAsync(async () => (allowed ? client.get<Figures>("/v1/dashboard") : null), [client, allowed]);
  if (!allowed) return null;
  if (figures.error && isNotFound(figures.error)) return <>{fallback}</>;
  const data = figures.data;
  if (!data) return null;
  const thisMonth = data.billing_by_month?.at(-1);
  return (
    <div data-testid="dashboard-figures" style={{ marginTop: 16 }}>
      <Row gutter={[16, 16]}>
        <Col xs={12} md={6}>
          <Card size="small" onClick={() => navigate("/meters")} style={{ cursor: "pointer" }}>
            <Statistic title={t("dashboard.meters")} value={data.meter_status?.total ?? 0} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small" onClick={() => navigate("/meters")} style={{ cursor: "pointer" }}>
            <Statistic title={t("dashboard.inService")} value={data.meter_status?.by_state?.in_service ?? 0} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small" onClick={() => navigate("/reports?report=sales-monthly")} style={{ cursor: "pointer" }}>
            <Statistic title={t("dashboard.sales")} value={formatMoney(thisMonth?.sales_amount ?? "0", money, language)} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title={t("dashboard.openAlarms")} value={data.open_alarms?.total ?? 0} />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <ChartCard titleKey="dashboard.salesByMonth" link="/reports?report=sales-monthly" bars={salesByMonth(data)} testId="chart-sales-by-month" />
        </Col>
        <Col xs={24} lg={12}>
          <ChartCard titleKey="dashboard.metersByState" link="/meters" bars={countBars(data.meter_status?.by_state)} testId="chart-meters-by-state" />
        </Col>
        <Col xs={24} lg={12}>
          <ChartCard titleKey="dashboard.readingRate" link="/operations" bars={readingRatePercent(data)} line testId="chart-reading-rate" />
        </Col>
        <Col xs={24} lg={12}>
          <ChartCard titleKey="dashboard.topSalesPoints" link="/reports?report=power-vending" bars={topSalesPoints(data)} testId="chart-top-sales-points" />
        </Col>
        <Col xs={24} lg={12}>
          <ChartCard titleKey="dashboard.eventsByType" link="/reports" bars={eventsByType(data)} testId="chart-events-by-type" />
        </Col>
      </Row>
    </div>
  );
}

// This month's sales by day (the daily sales report), as a chart that opens the report itself.

import { Card, Empty } from "antd";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { useNavigate } from "react-router-dom";

import { useApp } from "../app/AppContext";
import { useAsync } from "../app/useAsync";
import { tenantToday } from "../lib/dates";
import { can } from "../lib/permissions";
import { chartPoints, type ReportAnswer } from "../reports/reportData";

export function SalesCard() {
  const { client, granted, t, me } = useApp();
  const navigate = useNavigate();
  const month = tenantToday(me?.settings?.timezone).slice(0, 7);
  const report = useAsync(
    async () => (can(granted, "reports", "view") ? client.get<ReportAnswer>("/v1/reports/sales-daily", { from: month, to: month, group: "day" }) : null),
    [client, granted, month],
  );
  if (!can(granted, "reports", "view")) return null;
  const points = report.data ? chartPoints(report.data) : [];
  return (
    <Card
      title={t("dashboard.sales")}
      style={{ marginTop: 16 }}
      data-testid="sales-chart"
      extra={<a onClick={() => navigate("/reports?report=sales-daily")}>{t("menu.reports")}</a>}
    >
      {points.length === 0 ? (
        <Empty description={t("reports.noRows")} />
      ) : (
        <ResponsiveContainer width="100%" height={260}>
          <BarChart data={points} onClick={() => navigate("/reports?report=sales-daily")} style={{ cursor: "pointer" }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="label" />
            <YAxis />
            <Tooltip />
            <Bar dataKey="sales_net" name={report.data?.columns.find((column) => column.key === "sales_net")?.title ?? "sales_net"} fill="#2f8f5b" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      )}
    </Card>
  );
}

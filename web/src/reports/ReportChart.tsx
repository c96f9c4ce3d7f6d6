// A report's rows as a bar chart of one measure (chosen by the operator).

import { Select, Space } from "antd";
import { useState } from "react";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

import { chartPoints, defaultMeasure, measureColumns, type ReportAnswer } from "./reportData";

export function ReportChart({ report }: { report: ReportAnswer }) {
  const measures = measureColumns(report);
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const measure = chosen && measures.some((column) => column.key === chosen) ? chosen : defaultMeasure(report);
  if (!measure) return null;
  const title = measures.find((column) => column.key === measure)?.title ?? measure;
  return (
    <div data-testid="report-chart">
      <Space style={{ marginBottom: 8 }}>
        <Select
          value={measure}
          onChange={setChosen}
          style={{ width: 240 }}
          options={measures.map((column) => ({ value: column.key, label: column.title }))}
        />
      </Space>
      <ResponsiveContainer width="100%" height={300}>
        <BarChart data={chartPoints(report)}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="label" interval="preserveStartEnd" />
          <YAxis />
          <Tooltip />
          <Bar dataKey={measure} name={title} fill="#0f5c8c" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

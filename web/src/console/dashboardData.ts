// GET /v1/dashboard's figures, shaped for the dashboard's charts.

export interface DashboardFigures {
  as_of: string;
  meter_status?: { total: number; by_state: Record<string, number> };
  reading_rate?: { rate: number; by_day: { day: string; rate: number; received: number; expected: number }[] };
  billing_by_month?: { month: string; sales_count: number; sales_amount: string; income: string }[];
  top_sales_points?: { sales_point: string; sales_amount: string }[];
  events_by_type?: { code: string; name: string; count: number; alarm?: boolean }[];
  open_alarms?: { total: number };
}

export interface Bar {
  label: string;
  value: number;
}

/** A count per name as bars, largest first. */
export function countBars(counts: Record<string, number> | undefined): Bar[] {
  return Object.entries(counts ?? {})
    .map(([label, value]) => ({ label, value: Number(value) || 0 }))
    .sort((left, right) => right.value - left.value);
}

export function salesByMonth(figures: DashboardFigures): Bar[] {
  return (figures.billing_by_month ?? []).map((month) => ({ label: month.month, value: Number(month.sales_amount) || 0 }));
}

export function readingRatePercent(figures: DashboardFigures): Bar[] {
  return (figures.reading_rate?.by_day ?? []).map((day) => ({ label: day.day.slice(5), value: Math.round(day.rate * 1000) / 10 }));
}

export function topSalesPoints(figures: DashboardFigures): Bar[] {
  return (figures.top_sales_points ?? []).map((point) => ({ label: point.sales_point, value: Number(point.sales_amount) || 0 }));
}

export function eventsByType(figures: DashboardFigures): Bar[] {
  return (figures.events_by_type ?? []).map((event) => ({ label: event.name || event.code, value: event.count }));
}

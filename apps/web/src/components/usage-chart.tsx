"use client";

import type { UsagePoint } from "@keyward/core";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

const tickFormat: Record<"minute" | "hour" | "day", Intl.DateTimeFormat> = {
  minute: new Intl.DateTimeFormat("en-US", { timeStyle: "short", timeZone: "UTC", hourCycle: "h23" }),
  hour: new Intl.DateTimeFormat("en-US", { timeStyle: "short", timeZone: "UTC", hourCycle: "h23" }),
  day: new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", timeZone: "UTC" }),
};

/** Allowed vs denied requests per bucket, stacked. The series is dense (one point per bucket), as queryUsage returns it. */
export function UsageChart({ points, granularity }: { points: UsagePoint[]; granularity: "minute" | "hour" | "day" }) {
  const data = points.map((p) => ({ bucket: p.bucket, allowed: p.allowed, denied: p.denied }));
  const format = (iso: string) => tickFormat[granularity].format(new Date(iso));
  return (
    <div className="h-64 w-full" data-testid="usage-chart">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e2e8f0" />
          <XAxis dataKey="bucket" tickFormatter={format} minTickGap={24} tick={{ fontSize: 12, fill: "#475569" }} />
          <YAxis allowDecimals={false} tick={{ fontSize: 12, fill: "#475569" }} />
          <Tooltip labelFormatter={(value) => `${format(String(value))} UTC`} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Bar dataKey="allowed" name="Allowed" stackId="requests" fill="#4f46e5" isAnimationActive={false} />
          <Bar dataKey="denied" name="Denied" stackId="requests" fill="#dc2626" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

"use client";

import type { USAGE_DENIAL_REASONS, UsagePoint } from "@keyward/core";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

const tickFormat: Record<"minute" | "hour" | "day", Intl.DateTimeFormat> = {
  minute: new Intl.DateTimeFormat("en-US", { timeStyle: "short", timeZone: "UTC", hourCycle: "h23" }),
  hour: new Intl.DateTimeFormat("en-US", { timeStyle: "short", timeZone: "UTC", hourCycle: "h23" }),
  day: new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", timeZone: "UTC" }),
};

/** Each refusal cause with its bar's name and colour: denials split by why, as the key page and the overview show them. */
const DENIALS: { reason: (typeof USAGE_DENIAL_REASONS)[number]; name: string; color: string }[] = [
  { reason: "rate_limited", name: "Rate limited", color: "#dc2626" },
  { reason: "insufficient_scope", name: "Missing scope", color: "#f59e0b" },
  { reason: "ip_not_allowed", name: "IP not allowed", color: "#ea580c" },
  { reason: "expired", name: "Expired", color: "#94a3b8" },
  { reason: "revoked", name: "Revoked", color: "#7f1d1d" },
  { reason: "company_suspended", name: "Company suspended", color: "#a21caf" },
];

/** Allowed requests and each cause of refusal per bucket, stacked. The series is dense (one point per bucket), as queryUsage returns it. */
export function UsageChart({ points, granularity }: { points: UsagePoint[]; granularity: "minute" | "hour" | "day" }) {
  const data = points.map((p) => ({ bucket: p.bucket, allowed: p.allowed, ...p.deniedByReason }));
  // Only the causes that occurred get a bar and a legend entry.
  const causes = DENIALS.filter((d) => points.some((p) => (p.deniedByReason[d.reason] ?? 0) > 0));
  const format = (iso: string) => tickFormat[granularity].format(new Date(iso));
  return (
    <div className="h-64 w-full" data-testid="usage-chart">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#94a3b8" strokeOpacity={0.4} />
          <XAxis dataKey="bucket" tickFormatter={format} minTickGap={24} tick={{ fontSize: 12, fill: "#64748b" }} />
          <YAxis allowDecimals={false} tick={{ fontSize: 12, fill: "#64748b" }} />
          <Tooltip labelFormatter={(value) => `${format(String(value))} UTC`} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Bar dataKey="allowed" name="Allowed" stackId="requests" fill="#4f46e5" isAnimationActive={false} />
          {causes.map((d) => (
            <Bar
              key={d.reason}
              dataKey={d.reason}
              name={d.name}
              stackId="requests"
              fill={d.color}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

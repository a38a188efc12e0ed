"use client";

import { useEffect, useState } from "react";

function remaining(ms: number): string {
  if (ms <= 0) return "now";
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3_600);
  const m = Math.floor((s % 3_600) / 60);
  const sec = s % 60;
  if (d > 0) return `${d}d ${h}h ${m}m`;
  if (h > 0) return `${h}h ${m}m ${sec}s`;
  return `${m}m ${sec}s`;
}

/**
 * Time left until `until`, ticking each second. The first render uses the server's `now`, so the
 * server's HTML and the browser's first render agree.
 */
export function Countdown({ until, now }: { until: string; now: number }) {
  const [current, setCurrent] = useState(now);
  useEffect(() => {
    setCurrent(Date.now());
    const timer = setInterval(() => setCurrent(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const left = new Date(until).getTime() - current;
  return (
    <time dateTime={until} data-testid="countdown">
      {left <= 0 ? "stopped working" : `stops working in ${remaining(left)}`}
    </time>
  );
}

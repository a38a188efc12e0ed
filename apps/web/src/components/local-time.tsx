"use client";
// A moment in the reader's own locale and time zone, its exact ISO time on hover. The server cannot
// know the reader's zone, so it renders UTC (labelled) and the browser swaps in local time on hydration
// (useSyncExternalStore's server snapshot: no hydration mismatch, no flash of a wrong zone after it).
import { useSyncExternalStore } from "react";

const LOCAL = {
  dateTime: new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }),
  date: new Intl.DateTimeFormat(undefined, { dateStyle: "medium" }),
};
const UTC = {
  dateTime: new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }),
  date: new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone: "UTC" }),
};

// The locale and zone never change while the page is open: nothing to subscribe to.
const subscribe = () => () => {};

export function LocalTime({
  iso,
  dateOnly = false,
  className,
}: {
  iso: string;
  dateOnly?: boolean;
  className?: string;
}) {
  const date = new Date(iso);
  const style = dateOnly ? "date" : "dateTime";
  const text = useSyncExternalStore(
    subscribe,
    () => LOCAL[style].format(date),
    () => `${UTC[style].format(date)}${dateOnly ? "" : " UTC"}`,
  );
  return (
    <time dateTime={iso} title={iso} className={className}>
      {text}
    </time>
  );
}

// The rule kinds as the form and the page name them (a plain module: the page is a server component
// and cannot read values out of the "use client" form module).
export const KINDS = [
  {
    value: "auth_failures",
    label: "Auth failure burst",
    hint: "N refused requests (revoked, expired, scope, IP, rate limit) in W seconds",
  },
  { value: "request_spike", label: "Request spike", hint: "More than N requests in W seconds" },
  { value: "rate_limited", label: "Rate limit hits", hint: "A key hit its rate limit N times in W seconds" },
  {
    value: "new_ip",
    label: "New IP address",
    hint: "A key used from an IP it was never seen from (its first IP is the baseline)",
  },
  { value: "expiring", label: "Key expiring", hint: "A key expires within D days" },
] as const;

// The keys list's status filter, read by the page (server) and the filter bar (client): a plain
// module, since a value exported by a "use client" file reaches a server component only as a reference.
/** The status filter's choices; "" is the default, keys that still work. */
export const STATUS_CHOICES = [
  { value: "", label: "Current keys" },
  { value: "all", label: "All keys" },
  { value: "active", label: "Active" },
  { value: "expiring", label: "Expiring" },
  { value: "expired", label: "Expired" },
  { value: "revoked", label: "Revoked" },
] as const;

import type { PublicKey } from "@keyward/core";

const STYLES: Record<PublicKey["status"], string> = {
  active: "bg-emerald-50 text-emerald-700 ring-emerald-600/20",
  expiring: "bg-amber-50 text-amber-800 ring-amber-600/20",
  expired: "bg-slate-100 text-slate-600 ring-slate-500/20",
  revoked: "bg-red-50 text-red-700 ring-red-600/20",
};

const LABELS: Record<PublicKey["status"], string> = {
  active: "Active",
  expiring: "Expiring",
  expired: "Expired",
  revoked: "Revoked",
};

export function StatusBadge({ status }: { status: PublicKey["status"] }) {
  return (
    <span
      data-testid="key-status"
      className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STYLES[status]}`}
    >
      <span aria-hidden="true" className="size-1.5 rounded-full bg-current" />
      {LABELS[status]}
    </span>
  );
}

export function EnvironmentBadge({ environment }: { environment: PublicKey["environment"] }) {
  return environment === "live" ? (
    <span className="inline-flex rounded-md bg-indigo-50 px-1.5 py-0.5 text-xs font-medium text-indigo-700 ring-1 ring-indigo-600/20 ring-inset">
      Live
    </span>
  ) : (
    <span className="inline-flex rounded-md bg-orange-50 px-1.5 py-0.5 text-xs font-medium text-orange-700 ring-1 ring-orange-600/20 ring-inset">
      Test
    </span>
  );
}

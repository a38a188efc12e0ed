import type { PublicKey } from "@keyward/core";
import { ENVIRONMENT_LABEL } from "./labels";

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

const ENVIRONMENT_STYLES: Record<PublicKey["environment"], string> = {
  live: "bg-indigo-50 text-indigo-700 ring-indigo-600/20",
  test: "bg-orange-50 text-orange-700 ring-orange-600/20",
};

export function EnvironmentBadge({ environment }: { environment: PublicKey["environment"] }) {
  return (
    <span
      className={`inline-flex rounded-md px-1.5 py-0.5 text-xs font-medium ring-1 ring-inset ${ENVIRONMENT_STYLES[environment]}`}
    >
      {ENVIRONMENT_LABEL[environment]}
    </span>
  );
}

import { KeywardError } from "@keyward/auth-core";
import {
  auditEventsQuerySchema,
  getKey,
  listAuditEvents,
  type PublicKey,
  queryUsage,
  usageQuerySchema,
} from "@keyward/core";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { z } from "zod";
import { AuditTable } from "@/components/audit-table";
import { Countdown } from "@/components/countdown";
import { CurlExample } from "@/components/curl-example";
import { formatRelative } from "@/components/format";
import { LocalTime } from "@/components/local-time";
import { EnvironmentBadge, StatusBadge } from "@/components/status-badge";
import { card } from "@/components/styles";
import { UsageChart } from "@/components/usage-chart";
import { getDb } from "@/server/db";
import { namesFor } from "@/server/names";
import { canManageKeys, requireMember } from "@/server/session";
import { editKeyValues } from "../key-form";
import { KeyActions } from "./key-actions";

export const metadata: Metadata = { title: "Key" };

const GRANULARITIES = [
  { value: "minute", label: "Last hour", unit: "per minute" },
  { value: "hour", label: "Last 24 hours", unit: "per hour" },
  { value: "day", label: "Last 30 days", unit: "per day" },
] as const;

type Granularity = (typeof GRANULARITIES)[number]["value"];

async function findKey(companyId: string, id: string): Promise<PublicKey> {
  try {
    return await getKey(await getDb(), companyId, id);
  } catch (error) {
    // Another company's key is "not found", exactly as a missing one (docs/api.md#scopes).
    if (error instanceof KeywardError && error.code === "NOT_FOUND") notFound();
    throw error;
  }
}

export default async function KeyPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const member = await requireMember();
  const { id: rawId } = await params;
  const id = z.uuid().safeParse(rawId);
  if (!id.success) notFound();
  const { granularity: rawGranularity } = await searchParams;
  const granularity: Granularity = z.enum(["minute", "hour", "day"]).safeParse(rawGranularity).data ?? "hour";

  const db = await getDb();
  const key = await findKey(member.companyId, id.data);
  const [usage, audit, successor, predecessor] = await Promise.all([
    queryUsage(db, member.companyId, usageQuerySchema.parse({ keyId: key.id, granularity })),
    listAuditEvents(db, member.companyId, auditEventsQuerySchema.parse({ keyId: key.id, limit: 25 })),
    db.apiKey.findFirst({
      where: { companyId: member.companyId, rotatedFromId: key.id },
      orderBy: { id: "desc" },
      select: { id: true, name: true, start: true },
    }),
    key.rotatedFromId
      ? db.apiKey.findFirst({
          where: { companyId: member.companyId, id: key.rotatedFromId },
          select: { id: true, name: true, start: true },
        })
      : null,
  ]);
  const names = await namesFor(db, member.companyId, audit.data);
  const totals = usage.data.reduce((t, p) => ({ allowed: t.allowed + p.allowed, denied: t.denied + p.denied }), {
    allowed: 0,
    denied: 0,
  });
  const now = Date.now();
  const changeable = canManageKeys(member) && (key.status === "active" || key.status === "expiring");
  const unit = GRANULARITIES.find((g) => g.value === granularity)?.unit;

  return (
    <div className="space-y-6">
      <div>
        <Link href="/keys" className="text-sm font-medium text-slate-500 hover:text-slate-900">
          ← API keys
        </Link>
        <div className="mt-2 flex flex-wrap items-start justify-between gap-4">
          <div className="min-w-0">
            <h1 className="truncate text-2xl font-semibold tracking-tight text-slate-900" data-testid="key-name">
              {key.name}
            </h1>
            <div className="mt-1.5 flex flex-wrap items-center gap-2 text-sm text-slate-500">
              <code className="font-mono text-xs text-slate-700" data-testid="key-start">
                {key.start}…
              </code>
              <EnvironmentBadge environment={key.environment} />
              <StatusBadge status={key.status} />
            </div>
          </div>
          {canManageKeys(member) ? (
            <KeyActions
              keyId={key.id}
              keyName={key.name}
              changeable={changeable}
              edit={key.status === "revoked" ? null : editKeyValues(key)}
              curl={<CurlExample />}
            />
          ) : (
            <p className="text-sm text-slate-500" data-testid="viewer-note">
              Your role ({member.role}) can view this key but not change it.
            </p>
          )}
        </div>
      </div>

      {key.graceEndsAt && key.status === "expiring" ? (
        <div
          className="rounded-lg bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-amber-600/20 ring-inset"
          data-testid="grace-banner"
        >
          <strong className="font-semibold">Rotated:</strong> this key <Countdown until={key.graceEndsAt} now={now} /> (
          <LocalTime iso={key.graceEndsAt} />
          ).{" "}
          {successor ? (
            <Link href={`/keys/${successor.id}`} className="font-semibold underline">
              Go to the new key
            </Link>
          ) : null}
        </div>
      ) : null}
      {key.status === "revoked" ? (
        <div
          className="rounded-lg bg-red-50 px-4 py-3 text-sm text-red-800 ring-1 ring-red-600/20 ring-inset"
          data-testid="revoked-banner"
        >
          Revoked {key.revokedAt ? <LocalTime iso={key.revokedAt} /> : null}
          {key.revokedReason ? <> · Reason: {key.revokedReason}</> : null}. It no longer works.
          {successor ? (
            <>
              {" "}
              <Link href={`/keys/${successor.id}`} className="font-semibold underline">
                Go to the new key
              </Link>
            </>
          ) : null}
        </div>
      ) : null}

      <dl className={`${card} grid gap-x-6 gap-y-4 p-5 text-sm sm:grid-cols-2 lg:grid-cols-4`}>
        <Detail term="Last used">
          <span data-testid="last-used">
            {key.lastUsedAt ? (
              <>
                {formatRelative(key.lastUsedAt, now)} · <LocalTime iso={key.lastUsedAt} />
              </>
            ) : (
              "Never"
            )}
          </span>
        </Detail>
        <Detail term="Last IP">
          <span className="font-mono text-xs" data-testid="last-used-ip">
            {key.lastUsedIp ?? "—"}
          </span>
        </Detail>
        <Detail term="Created">
          <LocalTime iso={key.createdAt} />
        </Detail>
        <Detail term="Expires">
          {/* A revoked key no longer works: an expiry still ahead would suggest it does until then. */}
          <span data-testid="key-expires">
            {key.status === "revoked" ? "— (revoked)" : key.expiresAt ? <LocalTime iso={key.expiresAt} /> : "Never"}
          </span>
        </Detail>
        <Detail term="Scopes">
          <span className="flex flex-wrap gap-1">
            {key.scopes.map((scope) => (
              <code key={scope} className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-700">
                {scope}
              </code>
            ))}
          </span>
        </Detail>
        <Detail term="Fingerprint">
          <code className="font-mono text-xs">{key.fingerprint}</code>
        </Detail>
        <Detail term="IP allowlist">
          <span data-testid="key-ip-allowlist">{key.ipAllowlist.length ? key.ipAllowlist.join(", ") : "Any"}</span>
        </Detail>
        <Detail term="Rate limit">
          <span data-testid="key-rate-limit">
            {key.rateLimit ? `${key.rateLimit.limit} per ${key.rateLimit.windowSeconds} s` : "None"}
          </span>
        </Detail>
        <Detail term="Metadata">
          {key.metadata == null ? (
            "None"
          ) : (
            <code className="font-mono text-xs break-all" data-testid="key-metadata">
              {JSON.stringify(key.metadata)}
            </code>
          )}
        </Detail>
        {/* A rotation's two keys point at each other, so either leads to the other. */}
        {predecessor ? (
          <Detail term="Replaces">
            <KeyLink apiKey={predecessor} testId="replaces-link" />
          </Detail>
        ) : null}
        {successor ? (
          <Detail term="Replaced by">
            <KeyLink apiKey={successor} testId="replaced-by-link" />
          </Detail>
        ) : null}
      </dl>

      <section aria-labelledby="usage-heading" className={`${card} p-5`}>
        <div className="flex flex-wrap items-center justify-between gap-3">
          <div>
            <h2 id="usage-heading" className="text-base font-semibold text-slate-900">
              Usage
            </h2>
            <p className="text-sm text-slate-500" data-testid="usage-totals">
              {totals.allowed} allowed · {totals.denied} denied, {unit} (UTC)
            </p>
          </div>
          <nav aria-label="Usage range" className="inline-flex rounded-lg bg-slate-100 p-1">
            {GRANULARITIES.map((g) => (
              <Link
                key={g.value}
                href={`/keys/${key.id}?granularity=${g.value}`}
                aria-current={g.value === granularity ? "page" : undefined}
                scroll={false}
                className={`rounded-md px-3 py-1 text-sm font-medium ${
                  g.value === granularity ? "bg-white text-slate-900 shadow-sm" : "text-slate-600 hover:text-slate-900"
                }`}
              >
                {g.label}
              </Link>
            ))}
          </nav>
        </div>
        <div className="mt-4">
          {totals.allowed + totals.denied === 0 ? (
            <p className="py-10 text-center text-sm text-slate-500" data-testid="usage-empty">
              No requests with this key in this period. Counts arrive within a few seconds of use.
            </p>
          ) : (
            <UsageChart points={usage.data} granularity={granularity} />
          )}
        </div>
      </section>

      <section aria-labelledby="audit-heading" className="space-y-3">
        <div className="flex items-baseline justify-between">
          <h2 id="audit-heading" className="text-base font-semibold text-slate-900">
            Audit trail
          </h2>
          <Link
            href={`/audit?key=${key.id}`}
            className="text-sm font-medium text-indigo-700 hover:underline"
            data-testid="full-audit-link"
          >
            All events for this key →
          </Link>
        </div>
        {audit.data.length === 0 ? (
          <p className={`${card} px-6 py-10 text-center text-sm text-slate-500`}>No events for this key yet.</p>
        ) : (
          <AuditTable events={audit.data} names={names} showKey={false} />
        )}
      </section>
    </div>
  );
}

function KeyLink({ apiKey, testId }: { apiKey: { id: string; name: string; start: string }; testId: string }) {
  return (
    <Link href={`/keys/${apiKey.id}`} className="font-medium text-indigo-700 hover:underline" data-testid={testId}>
      {apiKey.name} <code className="font-mono text-xs">{apiKey.start}…</code>
    </Link>
  );
}

function Detail({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs font-medium text-slate-500">{term}</dt>
      <dd className="mt-1 break-words text-slate-800">{children}</dd>
    </div>
  );
}

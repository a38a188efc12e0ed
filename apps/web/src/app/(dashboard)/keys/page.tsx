import { listKeys, listKeysQuerySchema, type PublicKey } from "@keyward/core";
import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";
import { CopyButton } from "@/components/copy-button";
import { CurlExample } from "@/components/curl-example";
import { CellLabel, DataTable, tableCell, tableRow, tableWideCell } from "@/components/data-table";
import { formatRelative } from "@/components/format";
import { ENVIRONMENT_LABEL, ENVIRONMENT_OPTIONS } from "@/components/labels";
import { LocalTime } from "@/components/local-time";
import { ScopeChips } from "@/components/scope-chips";
import { EnvironmentBadge, StatusBadge } from "@/components/status-badge";
import { buttonPrimary, buttonSecondary, card } from "@/components/styles";
import { getDb } from "@/server/db";
import { canManageKeys, requireMember } from "@/server/session";
import { KeyFilters } from "./key-filters";
import { KeyRowActions } from "./key-row-actions";
import { STATUS_CHOICES } from "./status-choices";

export const metadata: Metadata = { title: "API keys" };

const PAGE_SIZE = 25;

type SearchParams = Record<string, string | string[] | undefined>;

const one = (value: string | string[] | undefined): string | undefined => {
  const v = Array.isArray(value) ? value[0] : value;
  return v === undefined || v === "" ? undefined : v;
};

/**
 * The URL's status as the list's filter: none means keys that still work (revoked and expired ones are
 * shown when asked for), `all` means no filter.
 */
function dashboardStatus(status: string | undefined): string | undefined {
  if (status === "all") return undefined;
  return STATUS_CHOICES.some((c) => c.value === status) ? status : "current";
}

/** The list query from the URL; a malformed filter is dropped rather than failing the page. */
function parseQuery(params: SearchParams) {
  const fields = {
    environment: one(params.environment),
    status: dashboardStatus(one(params.status)),
    q: one(params.q),
    cursor: one(params.cursor),
    before: one(params.before),
  };
  const query: Record<string, string> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    const single = listKeysQuerySchema.safeParse({ [name]: value });
    if (single.success) query[name] = value;
  }
  // Both directions at once is a hand-made URL: follow the cursor.
  if (query.cursor && query.before) delete query.before;
  return listKeysQuerySchema.parse({ ...query, limit: PAGE_SIZE });
}

function hrefWith(
  query: { environment?: string; status?: string; q?: string },
  page?: { cursor?: string; before?: string },
): string {
  const params = new URLSearchParams();
  if (query.environment) params.set("environment", query.environment);
  if (query.status) params.set("status", query.status);
  if (query.q) params.set("q", query.q);
  if (page?.cursor) params.set("cursor", page.cursor);
  if (page?.before) params.set("before", page.before);
  const s = params.toString();
  return s ? `/keys?${s}` : "/keys";
}

export default async function KeysPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const member = await requireMember();
  const params = await searchParams;
  const query = parseQuery(params);
  // What the URL says, for links that keep the filters: the raw status ("" for the default, "all").
  const status = STATUS_CHOICES.some((c) => c.value === one(params.status)) ? (one(params.status) ?? "") : "";
  const kept = { environment: query.environment, status: status || undefined, q: query.q };
  const created = z.uuid().safeParse(one(params.created)).data;
  const page = await listKeys(await getDb(), member.companyId, query);
  const filtered = Boolean(status || query.q);
  const canCreate = canManageKeys(member);

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight text-slate-900">API keys</h1>
          <p className="mt-1 text-sm text-slate-500">
            Keys let your services and CI call the Keyward API. Secrets are shown once, at creation.
          </p>
        </div>
        <div className="flex flex-wrap items-center gap-3">
          <EnvironmentSwitch query={kept} />
          {canCreate ? (
            <Link
              href={query.environment ? `/keys/new?environment=${query.environment}` : "/keys/new"}
              className={buttonPrimary}
              data-testid="create-key-link"
            >
              <span aria-hidden="true">+</span> Create {query.environment ? `${query.environment} ` : ""}key
            </Link>
          ) : (
            <p className="text-sm text-slate-500">Viewers can see keys but not create them.</p>
          )}
        </div>
      </div>

      {query.environment === "test" ? (
        <p
          className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800 ring-1 ring-amber-600/20 ring-inset"
          data-testid="test-mode-banner"
        >
          Test mode: only test keys are listed. They contain <code className="font-mono">_test_</code>.
        </p>
      ) : null}

      {/* Keyed by the environment: the Live/Test switch starts a fresh search. */}
      <KeyFilters key={query.environment ?? ""} environment={query.environment} status={status} q={query.q ?? ""} />
      {filtered ? (
        <p className="-mt-3 text-sm">
          <Link
            href={hrefWith({ environment: query.environment })}
            className="font-medium text-slate-500 hover:text-slate-900"
          >
            Clear filters
          </Link>
        </p>
      ) : null}

      {page.data.length === 0 ? (
        <EmptyState filtered={filtered} canCreate={canCreate} firstPage={!query.cursor && !query.before} />
      ) : (
        <div className={`${card} overflow-hidden`}>
          <DataTable
            testId="keys-table"
            columns={["Name", "Key", "Environment", "Scopes", "Status", "Created", "Expires", "Last used"]}
          >
            {page.data.map((key) => (
              <KeyRow key={key.id} apiKey={key} highlighted={key.id === created} manage={canCreate} />
            ))}
          </DataTable>
          <nav
            aria-label="Pagination"
            className="flex items-center justify-between border-t border-slate-200 bg-slate-50/50 px-4 py-3 text-sm"
          >
            <span className="text-slate-500">
              {page.data.length} {page.data.length === 1 ? "key" : "keys"} on this page
            </span>
            <div className="flex gap-2">
              {page.prevCursor ? (
                <>
                  <Link href={hrefWith(kept)} className={buttonSecondary}>
                    ⇤ First page
                  </Link>
                  <Link
                    href={hrefWith(kept, { before: page.prevCursor })}
                    className={buttonSecondary}
                    data-testid="previous-page"
                  >
                    ← Previous page
                  </Link>
                </>
              ) : null}
              {page.nextCursor ? (
                <Link
                  href={hrefWith(kept, { cursor: page.nextCursor })}
                  className={buttonSecondary}
                  data-testid="next-page"
                >
                  Next page →
                </Link>
              ) : null}
            </div>
          </nav>
        </div>
      )}
    </div>
  );
}

const SWITCH_OPTIONS = [
  { value: undefined, label: "All" },
  ...ENVIRONMENT_OPTIONS.map((value) => ({ value, label: ENVIRONMENT_LABEL[value] })),
];

/** Stripe-style Live/Test switch: links that set `?environment=`, keeping the other filters and dropping the cursor. */
function EnvironmentSwitch({ query }: { query: { environment?: string; status?: string; q?: string } }) {
  return (
    <nav aria-label="Key mode" className="inline-flex rounded-lg bg-slate-100 p-1 text-sm font-medium">
      {SWITCH_OPTIONS.map((option) => {
        const active = query.environment === option.value;
        const activeStyle =
          option.value === "test"
            ? "bg-amber-100 text-amber-900 shadow-sm ring-1 ring-amber-600/30"
            : "bg-white text-slate-900 shadow-sm";
        return (
          <Link
            key={option.label}
            href={hrefWith({ ...query, environment: option.value })}
            aria-current={active ? "page" : undefined}
            data-testid={`mode-${option.value ?? "all"}`}
            className={`rounded-md px-3 py-1.5 ${active ? activeStyle : "text-slate-600 hover:text-slate-900"}`}
          >
            {option.label}
          </Link>
        );
      })}
    </nav>
  );
}

/** When the key stops working, if it has not already: nothing for a revoked key, "Expired …" for an expired one. */
function ExpiryCell({ apiKey }: { apiKey: PublicKey }) {
  const end = apiKey.graceEndsAt ?? apiKey.expiresAt;
  if (apiKey.status === "revoked") return <span className="text-slate-500">—</span>;
  if (!end) return <>Never</>;
  return (
    <span title={end}>{apiKey.status === "expired" ? `Expired ${formatRelative(end)}` : formatRelative(end)}</span>
  );
}

/** Rotate and revoke apply to keys that still work, as on the key's page. */
const changeable = (key: PublicKey) => key.status === "active" || key.status === "expiring";

/** `manage`: the member may change keys, so a key that still works has Rotate and Revoke under its name. */
function KeyRow({ apiKey, highlighted, manage }: { apiKey: PublicKey; highlighted: boolean; manage: boolean }) {
  return (
    <tr
      data-testid="key-row"
      data-key-id={apiKey.id}
      className={`${tableRow} ${highlighted ? "bg-indigo-50/60" : "hover:bg-slate-50/60"}`}
    >
      <td className={tableWideCell}>
        <Link
          href={`/keys/${apiKey.id}`}
          className="block min-w-32 font-medium text-slate-900 underline-offset-2 hover:text-indigo-700 hover:underline"
          data-testid="key-link"
        >
          {apiKey.name}
        </Link>
        <div className="flex items-center gap-2">
          <span
            className="font-mono text-xs text-slate-500"
            title="Fingerprint: the first 8 hex characters of the key's SHA-256"
          >
            {apiKey.fingerprint}
          </span>
          <CopyButton value={apiKey.id} label={`Copy the id of ${apiKey.name}`} testId="copy-key-id" />
        </div>
        {apiKey.rotatedFromId ? (
          <Link
            href={`/keys/${apiKey.rotatedFromId}`}
            className="text-xs text-indigo-700 underline-offset-2 hover:underline"
            data-testid="replaces-key"
          >
            Replaces an earlier key
          </Link>
        ) : null}
        {manage && changeable(apiKey) ? (
          <KeyRowActions keyId={apiKey.id} keyName={apiKey.name} curl={<CurlExample />} />
        ) : null}
      </td>
      <td className={`${tableCell} font-mono text-xs whitespace-nowrap text-slate-700`}>
        <CellLabel>Key</CellLabel>
        <span data-testid="key-start">{apiKey.start}…</span>
      </td>
      <td className={tableCell}>
        <CellLabel>Environment</CellLabel>
        <EnvironmentBadge environment={apiKey.environment} />
      </td>
      <td className={tableCell}>
        <CellLabel>Scopes</CellLabel>
        <ScopeChips scopes={apiKey.scopes} testId="key-scopes" />
      </td>
      <td className={tableCell}>
        <CellLabel>Status</CellLabel>
        <StatusBadge status={apiKey.status} />
      </td>
      <td className={`${tableCell} whitespace-nowrap text-slate-600`}>
        <CellLabel>Created</CellLabel>
        <LocalTime iso={apiKey.createdAt} dateOnly />
      </td>
      <td className={`${tableCell} whitespace-nowrap text-slate-600`}>
        <CellLabel>Expires</CellLabel>
        <span data-testid="key-expires">
          <ExpiryCell apiKey={apiKey} />
        </span>
      </td>
      <td
        className={`${tableCell} whitespace-nowrap text-slate-600`}
        title={apiKey.lastUsedAt ? `${apiKey.lastUsedAt} from ${apiKey.lastUsedIp ?? "unknown IP"}` : undefined}
      >
        <CellLabel>Last used</CellLabel>
        {formatRelative(apiKey.lastUsedAt)}
      </td>
    </tr>
  );
}

function EmptyState({ filtered, canCreate, firstPage }: { filtered: boolean; canCreate: boolean; firstPage: boolean }) {
  if (filtered || !firstPage) {
    return (
      <div className={`${card} px-6 py-14 text-center`} data-testid="keys-empty">
        <p className="font-medium text-slate-900">No keys match these filters</p>
        <p className="mt-1 text-sm text-slate-500">Try another search, or clear the filters to see every key.</p>
        <Link href="/keys" className={`${buttonSecondary} mt-5`}>
          Clear filters
        </Link>
      </div>
    );
  }
  return (
    <div className={`${card} px-6 py-14 text-center`} data-testid="keys-empty">
      <div className="mx-auto flex size-12 items-center justify-center rounded-full bg-indigo-50 text-indigo-600">
        <svg aria-hidden="true" viewBox="0 0 20 20" fill="currentColor" className="size-6">
          <path
            fillRule="evenodd"
            d="M8 7a5 5 0 1 1 3.61 4.804l-1.903 1.903A1 1 0 0 1 9 14H8v1a1 1 0 0 1-1 1H6v1a1 1 0 0 1-1 1H3a1 1 0 0 1-1-1v-2a1 1 0 0 1 .293-.707L8.196 8.39A5.002 5.002 0 0 1 8 7Z"
            clipRule="evenodd"
          />
        </svg>
      </div>
      <p className="mt-4 font-medium text-slate-900">No API keys yet</p>
      <p className="mx-auto mt-1 max-w-md text-sm text-slate-500">
        {canCreate
          ? "Create a key for each service or CI pipeline that calls the API. Give CI a read-only test key; keep admin keys for trusted services."
          : "An owner or admin of your company can create keys."}
      </p>
      {canCreate ? (
        <Link href="/keys/new" className={`${buttonPrimary} mt-5`}>
          Create your first key
        </Link>
      ) : null}
      <div className="mx-auto mt-8 max-w-lg text-left">
        <p className="mb-2 text-xs font-medium text-slate-500">Then call the API with it:</p>
        <CurlExample />
      </div>
    </div>
  );
}

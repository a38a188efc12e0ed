import {
  listAlertRules,
  listAlerts,
  listKeys,
  markAlertsSeen,
  type PublicAlert,
  type PublicAlertRule,
} from "@keyward/core";
import type { Metadata } from "next";
import { LocalTime } from "@/components/local-time";
import { card } from "@/components/styles";
import { env } from "@/env";
import { getDb } from "@/server/db";
import { canManageKeys, requireMember } from "@/server/session";
import { KINDS } from "./kinds";
import { RuleActions, RuleCreateForm } from "./rule-forms";

export const metadata: Metadata = { title: "Alerts" };

const KIND_LABEL: Record<string, string> = Object.fromEntries(KINDS.map((k) => [k.value, k.label]));

const STATUS_STYLE: Record<PublicAlert["deliveryStatus"], string> = {
  delivered: "bg-emerald-50 text-emerald-700 ring-emerald-600/20",
  pending: "bg-amber-50 text-amber-800 ring-amber-600/20",
  failed: "bg-red-50 text-red-700 ring-red-600/20",
  none: "bg-slate-100 text-slate-600 ring-slate-500/20",
};

function describeRule(rule: PublicAlertRule, keyNames: Map<string, string>): string {
  const who = rule.keyId
    ? `key ${keyNames.get(rule.keyId) ?? rule.keyId}`
    : rule.environment
      ? `all ${rule.environment} keys`
      : "all keys";
  const what =
    rule.kind === "expiring"
      ? `expiry within ${rule.days} days`
      : rule.kind === "new_ip"
        ? "a new IP address"
        : `${rule.kind === "request_spike" ? "more than " : ""}${rule.threshold} in ${rule.windowSeconds} s`;
  return `${what} · ${who} · cooldown ${rule.cooldownSeconds} s`;
}

export default async function AlertsPage() {
  const member = await requireMember();
  const db = await getDb();
  const [rules, alerts, keys] = await Promise.all([
    listAlertRules(db, member.companyId, { limit: 100 }),
    listAlerts(db, member.companyId, { limit: 50 }),
    listKeys(db, member.companyId, { limit: 100 }),
  ]);
  const manage = canManageKeys(member);
  // Opening this page is seeing them: the badge in the navigation counts only alerts fired since. A
  // viewer changes nothing (docs/api.md#scopes), this included: their visit leaves the badge to those who act.
  if (manage) await markAlertsSeen(db, member.companyId);
  const keyNames = new Map(keys.data.map((k) => [k.id, k.name]));
  const keyOptions = keys.data.map((k) => ({ id: k.id, name: k.name, start: k.start, status: k.status }));
  const emailEnabled = Boolean(env.SMTP_URL);

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Alerts</h1>
        <p className="mt-1 text-sm text-slate-500">
          Rules watch your keys on every API replica; each incident fires one alert, delivered by a signed webhook and
          by email.
        </p>
      </div>

      {manage ? (
        <section aria-labelledby="new-rule-heading" className={`${card} p-5`}>
          <h2 id="new-rule-heading" className="mb-3 text-base font-semibold text-slate-900">
            New rule
          </h2>
          <RuleCreateForm keys={keyOptions} emailEnabled={emailEnabled} />
        </section>
      ) : null}

      <section aria-labelledby="rules-heading" className={`${card} overflow-hidden`}>
        <h2 id="rules-heading" className="border-b border-slate-200 px-5 py-3 text-base font-semibold text-slate-900">
          {rules.data.length} {rules.data.length === 1 ? "rule" : "rules"}
        </h2>
        {rules.data.length === 0 ? (
          <p className="px-5 py-4 text-sm text-slate-500">No rules yet.</p>
        ) : (
          <ul className="divide-y divide-slate-100" data-testid="rules-list">
            {rules.data.map((rule) => (
              <li key={rule.id} className="space-y-2 px-5 py-3" data-testid="rule-row" data-name={rule.name}>
                <div className="flex flex-wrap items-center justify-between gap-3">
                  <div className="min-w-0">
                    <p className="font-medium text-slate-900">
                      {rule.name}{" "}
                      <span className="ml-1 rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-600">
                        {KIND_LABEL[rule.kind]}
                      </span>
                      <span
                        className={`ml-1 rounded-full px-2 py-0.5 text-xs font-medium ${rule.enabled ? "bg-emerald-50 text-emerald-700" : "bg-slate-100 text-slate-500"}`}
                        data-testid="rule-enabled"
                      >
                        {rule.enabled ? "Enabled" : "Disabled"}
                      </span>
                    </p>
                    <p className="text-xs text-slate-500">{describeRule(rule, keyNames)}</p>
                    <p className="text-xs text-slate-500">
                      {rule.channels
                        .map((c) => (c.type === "webhook" ? `webhook ${c.url}` : `email ${c.to.join(", ")}`))
                        .join(" · ")}
                      {rule.lastFiredAt ? (
                        <>
                          {" · last fired "}
                          <LocalTime iso={rule.lastFiredAt} />
                        </>
                      ) : null}
                    </p>
                  </div>
                  {manage ? <RuleActions rule={rule} keys={keyOptions} emailEnabled={emailEnabled} /> : null}
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="alerts-heading" className={`${card} overflow-hidden`}>
        <h2 id="alerts-heading" className="border-b border-slate-200 px-5 py-3 text-base font-semibold text-slate-900">
          Fired alerts
        </h2>
        {alerts.data.length === 0 ? (
          <p className="px-5 py-4 text-sm text-slate-500">Nothing has fired yet.</p>
        ) : (
          <ul className="divide-y divide-slate-100" data-testid="alerts-list">
            {alerts.data.map((alert) => (
              <li
                key={alert.id}
                className="space-y-2 px-5 py-3"
                data-testid="alert-row"
                data-kind={alert.kind}
                data-status={alert.deliveryStatus}
              >
                <div className="flex flex-wrap items-center justify-between gap-2">
                  <p className="text-sm font-medium text-slate-900">
                    {alert.seenAt === null ? (
                      <span className="mr-2 rounded-full bg-indigo-600 px-2 py-0.5 text-xs font-semibold text-white">
                        New
                      </span>
                    ) : null}
                    {alert.payload.summary}
                  </p>
                  <span
                    className={`rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STATUS_STYLE[alert.deliveryStatus]}`}
                    data-testid="alert-status"
                  >
                    {alert.deliveryStatus}
                  </span>
                </div>
                <p className="text-xs text-slate-500">
                  <LocalTime iso={alert.firedAt} />
                  {alert.payload.key ? ` · key ${alert.payload.key.name} (${alert.payload.key.fingerprint})` : ""}
                  {` · count ${alert.count}`}
                </p>
                <details className="text-xs">
                  <summary className="cursor-pointer text-slate-600">Deliveries and payload</summary>
                  <table className="mt-2 w-full text-left">
                    <thead className="text-slate-500">
                      <tr>
                        <th className="py-1 pr-3 font-medium">Channel</th>
                        <th className="py-1 pr-3 font-medium">Target</th>
                        <th className="py-1 pr-3 font-medium">Attempt</th>
                        <th className="py-1 pr-3 font-medium">Status</th>
                        <th className="py-1 pr-3 font-medium">At</th>
                      </tr>
                    </thead>
                    <tbody>
                      {alert.deliveries.map((d) => (
                        <tr key={d.id} data-testid="delivery-row" data-status={d.status}>
                          <td className="py-1 pr-3">{d.channelType}</td>
                          <td className="py-1 pr-3 break-all">{d.target}</td>
                          <td className="py-1 pr-3">{d.attempt}</td>
                          <td className="py-1 pr-3">
                            {d.status}
                            {d.responseStatus ? ` (${d.responseStatus})` : ""}
                            {d.error ? ` — ${d.error}` : ""}
                          </td>
                          <td className="py-1 pr-3">
                            <LocalTime iso={d.attemptedAt} />
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                  <pre
                    className="mt-2 rounded bg-slate-50 p-3 break-all whitespace-pre-wrap text-slate-700"
                    data-testid="alert-payload"
                  >
                    {JSON.stringify(alert.payload, null, 2)}
                  </pre>
                </details>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

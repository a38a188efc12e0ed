import type { ReactNode } from "react";
import { Logo } from "@/components/logo";

/** The centred card used by the pages outside the console: login and first-run setup. */
export function AuthShell({
  title,
  subtitle,
  children,
  wide = false,
}: {
  title: string;
  subtitle: ReactNode;
  children: ReactNode;
  wide?: boolean;
}) {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center bg-gradient-to-b from-slate-50 to-indigo-50/60 px-4 py-12">
      <Logo className="mb-8 text-lg" />
      <div
        className={`w-full ${wide ? "max-w-2xl" : "max-w-md"} rounded-2xl bg-white p-8 shadow-xl shadow-slate-900/5 ring-1 ring-slate-200`}
      >
        <h1 className="text-xl font-semibold tracking-tight text-slate-900">{title}</h1>
        <div className="mt-1 mb-6 text-sm text-slate-500">{subtitle}</div>
        {children}
      </div>
    </main>
  );
}

// Shared class names, so every button and field in the console looks the same.
export const buttonPrimary =
  "inline-flex items-center justify-center gap-2 rounded-md bg-indigo-600 px-3.5 py-2 text-sm font-semibold text-white shadow-sm transition hover:bg-indigo-500 disabled:cursor-not-allowed disabled:opacity-60";
export const buttonSecondary =
  "inline-flex items-center justify-center gap-2 rounded-md bg-white px-3.5 py-2 text-sm font-semibold text-slate-700 shadow-sm ring-1 ring-slate-300 ring-inset transition hover:bg-slate-50 disabled:cursor-not-allowed disabled:opacity-60";
export const buttonDanger =
  "inline-flex items-center justify-center gap-2 rounded-md bg-red-600 px-3.5 py-2 text-sm font-semibold text-white shadow-sm transition hover:bg-red-500 disabled:cursor-not-allowed disabled:opacity-60";
/** A field without width, for inline fields sized by the caller. */
export const inputBase =
  "rounded-md border-0 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset placeholder:text-slate-400 focus:ring-2 focus:ring-indigo-600 focus:outline-none aria-invalid:ring-red-500";
export const input = `block w-full ${inputBase}`;
export const label = "block text-sm font-medium text-slate-800";
export const hint = "mt-1 text-xs text-slate-500";
export const fieldError = "mt-1 text-xs font-medium text-red-600";
export const card = "rounded-xl bg-white shadow-sm ring-1 ring-slate-200";

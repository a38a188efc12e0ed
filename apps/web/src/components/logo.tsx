export function Logo({ className = "" }: { className?: string }) {
  return (
    <span className={`inline-flex items-center gap-2 font-semibold tracking-tight text-slate-900 ${className}`}>
      <svg aria-hidden="true" viewBox="0 0 32 32" className="size-7">
        <rect width="32" height="32" rx="8" fill="#4f46e5" />
        <circle cx="12" cy="16" r="5" fill="none" stroke="#fff" strokeWidth="3" />
        <path d="M17 16h10M23 16v5M27 16v3" stroke="#fff" strokeWidth="3" strokeLinecap="round" />
      </svg>
      Keyward
    </span>
  );
}

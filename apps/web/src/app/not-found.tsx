import Link from "next/link";
import { buttonSecondary } from "@/components/styles";

export default function NotFound() {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center px-4 text-center">
      <p className="text-sm font-semibold text-indigo-600">404</p>
      <h1 className="mt-2 text-2xl font-semibold tracking-tight text-slate-900">Page not found</h1>
      <Link href="/keys" className={`${buttonSecondary} mt-6`}>
        Back to API keys
      </Link>
    </main>
  );
}

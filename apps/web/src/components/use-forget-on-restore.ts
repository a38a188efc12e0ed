"use client";

import { useEffect } from "react";

/**
 * A page that showed a secret must not come back from the back/forward cache with it: when the
 * browser restores it, load it afresh from the server, which never has the secret.
 */
export function useForgetOnRestore(): void {
  useEffect(() => {
    const onShow = (event: PageTransitionEvent) => {
      if (event.persisted) window.location.reload();
    };
    window.addEventListener("pageshow", onShow);
    return () => window.removeEventListener("pageshow", onShow);
  }, []);
}

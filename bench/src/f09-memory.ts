// Figure 9: resident memory of the API process holding 100,000 keys in its cache (after a full GC),
// read at the end of figure 4's measurement: support/cold-keys.ts.

import { measureColdKeys } from "./support/cold-keys";
import type { Figure } from "./support/figure";

const MB = 1024 * 1024;

export const figure09: Figure = {
  id: 9,
  title: "API resident memory with 100,000 keys cached",
  target: "≤ 250 MB",
  anchor: "",
  async run(ctx) {
    const m = await measureColdKeys(ctx);
    const perKey = (m.rssAfter - m.rssBefore) / m.keys;
    return {
      measured: `${(m.rssAfter / MB).toFixed(0)} MB with ${m.keys} keys cached (${(m.rssBefore / MB).toFixed(0)} MB before; ~${perKey.toFixed(0)} B per key)`,
      met: m.rssAfter <= 250 * MB,
      checks: m.checks,
      notes: [
        `after GC: V8 heap in use ${(m.heapAfter / MB).toFixed(0)} MB, external (Buffers, WebAssembly) ${(m.externalAfter / MB).toFixed(0)} MB; ` +
          "the rest of the RSS is Node itself, compiled code (Prisma's query compiler is WebAssembly), and native memory the allocator has not returned",
      ],
      data: {
        keys: m.keys,
        rssBefore: m.rssBefore,
        rssAfter: m.rssAfter,
        heapAfter: m.heapAfter,
        externalAfter: m.externalAfter,
        bytesPerKey: perKey,
      },
    };
  },
};

// A server-sent events reader over a real HTTP connection: fetch reads the body as it arrives, as a
// browser's EventSource would, and each frame is parsed as it is complete.

export interface SseFrame {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
}

export interface SseClient {
  status: number;
  headers: Headers;
  frames: SseFrame[];
  text: () => string;
  ended: () => boolean;
  close: () => void;
  /** The parsed data of every frame of this event type so far. */
  data: <T = Record<string, unknown>>(event: string) => T[];
}

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
  const controller = new AbortController();
  const res = await fetch(url, { headers, signal: controller.signal });
  const frames: SseFrame[] = [];
  let text = "";
  let ended = false;
  const reader = res.body?.getReader();
  const decoder = new TextDecoder();
  void (async () => {
    let buffer = "";
    try {
      for (;;) {
        const chunk = await reader?.read();
        if (!chunk || chunk.done) break;
        const piece = decoder.decode(chunk.value, { stream: true });
        text += piece;
        buffer += piece;
        for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
          const frame: SseFrame = {};
          for (const line of buffer.slice(0, end).split("\n")) {
            if (line.startsWith(":")) frame.comment = line.slice(1).trim();
            const [field, ...rest] = line.split(": ");
            if (field === "id" || field === "event" || field === "data") frame[field] = rest.join(": ");
          }
          frames.push(frame);
          buffer = buffer.slice(end + 2);
        }
      }
    } catch {
      // aborted by the test
    }
    ended = true;
  })();
  return {
    status: res.status,
    headers: res.headers,
    frames,
    text: () => text,
    ended: () => ended,
    close: () => controller.abort(),
    data: (event) => frames.filter((f) => f.event === event).map((f) => JSON.parse(f.data ?? "{}")),
  };
}

// One logger (pino, through Fastify). It never sees a secret: request headers are not logged,
// credentials in query strings are masked, and keys are named by id and fingerprint only.
import type { FastifyInstance, FastifyServerOptions } from "fastify";
import type { Env } from "./env";

const SECRET_QUERY_PARAMS = /([?&](?:token|key|api_key)=)[^&]*/gi;

export function maskUrl(url: string): string {
  // Most URLs have no query string: skip the regex (it ran on every request, bench figure 2).
  return url.includes("?") ? url.replace(SECRET_QUERY_PARAMS, "$1[redacted]") : url;
}

export function loggerOptions(env: Env, stream?: NodeJS.WritableStream): FastifyServerOptions["logger"] {
  return {
    level: env.LOG_LEVEL,
    ...(stream ? { stream } : {}),
    redact: {
      paths: ["req.headers.authorization", 'req.headers["x-api-key"]', "req.headers.cookie"],
      censor: "[redacted]",
    },
  };
}

const LEVELS_ABOVE_INFO = new Set(["warn", "error", "fatal", "silent"]);

/** One access-log line per response, written after authentication has named the key. */
export function registerAccessLog(app: FastifyInstance): void {
  app.addHook("onResponse", async (request, reply) => {
    // With LOG_LEVEL above info, build nothing.
    if (LEVELS_ABOVE_INFO.has(request.log.level)) return;
    request.log.info(
      {
        method: request.method,
        url: maskUrl(request.url),
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        ip: request.ip,
        ...(request.keyLog ?? {}),
      },
      "request",
    );
  });
}

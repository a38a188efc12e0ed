// One logger (pino, through Fastify). It never sees a secret: request headers are not logged,
// credentials in query strings are masked, and keys are named by id and fingerprint only.
import type { FastifyInstance, FastifyServerOptions } from "fastify";
import type { Env } from "./env";

const SECRET_QUERY_PARAMS = new Set(["token", "key", "api_key"]);

/** A parameter name as the query parser reads it (`%74oken` is `token`); undecodable names stay as sent. */
function parameterName(raw: string): string {
  if (!raw.includes("%") && !raw.includes("+")) return raw.toLowerCase();
  try {
    return decodeURIComponent(raw.replace(/\+/g, " ")).toLowerCase();
  } catch {
    return raw.toLowerCase();
  }
}

export function maskUrl(url: string): string {
  // Most URLs have no query string: return at once (this runs on every request, bench figure 2).
  const start = url.indexOf("?");
  if (start === -1) return url;
  const pairs = url
    .slice(start + 1)
    .split("&")
    .map((pair) => {
      const equals = pair.indexOf("=");
      if (equals === -1 || !SECRET_QUERY_PARAMS.has(parameterName(pair.slice(0, equals)))) return pair;
      return `${pair.slice(0, equals + 1)}[redacted]`;
    });
  return `${url.slice(0, start + 1)}${pairs.join("&")}`;
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

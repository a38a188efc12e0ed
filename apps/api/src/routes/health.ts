import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ApiContext } from "../context";

const CHECK_TIMEOUT_MS = 1000;

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error("timeout")), CHECK_TIMEOUT_MS).unref()),
  ]);
}

/** `GET /v1/health`: 200 when the database answers, 503 otherwise, so load balancers can route around a replica. */
export const healthRoutes: FastifyPluginAsyncZod<ApiContext> = async (app, { db, redis }) => {
  app.get(
    "/v1/health",
    {
      schema: {
        tags: ["system"],
        summary: "Liveness and dependencies",
        response: {
          200: z.object({
            status: z.enum(["ok", "degraded"]),
            db: z.enum(["ok", "down"]),
            redis: z.enum(["ok", "down", "disabled"]),
          }),
          503: z.object({
            status: z.enum(["ok", "degraded"]),
            db: z.enum(["ok", "down"]),
            redis: z.enum(["ok", "down", "disabled"]),
          }),
        },
      },
    },
    async (_request, reply) => {
      const dbOk = await withTimeout(db.$queryRaw`SELECT 1`).then(
        () => true,
        () => false,
      );
      const redisState = redis
        ? await withTimeout(redis.ping()).then(
            () => "ok" as const,
            () => "down" as const,
          )
        : ("disabled" as const);
      const healthy = dbOk && redisState !== "down";
      return reply
        .status(dbOk ? 200 : 503)
        .send({ status: healthy ? "ok" : "degraded", db: dbOk ? "ok" : "down", redis: redisState });
    },
  );
};

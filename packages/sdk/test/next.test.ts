// A Next.js route handler is a function from Request to Response: called here as Next calls it
// (the example in examples/nextjs runs it inside a real `next start`).
import { withKeyward } from "../src/next.js";
import { middlewareContract } from "./middleware-contract.js";

middlewareContract("Next.js route handler", async (keyward) => {
  const GET = withKeyward(keyward, { scopes: ["vehicles:read"] }, (_request, identity) => Response.json(identity));
  return {
    async get(path, headers = {}) {
      const response = await GET(new Request(`http://localhost${path}`, { headers }), {
        params: Promise.resolve({}),
      });
      return { status: response.status, headers: response.headers, body: await response.json() };
    },
    close: async () => {},
  };
});

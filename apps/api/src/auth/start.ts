// What the API needs for JWTs, made once at start: the encryption key, the signing key pair
// (loaded or created), the token service and the by-id key cache tokens are checked against.
import { type Db, defaultDataDir } from "@keyward/db";
import type { FastifyBaseLogger } from "fastify";
import type { Env } from "../env";
import { resolveEncryptionKey } from "./encryption";
import { KeyStates, type ObservableKeyVerifier } from "./key-states";
import { SigningKeys } from "./signing-keys";
import { TokenService } from "./tokens";

export async function startTokenServices(opts: {
  db: Db;
  env: Env;
  log: FastifyBaseLogger;
  verifier: ObservableKeyVerifier;
}): Promise<{ tokens: TokenService; keyStates: KeyStates }> {
  const dataDir = defaultDataDir({ KEYWARD_DATA_DIR: opts.env.KEYWARD_DATA_DIR });
  const encryptionKey = resolveEncryptionKey(opts.env, dataDir, opts.log);
  const signingKeys = await SigningKeys.start({ db: opts.db, encryptionKey, log: opts.log });
  return {
    tokens: new TokenService({ db: opts.db, env: opts.env, signingKeys }),
    keyStates: new KeyStates({ db: opts.db, verifier: opts.verifier }),
  };
}

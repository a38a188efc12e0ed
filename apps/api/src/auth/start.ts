// What the API needs for JWTs, made once at start: the encryption key, the signing key pair
// (loaded or created), the token service, the by-id key cache tokens are checked against, and the
// company names credentials resolve to.
import { type Db, resolveDataDir } from "@keyward/db";
import { KeyStates, type ObservableKeyVerifier } from "@keyward/enforcement";
import type { FastifyBaseLogger } from "fastify";
import type { Env } from "../env";
import { CompanyNames } from "./company-names";
import { resolveEncryptionKey } from "./encryption";
import { SigningKeys } from "./signing-keys";
import { TokenService } from "./tokens";

export async function startTokenServices(opts: {
  db: Db;
  env: Env;
  log: FastifyBaseLogger;
  verifier: ObservableKeyVerifier;
}): Promise<{ tokens: TokenService; keyStates: KeyStates; companies: CompanyNames }> {
  const dataDir = resolveDataDir(opts.env.KEYWARD_DATA_DIR);
  const encryptionKey = resolveEncryptionKey(opts.env, dataDir, opts.log);
  const signingKeys = await SigningKeys.start({ db: opts.db, encryptionKey, log: opts.log });
  const companies = new CompanyNames(opts.db);
  return {
    tokens: new TokenService({ env: opts.env, signingKeys, companies }),
    keyStates: new KeyStates({ db: opts.db, verifier: opts.verifier }),
    companies,
  };
}

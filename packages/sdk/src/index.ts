export {
  checkRequest,
  headersFor,
  identityOf,
  type KeyCheck,
  type KeyCheckResult,
  keyFromRequest,
  type Refusal,
  refusalFor,
} from "./http.js";
export { isWellFormedKey } from "./key-format.js";
export { Keyward, type KeywardOptions, KeywardResponseError } from "./keyward.js";
export {
  createManagementClient,
  type KeywardPaths,
  type ManagementClient,
  type ManagementClientOptions,
} from "./management.js";
export type { Environment, KeywardIdentity, RateLimitState, Verdict, VerifyCode, VerifyInput } from "./types.js";

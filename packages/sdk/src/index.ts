export { isWellFormedKey } from "./key-format.js";
export { Keyward, type KeywardOptions } from "./keyward.js";
export type { Environment, KeywardIdentity, RateLimitState, Verdict, VerifyCode, VerifyInput } from "./types.js";

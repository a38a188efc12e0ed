export * from "./client-ip";
export * from "./errors";
export * from "./ip";
export * from "./keys";
export * from "./password";
export * from "./scopes";
export * from "./status";
export * from "./verify";

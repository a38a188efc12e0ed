export * from "./errors";
export * from "./ip";
export * from "./keys";
export * from "./outbound-target";
export * from "./password";
export * from "./scopes";
export * from "./status";
export * from "./verify";

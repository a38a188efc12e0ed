// The runtime the API and the guard share: the key verifier with its cache, the rate limiter, the
// usage buffer, the key-change feed, the alert detector, and the HTTP answers to every verdict.
export * from "./alerts/detection";
export * from "./alerts/detector";
export * from "./alerts/rule-cache";
export * from "./failed-auth-throttle";
export * from "./http/errors";
export * from "./http/server-options";
export * from "./http/session-cookie";
export * from "./http/verdicts";
export * from "./key-changes";
export * from "./key-states";
export * from "./outage-log";
export * from "./periodic-task";
export * from "./pipeline";
export * from "./rate-limiter";
export * from "./settings";
export * from "./usage-buffer";

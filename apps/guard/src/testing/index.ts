// What other packages' tests need to run a guard: a managed guard in-process, an upstream that records
// what reached it, a private Redis and an embedded database server in a child process.
export * from "./embedded-server";
export * from "./managed-guard";
export * from "./redis-server";
export * from "./upstream";

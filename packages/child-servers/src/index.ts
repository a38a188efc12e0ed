// Servers the tests, the e2e journeys and the bench run as child processes on loopback ports:
// a free port for each, their output kept for error messages, a wait until they answer, a stop.
export { freePort } from "./free-port";
export { runToEnd, type Spawned, type SpawnOptions, spawnLogged } from "./spawned";
export { type StatusProbe, waitForHttp } from "./wait-for-http";

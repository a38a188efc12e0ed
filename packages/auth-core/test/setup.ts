import fc from "fast-check";

// Property tests draw from a fixed seed so a CI run is reproducible: a failure found once is found
// every time, and a pass never depends on the draw. Change the seed on purpose to explore.
fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20261127) });

#!/usr/bin/env -S node --
// The `keyward` command. The CLI is TypeScript run through tsx's loader: no build step between a
// change and the command (it is a development and operations tool, not on the request path).
// The `--` in the first line ends Node's own options: Node otherwise takes an `--env-file PATH` among
// the arguments as its own flag and exits before the CLI runs when PATH does not exist yet.
import { register } from "tsx/esm/api";

register();
await import("../src/main.ts");

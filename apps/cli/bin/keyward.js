#!/usr/bin/env node
// The `keyward` command. The CLI is TypeScript run through tsx's loader: no build step between a
// change and the command (it is a development and operations tool, not on the request path).
import { register } from "tsx/esm/api";

register();
await import("../src/main.ts");

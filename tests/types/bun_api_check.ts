// Type-level check, compiled by `tsc -p tsconfig.bun.json` with @types/bun:
// Bun's real API must satisfy the narrow interfaces `_bun.ts` declares, so
// the adapter is checked against Bun's types, not against `any`.
import type { BunGlobal, BunSqlite } from "../../src/runtime/_bun.ts";
import * as sqlite from "bun:sqlite";

export const bunGlobal: BunGlobal = Bun;
export const bunSqlite: BunSqlite = sqlite;

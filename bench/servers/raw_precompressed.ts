// The raw handler serving a gzip body compressed once at startup: not a
// floor (a real handler compresses what it renders), kept as an extra row.
import process from "node:process";

process.env.PRECOMPRESSED = "1";
await import("./raw.ts");

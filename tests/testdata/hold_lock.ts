// Holds a SQLite database's write lock, as the sqlite3 shell, a backup or
// another process's long transaction would. Usage:
//   hold_lock.ts <db> <milliseconds>    prints LOCKED, then commits and exits
import process from "node:process";
import { runtime } from "../../src/runtime/load.ts";

const [path, ms] = process.argv.slice(2);
const db = runtime.openDatabase(path);
db.exec("CREATE TABLE IF NOT EXISTS lock_holder (x)");
db.exec("BEGIN IMMEDIATE");
db.exec("INSERT INTO lock_holder VALUES (1)");
process.stdout.write("LOCKED\n");
await new Promise((resolve) => setTimeout(resolve, Number(ms)));
db.exec("COMMIT");
db.close();

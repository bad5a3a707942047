import postgres from "postgres";
import { PostgresSessionStore } from "../mod.ts";
import { startPostgres } from "./_servers.ts";
import { storeSuite } from "./_store_suite.ts";

storeSuite("PostgresSessionStore", async () => {
  const server = await startPostgres();
  const sql = postgres(server.url, { onnotice: () => {}, max: 4 });
  return {
    store: new PostgresSessionStore({ sql }),
    async cleanup() {
      await sql.end({ timeout: 1 });
      await server.cleanup();
    },
  };
});

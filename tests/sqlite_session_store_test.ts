import { SpiderwebRouter, SqliteSessionStore } from "../mod.ts";
import { recordingLogger, tempDir } from "./_helpers.ts";
import { storeSuite } from "./_store_suite.ts";

storeSuite("SqliteSessionStore", () => {
  const temp = tempDir();
  const app = new SpiderwebRouter({
    db: `${temp.dir}/sessions.db`,
    log: recordingLogger(),
  });
  return Promise.resolve({
    store: new SqliteSessionStore({ db: () => app.db }),
    async cleanup() {
      await app.close();
      temp.cleanup();
    },
  });
});

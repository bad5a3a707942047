// Behaviours the reference says match the Python original exactly.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  ConfigError,
  createUser,
  GeneralException,
  HttpResponse,
  SpiderwebException,
  SpiderwebRouter,
} from "../mod.ts";
import { parseCookieHeader } from "../src/http/cookie.ts";
import { recordingLogger } from "./_helpers.ts";

describe("matching the original", () => {
  it("String(exception) is Name() without a message, Name() - msg with one", () => {
    assert.equal(String(new SpiderwebException()), "SpiderwebException()");
    assert.equal(String(new ConfigError()), "ConfigError()");
    assert.equal(
      String(new GeneralException("bad")),
      "GeneralException() - bad",
    );
  });

  it("String(user) is the username", async () => {
    const app = new SpiderwebRouter({ db: ":memory:", log: recordingLogger() });
    const user = await createUser(app, { username: "ann" });
    assert.equal(String(user), "ann");
    assert.equal(`${user}`, "ann");
    await app.close();
  });

  it("the cookie parser keeps an empty name", () => {
    assert.deepEqual(
      { ...parseCookieHeader("=novalue; a=1") },
      { "": "novalue", a: "1" },
    );
  });

  it("an invalid same_site is the original's message, word for word", () => {
    assert.throws(
      () => new HttpResponse("").setCookie("a", "b", { same_site: "bogus" }),
      (error: Error) =>
        error instanceof GeneralException
        && error.message
          === "Invalid value bogus for `same_site` cookie attribute. Valid options are 'strict', 'lax', or 'none'.",
    );
  });

  it("db given as a URL is a ConfigError at construction", () => {
    for (const db of ["sqlite:///x.db", "postgresql://localhost/app"]) {
      assert.throws(
        () => new SpiderwebRouter({ db, log: recordingLogger() }),
        (error: Error) =>
          error instanceof ConfigError && error.message.includes(db),
      );
    }
    // Plain paths and :memory: are fine, and nothing is opened yet.
    const app = new SpiderwebRouter({ db: "data/app.db" });
    assert.equal(app.hasOpenDatabase, false);
  });
});

// Each CORS setting is a known option, and each bad value is refused with a
// message naming the setting and what is wrong with it (gaps the mutation
// run found).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  ConfigError,
  CorsMiddleware,
  SpiderwebRouter,
  StartupErrors,
} from "../../mod.ts";
import { recordingLogger } from "../_helpers.ts";

function startupError(options: Record<string, unknown>): Error {
  try {
    new SpiderwebRouter({
      log: recordingLogger(),
      middleware: [CorsMiddleware],
      cors_allowed_origins: ["https://example.com"],
      ...options,
    });
  } catch (error) {
    return error as Error;
  }
  throw new Error(`no error for ${JSON.stringify(options)}`);
}

describe("CORS settings", () => {
  it("every cors_ option is a known setting", () => {
    const log = recordingLogger();
    new SpiderwebRouter({
      log,
      middleware: [CorsMiddleware],
      cors_allowed_origins: ["https://example.com"],
      cors_allowed_origin_regexes: ["^https://.*\\.example\\.com$"],
      cors_allow_all_origins: false,
      cors_urls_regex: "^/api/",
      cors_allow_methods: ["GET"],
      cors_allow_headers: ["content-type"],
      cors_expose_headers: ["x-total"],
      cors_preflight_max_age: 60,
      cors_allow_credentials: true,
      cors_allow_private_network: false,
      cors_allow_request: () => false,
    });
    const unknown = log.lines.filter((line) => /Unknown setting/.test(line));
    assert.deepEqual(unknown, []);
  });

  it("one bad setting is one ConfigError naming it and why", () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ cors_allowed_origins: "https://a.com" }, "is not a list"],
      [{ cors_allowed_origins: ["https://a.com/path"] }, "is not an origin"],
      [{ cors_allowed_origins: [7] }, "is not an origin"],
      [
        { cors_allowed_origin_regexes: ["("] },
        "is not a string or RegExp that compiles",
      ],
      [
        { cors_allowed_origin_regexes: [7] },
        "is not a string or RegExp that compiles",
      ],
      [{ cors_allow_methods: [1] }, "is not a string"],
      [
        { cors_preflight_max_age: -1 },
        "is not a non-negative whole number of seconds",
      ],
      [{ cors_allow_credentials: "yes" }, "is not a boolean"],
      [{ cors_urls_regex: "(" }, "is not a string or RegExp that compiles"],
      [{ cors_allow_request: 1 }, "is not a function"],
    ];
    for (const [options, why] of cases) {
      const startup = startupError(options);
      const name = Object.keys(options)[0];
      assert.ok(startup instanceof StartupErrors, String(startup));
      assert.equal(startup.errors.length, 1, name);
      const [error] = startup.errors;
      assert.ok(error instanceof ConfigError, String(error));
      assert.ok(!(error instanceof StartupErrors), String(error));
      assert.match(error.message, new RegExp(`^Invalid ${name}: `), name);
      assert.ok(error.message.includes(why), `${name}: ${error.message}`);
    }
  });
});

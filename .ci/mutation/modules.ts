/**
 * The security- and data-critical modules whose test strength is measured:
 * each with the sources mutated and the tests that guard them (the tests run
 * on Node, the fastest to start, once per mutant).
 *
 * @module
 */

/** One measured module. */
export interface MutationModule {
  /** Short name, used for the report folder and the README table. */
  readonly name: string;
  /** Source files mutated. */
  readonly mutate: readonly string[];
  /** Test files run against each mutant. */
  readonly tests: readonly string[];
}

/** Every measured module, in the order the task runs them. */
export const MODULES: readonly MutationModule[] = [
  {
    name: "cookies",
    mutate: ["src/http/cookie.ts"],
    tests: [
      "tests/cookie_test.ts",
      "tests/cookie_edges_test.ts",
      "tests/response_test.ts",
    ],
  },
  {
    name: "hosts",
    mutate: ["src/http/allowed_hosts.ts", "src/http/forwarded.ts"],
    tests: [
      "tests/allowed_hosts_test.ts",
      "tests/router_test.ts",
      "tests/request_test.ts",
    ],
  },
  {
    name: "body",
    mutate: [
      "src/core/request_body.ts",
      "src/core/body_budget.ts",
      "src/core/multipart_form.ts",
      "src/http/multipart_parser.ts",
    ],
    tests: [
      "tests/request_test.ts",
      "tests/request_body_test.ts",
      "tests/router_test.ts",
      "tests/multipart_test.ts",
    ],
  },
  {
    name: "csrf",
    mutate: [
      "src/middleware/csrf.ts",
      "src/middleware/csrf_checks.ts",
      "src/security/csrf_token.ts",
      "src/http/trusted_origins.ts",
    ],
    tests: [
      "tests/middleware/csrf_test.ts",
      "tests/middleware/csrf_edges_test.ts",
      "tests/trusted_origins_test.ts",
      "tests/mutation_regressions_test.ts",
      "tests/template_response_test.ts",
      "tests/developer_experience_test.ts",
      "tests/auth_test.ts",
    ],
  },
  {
    name: "cors",
    mutate: ["src/middleware/cors.ts", "src/middleware/cors_settings.ts"],
    tests: [
      "tests/middleware/cors_test.ts",
      "tests/middleware/cors_edges_test.ts",
      "tests/middleware/cors_settings_test.ts",
      "tests/developer_experience_test.ts",
    ],
  },
  {
    name: "files",
    mutate: [
      "src/files/static_files.ts",
      "src/files/file_response.ts",
      "src/core/media_file.ts",
    ],
    tests: [
      "tests/static_files_test.ts",
      "tests/file_response_test.ts",
      "tests/static_files_edges_test.ts",
      "tests/multipart_test.ts",
      "tests/mutation_regressions_test.ts",
      "tests/template_response_test.ts",
      "tests/developer_experience_test.ts",
    ],
  },
  {
    name: "auth",
    mutate: ["src/auth/*.ts"],
    tests: [
      "tests/auth_test.ts",
      "tests/auth_edges_test.ts",
      "tests/mutation_regressions_test.ts",
      "tests/middleware/session_django_test.ts",
    ],
  },
  {
    name: "sessions",
    mutate: [
      "src/sessions/*.ts",
      "src/sessions/stores/sqlite_session_store.ts",
      "src/sessions/stores/_sqlite_schema.ts",
    ],
    tests: [
      "tests/middleware/session_test.ts",
      "tests/middleware/session_django_test.ts",
      "tests/middleware/session_failure_test.ts",
      "tests/sqlite_session_store_test.ts",
      "tests/mutation_regressions_test.ts",
    ],
  },
  {
    name: "stores",
    mutate: [
      "src/sessions/stores/redis_session_store.ts",
      "src/sessions/stores/_redis_scripts.ts",
      "src/sessions/stores/postgres_session_store.ts",
      "src/sessions/stores/_pg_nul.ts",
    ],
    tests: [
      "tests/redis_session_store_test.ts",
      "tests/postgres_session_store_test.ts",
    ],
  },
];

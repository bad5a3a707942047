/**
 * `TemplateResponse`: Jinja2-compatible templates rendered with nunjucks,
 * imported on first render, with autoescape on and spiderweb's `static` and
 * `url` tags.
 *
 * @module
 */

import { resolve } from "node:path";
import { GeneralException } from "../http/errors.ts";
import type { SpiderwebRequest } from "../core/request.ts";
import {
  HttpResponse,
  type ResponseBody,
  type ResponseInit,
} from "../core/response.ts";
import type { App } from "../core/app.ts";

/** Options of `TemplateResponse`. */
export interface TemplateResponseInit extends ResponseInit {
  /** A template file under `templates_dirs`. */
  template_path?: string;
  /** A template given as text (used when both are set). */
  template_string?: string;
}

// The part of nunjucks this module calls.
interface NunjucksNode {
  lineno: number;
  colno: number;
}
interface NunjucksParser {
  nextToken(): NunjucksNode;
  parseExpression(): NunjucksNode;
  skip(type: string): boolean;
  skipValue(type: string, value: string): boolean;
  fail(message: string): never;
}
interface NunjucksNodes {
  NodeList: new(
    l: number,
    c: number,
  ) => NunjucksNode & { addChild(n: NunjucksNode): void };
  KeywordArgs: new(l: number, c: number) => NunjucksNode & {
    addChild(n: NunjucksNode): void;
    children: unknown[];
  };
  Pair: new(
    l: number,
    c: number,
    k: NunjucksNode,
    v: NunjucksNode,
  ) => NunjucksNode;
  CallExtension: new(
    ext: object,
    method: string,
    args: NunjucksNode,
  ) => NunjucksNode;
}
interface NunjucksEnvironment {
  addExtension(name: string, extension: object): void;
  render(
    name: string,
    context: object,
    cb: (e: Error | null, r?: string) => void,
  ): void;
  renderString(
    src: string,
    context: object,
    cb: (e: Error | null, r?: string) => void,
  ): void;
}
interface Nunjucks {
  Environment: new(
    loader: unknown,
    options: { autoescape: boolean },
  ) => NunjucksEnvironment;
  FileSystemLoader: new(
    dirs: string[],
    options: { noCache: boolean },
  ) => unknown;
  runtime: { SafeString: { prototype: object } };
  lexer: {
    TOKEN_BLOCK_END: string;
    TOKEN_COMMA: string;
    TOKEN_OPERATOR: string;
  };
}

const NUNJUCKS = "nunjucks";
let nunjucks: Promise<Nunjucks> | undefined;

function loadNunjucks(): Promise<Nunjucks> {
  // A variable specifier: the package is the app's optional dependency.
  nunjucks ??= import(NUNJUCKS).then(
    (module) => (module.default ?? module) as Nunjucks,
    () => {
      nunjucks = undefined;
      throw new GeneralException("TemplateResponse needs the nunjucks package");
    },
  );
  return nunjucks;
}

/** Parses `{% tag 'x' key=value key2=value %}` (commas optional). */
function parseTag(
  parser: NunjucksParser,
  nodes: NunjucksNodes,
  lexer: Nunjucks["lexer"],
  extension: object,
): NunjucksNode {
  const token = parser.nextToken();
  const args = new nodes.NodeList(token.lineno, token.colno);
  const kwargs = new nodes.KeywordArgs(token.lineno, token.colno);
  args.addChild(parser.parseExpression());
  while (!parser.skip(lexer.TOKEN_BLOCK_END)) {
    parser.skip(lexer.TOKEN_COMMA);
    const key = parser.parseExpression();
    if (!parser.skipValue(lexer.TOKEN_OPERATOR, "=")) {
      parser.fail("expected key=value");
    }
    kwargs.addChild(
      new nodes.Pair(key.lineno, key.colno, key, parser.parseExpression()),
    );
  }
  if (kwargs.children.length) args.addChild(kwargs);
  return new nodes.CallExtension(extension, "run", args);
}

/** The template settings, as router options. */
export interface TemplateOptions {
  /** Folders `template_path` is looked up in, relative to the working directory. */
  templates_dirs?: string | readonly string[];
}

/** The names of the template settings. */
export const TEMPLATE_OPTION_KEYS: readonly string[] = Object.keys(
  { templates_dirs: true } satisfies Record<keyof TemplateOptions, true>,
);

const environments = new WeakMap<
  App,
  Promise<NunjucksEnvironment>
>();

async function createEnvironment(
  app: App,
): Promise<NunjucksEnvironment> {
  const lib = await loadNunjucks();
  const raw = app.options.templates_dirs;
  const dirs = (raw === undefined ? [] : Array.isArray(raw) ? raw : [raw])
    .map((d) => resolve(String(d)));
  const loader = dirs.length
    ? new lib.FileSystemLoader(dirs, { noCache: app.debug })
    : null;
  const env = new lib.Environment(loader, { autoescape: true });
  const staticUrl = String(app.options.static_url ?? "static");
  env.addExtension("StaticExtension", {
    tags: ["static"],
    parse(parser: NunjucksParser, nodes: NunjucksNodes) {
      return parseTag(parser, nodes, lib.lexer, this);
    },
    run(_context: unknown, path: unknown) {
      return `/${staticUrl}/${String(path)}`.replace(/\/{2,}/g, "/");
    },
  });
  env.addExtension("UrlExtension", {
    tags: ["url"],
    parse(parser: NunjucksParser, nodes: NunjucksNodes) {
      return parseTag(parser, nodes, lib.lexer, this);
    },
    run(_context: unknown, name: unknown, kwargs?: Record<string, unknown>) {
      const { __keywords: _, ...data } = kwargs ?? {};
      return app.reverse(String(name), data);
    },
  });
  return env;
}

// Values flagged `__safe` (the CSRF hidden input) become nunjucks SafeStrings
// whose text is read, and its side effect run, only when rendered.
function templateContext(
  lib: Nunjucks,
  context: Record<string, unknown>,
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(context)) {
    if ((value as { __safe?: boolean } | null)?.__safe === true) {
      result[key] = Object.create(lib.runtime.SafeString.prototype, {
        val: { get: () => String(value) },
        length: { get: () => String(value).length },
      });
    } else {
      result[key] = value;
    }
  }
  return result;
}

/**
 * A rendered template; the context always has `request`.
 *
 * @example Rendering a template string
 * ```ts
 * import { SpiderwebRouter, TemplateResponse } from "../../mod.ts";
 * const app = new SpiderwebRouter();
 * app.route("/", (request) =>
 *   new TemplateResponse(request, {
 *     template_string: "Hello {{ name }}",
 *     context: { name: "<b>web</b>" },
 *   }));
 * const response = await app.fetch(new Request("http://localhost/"));
 * console.assert(await response.text() === "Hello &lt;b&gt;web&lt;/b&gt;");
 * ```
 */
export class TemplateResponse extends HttpResponse {
  /** The template file, if any. */
  readonly template_path: string | undefined;
  /** The template text, if any. */
  readonly template_string: string | undefined;
  readonly #request: SpiderwebRequest;

  /**
   * Creates the response; the template renders after the response hooks.
   *
   * @param request the request (templates see it as `request`)
   * @param init the template (`template_path` or `template_string`), context, status and headers
   * @throws GeneralException when neither template is given
   */
  constructor(request: SpiderwebRequest, init: TemplateResponseInit) {
    super(null, init);
    if (init.template_string === undefined && !init.template_path) {
      throw new GeneralException("TemplateResponse requires a template.");
    }
    this.#request = request;
    this.template_path = init.template_path;
    this.template_string = init.template_string;
  }

  /** Templates read the context. */
  override get rendersContext(): boolean {
    return true;
  }

  /**
   * Renders the template with the context; failures name the template and
   * become a logged 500.
   *
   * @param request the request, when another than the one given at construction
   * @returns the rendered text
   */
  override async render(
    request?: SpiderwebRequest,
  ): Promise<ResponseBody | null> {
    const req = request ?? this.#request;
    const app = req.server;
    if (this.template_string === undefined && !app.options.templates_dirs) {
      throw new GeneralException(
        "TemplateResponse has no loader. Did you set templates_dirs?",
      );
    }
    let env = environments.get(app);
    if (!env) {
      env = createEnvironment(app);
      environments.set(app, env);
      env.catch(() => environments.delete(app));
    }
    const environment = await env;
    const lib = await loadNunjucks();
    const context = templateContext(lib, { ...this.context, request: req });
    const name = this.template_string === undefined
      ? `'${this.template_path}'`
      : "(template_string)";
    return await new Promise<string>((resolve, reject) => {
      const done = (error: Error | null, result?: string) =>
        error
          ? reject(
            new GeneralException(`Template ${name} failed: ${error.message}`),
          )
          : resolve(result ?? "");
      if (this.template_string !== undefined) {
        environment.renderString(this.template_string, context, done);
      } else {
        environment.render(this.template_path!, context, done);
      }
    });
  }
}

// deno-lint-ignore-file no-console
/**
 * The documentation gate, to denoland/std's standard: every function and
 * method that `mod.ts` exports (class methods, constructors and interface
 * methods included) has a summary, an `@param` for each parameter and
 * `@returns` when it returns something; every exported class and function
 * has an `@example` (which `deno test --doc` runs).
 *
 * Usage: node .ci/check_docs.ts   (exits 1 listing what is missing)
 */

import { execFileSync } from "node:child_process";
import process from "node:process";

interface Tag {
  kind: string;
  name?: string;
}
interface JsDoc {
  doc?: string;
  tags?: Tag[];
}
interface TsType {
  repr?: string;
  kind?: string;
  value?: { typeName?: string; typeParams?: TsType[] } | TsType[] | string;
}
interface FunctionDef {
  params: { kind: string; name?: string }[];
  returnType?: TsType;
  hasBody?: boolean;
}
interface Member {
  name: string;
  kind?: string;
  jsDoc?: JsDoc;
  accessibility?: string;
  functionDef?: FunctionDef;
  params?: FunctionDef["params"];
  returnType?: TsType;
}
interface Declaration {
  kind: string;
  jsDoc?: JsDoc;
  def: FunctionDef & {
    constructors?: Member[];
    methods?: Member[];
  };
}

// `void`, `Promise<void>`, `MaybePromise<void>` and unions of them.
function returnsNothing(type: TsType | undefined): boolean {
  if (!type) return true;
  const repr = type.repr ?? "";
  if (repr === "void" || repr === "undefined" || repr === "never") return true;
  if (type.kind === "union" && Array.isArray(type.value)) {
    return (type.value as TsType[]).every(returnsNothing);
  }
  if (
    (repr === "Promise" || repr === "MaybePromise")
    && typeof type.value === "object" && !Array.isArray(type.value)
  ) {
    return returnsNothing(type.value.typeParams?.[0]);
  }
  return false;
}

/** What is missing from one function's documentation. */
export function functionProblems(
  where: string,
  doc: JsDoc | undefined,
  def: FunctionDef,
  needsReturns = true,
): string[] {
  const problems: string[] = [];
  const tags = doc?.tags ?? [];
  if (!doc?.doc?.trim()) problems.push(`${where}: no summary`);
  const params = tags.filter((t) => t.kind === "param");
  const count = def.params.filter((p) => p.name !== "this").length;
  if (params.length < count) {
    problems.push(`${where}: ${count - params.length} @param missing`);
  }
  if (
    needsReturns && !returnsNothing(def.returnType)
    && !tags.some((t) => t.kind === "return")
  ) {
    problems.push(`${where}: no @returns`);
  }
  return problems;
}

function hasExample(doc: JsDoc | undefined): boolean {
  return (doc?.tags ?? []).some((t) => t.kind === "example");
}

/** Every gap in the documentation of `mod.ts`'s exports. */
export function checkDocs(json: string): string[] {
  const problems: string[] = [];
  const nodes = JSON.parse(json).nodes as Record<
    string,
    { symbols: { name: string; declarations: Declaration[] }[] }
  >;
  for (const { symbols } of Object.values(nodes)) {
    for (const { name, declarations } of symbols) {
      for (const declaration of declarations) {
        const { kind, jsDoc, def } = declaration;
        if (kind === "function") {
          problems.push(...functionProblems(name, jsDoc, def));
          if (!hasExample(jsDoc)) problems.push(`${name}: no @example`);
        } else if (kind === "class" || kind === "interface") {
          if (kind === "class" && !hasExample(jsDoc)) {
            problems.push(`${name}: no @example`);
          }
          for (const ctor of def.constructors ?? []) {
            if (ctor.accessibility === "private") continue;
            problems.push(
              ...functionProblems(`${name} constructor`, ctor.jsDoc, {
                params: ctor.params ?? [],
              }, false),
            );
          }
          const methods = def.methods ?? [];
          for (const method of methods) {
            if (method.accessibility === "private") continue;
            // An overloaded method's implementation signature is not API.
            const overloads = methods.filter((m) => m.name === method.name);
            if (overloads.length > 1 && method.functionDef?.hasBody) continue;
            if (method.kind === "getter" || method.kind === "setter") continue;
            const fn = method.functionDef ?? {
              params: method.params ?? [],
              returnType: method.returnType,
            };
            problems.push(
              ...functionProblems(`${name}.${method.name}`, method.jsDoc, fn),
            );
          }
        }
      }
    }
  }
  return problems;
}

if (import.meta.main ?? process.argv[1]?.endsWith("check_docs.ts")) {
  const json = execFileSync("./node_modules/.bin/deno", [
    "doc",
    "--json",
    "mod.ts",
  ], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const problems = checkDocs(json);
  for (const problem of problems) console.error(problem);
  if (problems.length) {
    console.error(`${problems.length} documentation gaps`);
    process.exit(1);
  }
  console.log("Documentation: every export has its summary, tags and example.");
}

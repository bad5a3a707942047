// A small app: routes with converters, JSON, a redirect, a route group and
// reverse(). Run it with any runtime:
//   deno run -A examples/hello.ts | bun run examples/hello.ts | node examples/hello.ts
import {
  HttpResponse,
  isMain,
  RedirectResponse,
  RouteGroup,
  SpiderwebRouter,
} from "../mod.ts";

const app = new SpiderwebRouter({ port: 8000 });

app.route("/", () =>
  new HttpResponse(
    `<h1>Hello from spiderweb</h1><a href="${
      app.reverse("user", { id: 7 })
    }">user 7</a>`,
  ), { name: "home" });

app.route(
  "/user/<int:id>",
  (_request, { id }) => ({ id, next: app.reverse("user", { id: id + 1 }) }),
  { name: "user" },
);

app.route("/old", () => new RedirectResponse(app.reverse("home")));

const api = new RouteGroup({ prefix: "/api", namespace: "api" });
api.route("/echo", (request) => ({ query: request.GET }), { name: "echo" });
api.route("/sum/<float:a>/<float:b>", (_request, { a, b }) => ({ sum: a + b }));
app.includeRouteGroup(api);

if (isMain(import.meta)) await app.start();

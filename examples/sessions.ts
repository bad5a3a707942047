// The seed example: a counter kept in request.SESSION. Run it from any
// folder; it creates spiderweb.db there, and the number increments on
// refresh at http://localhost:8000.
//   deno run -A examples/sessions.ts | bun run examples/sessions.ts | node examples/sessions.ts
import { HttpResponse, isMain, SpiderwebRouter } from "../mod.ts";

const app = new SpiderwebRouter({
  middleware: ["spiderweb.middleware.sessions.SessionMiddleware"],
});

app.route("/", (request) => {
  if (!("val" in request.SESSION)) {
    request.SESSION["val"] = 0;
  } else {
    request.SESSION["val"] = Number(request.SESSION["val"]) + 1;
  }
  return new HttpResponse({ body: `Session value: ${request.SESSION["val"]}` });
});

// Python's `if __name__ == "__main__":`, on every runtime.
if (isMain(import.meta)) {
  await app.start();
}

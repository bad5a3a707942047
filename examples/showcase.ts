// The shipped middleware together: a CSRF-protected form validated with a
// Standard Schema (zod), a template, static CSS, an upload, a CORS-enabled
// JSON endpoint, and gzip. Run it with any runtime:
//   deno run -A examples/showcase.ts | bun run examples/showcase.ts | node examples/showcase.ts
import { fileURLToPath } from "node:url";
import { z } from "zod";
import {
  isMain,
  RedirectResponse,
  SpiderwebRouter,
  TemplateResponse,
} from "../mod.ts";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

const app = new SpiderwebRouter({
  debug: true, // serves static/ and media/ (use a real web server in production)
  templates_dirs: [here("./templates")],
  staticfiles_dirs: [here("./static")],
  media_dir: here("./media"),
  cors_allowed_origins: ["http://localhost:3000"],
  middleware: [
    "spiderweb.middleware.gzip.GzipMiddleware",
    "spiderweb.middleware.cors.CorsMiddleware",
    "spiderweb.middleware.sessions.SessionMiddleware",
    "spiderweb.middleware.csrf.CSRFMiddleware",
    "spiderweb.middleware.validation.ValidationMiddleware",
  ],
});

const comments: { email: string; comment: string }[] = [];
const Comment = z.object({ email: z.email(), comment: z.string().min(1) });

app.route("/", (request) =>
  new TemplateResponse(request, {
    template_path: "showcase.html",
    context: { comments },
  }), { name: "home" });

app.route("/comment", (request) => {
  comments.push(request.validated_data as z.infer<typeof Comment>);
  return new RedirectResponse(app.reverse("home"), { status_code: 303 });
}, { name: "comment", allowed_methods: ["POST"], schema: Comment });

app.route("/upload", async (request) => {
  const file = request.FILES.get("file");
  if (!file) {
    return new RedirectResponse(app.reverse("home"), { status_code: 303 });
  }
  const saved = await file.save();
  return { saved, size: file.size };
}, { name: "upload", allowed_methods: ["POST"] });

app.route("/api/comments", () => ({ comments }), { name: "api" });

if (isMain(import.meta)) await app.start();

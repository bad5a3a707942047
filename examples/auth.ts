// Users and sessions: a CSRF-protected login form, a page for logged-in
// users, logout, and "log out everywhere". Create a user first:
//   deno run -A src/cli/main.ts createuser --app examples/auth.ts
// (`node src/cli/main.ts …` and `bun src/cli/main.ts …` work the same)
// then run it with any runtime:
//   deno run -A examples/auth.ts | bun run examples/auth.ts | node examples/auth.ts
import {
  authenticate,
  HttpResponse,
  isMain,
  login,
  logout,
  logoutAll,
  RedirectResponse,
  type SpiderwebRequest,
  SpiderwebRouter,
  type User,
} from "../mod.ts";

export const app = new SpiderwebRouter({
  middleware: [
    "spiderweb.middleware.sessions.SessionMiddleware",
    "spiderweb.middleware.csrf.CSRFMiddleware",
  ],
});

const page = (body: string) =>
  new HttpResponse(`<!doctype html><title>Auth example</title>${body}`);

async function form(request: SpiderwebRequest, action: string, label: string) {
  const token = await request.csrfToken();
  return `<form method="post" action="${action}">
    <input type="hidden" name="csrf_token" value="${token}">
    <button>${label}</button></form>`;
}

app.route("/", async (request) => {
  const user = request.user as User;
  if (!user.is_authenticated) {
    return new RedirectResponse(app.reverse("login"));
  }
  return page(`<h1>Hello, ${user.username}</h1>
    ${await form(request, app.reverse("logout"), "Log out")}
    ${await form(request, app.reverse("logout_all"), "Log out everywhere")}`);
}, { name: "home" });

app.route("/login", async (request) => {
  if (request.method === "POST") {
    const user = await authenticate(request, {
      username: request.POST.get("username") ?? "",
      password: request.POST.get("password") ?? "",
    });
    if (user) {
      await login(request, user);
      return new RedirectResponse(app.reverse("home"), { status_code: 303 });
    }
  }
  const token = await request.csrfToken();
  return page(`<h1>Log in</h1>
    <form method="post">
      <input type="hidden" name="csrf_token" value="${token}">
      <input name="username" placeholder="username">
      <input name="password" type="password" placeholder="password">
      <button>Log in</button>
    </form>`);
}, { name: "login", allowed_methods: ["GET", "POST"] });

app.route("/logout", async (request) => {
  await logout(request);
  return new RedirectResponse(app.reverse("login"), { status_code: 303 });
}, { name: "logout", allowed_methods: ["POST"] });

app.route("/logout-all", async (request) => {
  await logoutAll(request);
  return new RedirectResponse(app.reverse("login"), { status_code: 303 });
}, { name: "logout_all", allowed_methods: ["POST"] });

// Started only when run directly, so the `web` command can import the app.
if (isMain(import.meta)) {
  await app.start();
}

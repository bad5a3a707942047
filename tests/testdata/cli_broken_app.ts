// An app whose settings fail the startup checks.
import { SessionMiddleware, SpiderwebRouter } from "../../mod.ts";

export default new SpiderwebRouter({
  middleware: [SessionMiddleware],
  session_cookie_same_site: "sometimes",
  session_max_age: -1,
});

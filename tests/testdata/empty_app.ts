// An app without routes, for `web routes`.
import { SpiderwebRouter } from "../../mod.ts";

export const app = new SpiderwebRouter({ db: ":memory:" });

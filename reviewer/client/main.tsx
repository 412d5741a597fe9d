/**
 * Entry point of the client bundle (`deno task review` serves it as
 * `/static/app.js`; rebuild with `deno run -A reviewer/build.ts`).
 *
 * @module
 */
import { render } from "preact";
import { ReviewApp } from "./review_app.tsx";

render(<ReviewApp />, document.getElementById("app")!);

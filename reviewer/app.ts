/**
 * The reviewer's Hono app: the page, its JSON API and the image routes.
 * Everything it needs (decisions, review store, paths, token) is injected so
 * tests drive it in-process with `app.request()`.
 *
 * @module
 */
import { Hono } from "hono";
import type { Context } from "hono";
import type { AutomationDecision, ReviewAction } from "../lib/types.ts";
import {
  ReplayError,
  type ReviewEntry,
  reviewStats,
  type ReviewStore,
  toApprovedDecision,
} from "../lib/review/mod.ts";
import { writeApprovedDecisions } from "../lib/decisions/mod.ts";
import { SchemaError } from "../lib/schema/mod.ts";
import { Plot, renderSvg } from "../lib/plot/mod.ts";
import {
  assertLocalHost,
  assertSameOriginPost,
  HttpError,
  isLocalHost,
  readJsonBody,
} from "./_http.ts";
import { parseBandBody, parseDecisionBody, parsePlainBody } from "./_bodies.ts";
import {
  filterCounts,
  groupView,
  inBand,
  parseBatchQuery,
  progressOf,
  selectGroups,
} from "./_views.ts";
import { ImageServer, THUMB_WIDTHS } from "./_images.ts";
import { pageHtml } from "./_page.ts";
import { describeUnshowable, findUnshowable, type Unshowable } from "./_showable.ts";
import { assertStatePath, StatePathError } from "./_state_paths.ts";

/** What {@linkcode createApp} needs. */
export interface ReviewerDeps {
  /** The loaded automation decisions (the batch universe). */
  decisions: AutomationDecision[];
  /** Durable review state. */
  store: ReviewStore;
  /** Sandbox root: every served image must live inside it. */
  sandboxRoot: string;
  /** Where `submit_batch` writes `approved_decisions.jsonl`. */
  approvedPath: string;
  /** Per-session token every POST must carry in `X-Keeper-Token`. */
  token: string;
  /** The client bundle (JavaScript) and stylesheet. */
  assets: { js: () => Promise<string>; css: () => Promise<string> };
  /** Disk thumbnail cache (lib/image `thumbnail`); null keeps them in memory only. */
  thumbDir?: string | null;
  /** Clock (tests). */
  now?: () => Date;
  /** Largest accepted POST body in bytes. */
  maxBody?: number;
}

const defaults = {
  thumbDir: null,
  now: () => new Date(),
  maxBody: 16_384,
} satisfies Partial<ReviewerDeps>;

const ACTIONS: ReviewAction[] = ["approve", "override", "reject", "skip"];

/** Headers every answer carries (raw `Response`s set them themselves, see the middleware). */
const SECURITY_HEADERS = { "x-content-type-options": "nosniff", "referrer-policy": "no-referrer" };

/**
 * Build the reviewer app.
 *
 * @param deps Decisions, store, paths, token and assets.
 * @returns The Hono app (serve it with `Deno.serve(app.fetch)`).
 * @example
 * ```ts
 * type Deps = Parameters<typeof createApp>[0];
 * declare const decisions: Deps["decisions"], store: Deps["store"], sandboxRoot: Deps["sandboxRoot"];
 * declare const approvedPath: Deps["approvedPath"], token: Deps["token"], assets: Deps["assets"];
 * const app = createApp({ decisions, store, sandboxRoot, approvedPath, token, assets });
 * const res = await app.request("/api/automation/progress");
 * ```
 */
export function createApp(deps: ReviewerDeps): Hono {
  const opts = { ...defaults, ...deps };
  const byId = new Map(opts.decisions.map((d) => [d.group_id, d]));
  if (byId.size !== opts.decisions.length) {
    // The same group twice would be listed twice and its verdict written once: refuse.
    const seen = new Set<string>();
    const dup = opts.decisions.findIndex((d) => seen.size === seen.add(d.group_id).size);
    throw new TypeError(
      `Cannot review: group "${opts.decisions[dup]!.group_id}" is given twice ` +
        `(decision ${dup + 1}); keep one record per group`,
    );
  }
  // "Group N" is the group's place in the decisions file, under every order and filter.
  const positionOf = new Map(opts.decisions.map((d, i) => [d.group_id, i]));
  const projects = [...new Set(opts.decisions.map((d) => d.project))].sort();
  const images = new ImageServer(opts.sandboxRoot, { thumbDir: opts.thumbDir });
  const app = new Hono();

  const post = async (c: Context): Promise<unknown> => {
    assertSameOriginPost(c, opts.token);
    return await readJsonBody(c, opts.maxBody);
  };
  const progress = () => progressOf(opts.decisions, opts.store.all());
  const unshowable = (ds: readonly AutomationDecision[]): Promise<Unshowable[]> =>
    findUnshowable(ds, images, positionOf);
  const imageOf = (c: Context) => {
    const id = c.req.param("group") ?? "";
    const index = c.req.param("index") ?? "";
    const d = /^g_[0-9a-f]{16}$/.test(id) ? byId.get(id) : undefined;
    if (d === undefined) throw new HttpError(404, `Cannot serve image: unknown group "${id}"`);
    const im = /^\d{1,2}$/.test(index) ? d.images[Number(index)] : undefined;
    if (im === undefined) {
      throw new HttpError(404, `Cannot serve image: group "${id}" has no image "${index}"`);
    }
    return im;
  };
  const sendImage = (bytes: Uint8Array, type: string) =>
    new Response(bytes as Uint8Array<ArrayBuffer>, {
      headers: {
        ...SECURITY_HEADERS,
        "content-type": type,
        "cache-control": "private, max-age=3600",
      },
    });

  // load_batch answers are cached by their query string and the store version
  // (every verdict, undo or band approval bumps it): a reload, a second tab or
  // a burst of identical requests costs one render. Kept as strings: Deno.serve
  // sends a string body for ~65 µs of CPU, a Uint8Array for ~300 µs (measured,
  // 51 KB).
  const batchCache = new Map<string, string>();
  let cachedVersion = -1;
  const cachedBatch = (search: string): string | undefined => {
    if (cachedVersion !== opts.store.version) {
      batchCache.clear();
      cachedVersion = opts.store.version;
    }
    return batchCache.get(search);
  };
  const batchResponse = (body: string): Response =>
    // A plain Response over the cached text: nothing for Hono to merge per request.
    new Response(body, {
      headers: {
        ...SECURITY_HEADERS,
        "content-type": "application/json",
        "cache-control": "no-store",
      },
    });
  const batchBody = (search: string, query: () => Record<string, string>): string => {
    const hit = cachedBatch(search);
    if (hit !== undefined) return hit;
    const q = parseBatchQuery(query());
    if (q.project !== null && !projects.includes(q.project)) {
      throw new HttpError(
        400,
        `Cannot load batch: project "${q.project}" is not one of ${projects.join(", ")}`,
      );
    }
    const reviews = opts.store.all();
    const all = selectGroups(opts.decisions, reviews, q.filter, q.order, q.project);
    let offset = q.offset;
    if (offset === null) {
      // Continue where the person left off: the batch holding the first pending group.
      const first = all.findIndex((d) => !reviews.has(d.group_id));
      offset = first < 0 ? 0 : Math.floor(first / q.size) * q.size;
    }
    const groups = all.slice(offset, offset + q.size)
      .map((d) => groupView(d, positionOf.get(d.group_id)!, reviews.get(d.group_id)));
    const body = JSON.stringify({
      filter: q.filter.join(","),
      order: q.order,
      project: q.project,
      projects,
      size: q.size,
      offset,
      matching: all.length,
      counts: filterCounts(opts.decisions, reviews, q.filter, q.project),
      groups,
      progress: progressOf(opts.decisions, reviews),
      undo_depth: opts.store.historyDepth(),
    });
    if (batchCache.size > 64) batchCache.clear();
    batchCache.set(search, body);
    return body;
  };
  // Registered before the middleware below (which then never runs for it), so
  // it does its own host check and sets its own headers. A cached answer does
  // not get here at all: see `app.fetch` at the end.
  app.get("/api/automation/load_batch", (c) => {
    const url = assertLocalHost(c);
    return batchResponse(batchBody(url.search, () => c.req.query()));
  });

  // Headers are set before the handler runs: Hono applies them to c.body/c.json/
  // c.html answers. Setting them afterwards would re-wrap every finished Response
  // around its body stream (Deno's string fast path lost: ~150 µs per request).
  app.use("*", async (c, next) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) c.header(k, v);
    assertLocalHost(c);
    await next();
  });

  app.get("/", (c) => {
    c.header(
      "content-security-policy",
      "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; " +
        "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
    return c.html(pageHtml(opts.token));
  });
  app.get("/favicon.ico", (c) => c.body(null, 204));
  app.get("/static/app.js", async (c) => {
    c.header("content-type", "text/javascript; charset=utf-8");
    c.header("cache-control", "no-cache");
    return c.body(await opts.assets.js());
  });
  app.get("/static/app.css", async (c) => {
    c.header("content-type", "text/css; charset=utf-8");
    c.header("cache-control", "no-cache");
    return c.body(await opts.assets.css());
  });

  app.get("/api/automation/progress", (c) => c.json(progress()));

  app.post("/api/automation/submit_decision", async (c) => {
    const { body, decision } = parseDecisionBody(await post(c), (id) => byId.get(id));
    if (body.action === "approve" || body.action === "override") {
      // Nothing is approved blind: checked now, whatever the page believed.
      const bad = await unshowable([decision]);
      if (bad.length > 0) {
        throw new HttpError(
          409,
          `Cannot ${body.action} group "${decision.group_id}": ${
            describeUnshowable(bad)
          }; an image that cannot be shown cannot be approved (reject or skip the group)`,
          { unshowable: bad },
        );
      }
    }
    const entry: ReviewEntry = {
      group_id: decision.group_id,
      action: body.action,
      final_choice: body.final_choice,
      crop_coords: body.crop_coords,
      manual_crop: body.manual_crop === true,
      seconds_spent: body.seconds_spent,
      timestamp: opts.now().toISOString(),
    };
    opts.store.record([entry], { requestId: body.request_id });
    return c.json({ review: opts.store.get(entry.group_id), progress: progress() });
  });

  app.post("/api/automation/undo", async (c) => {
    const { request_id } = parsePlainBody(await post(c), "undo");
    const groups = opts.store.undo(request_id);
    const reviews = opts.store.all();
    return c.json({
      groups: groups.map((id) => ({ group_id: id, review: reviews.get(id) ?? null })),
      progress: progressOf(opts.decisions, reviews),
    });
  });

  app.get("/api/automation/approve_band", async (c) => {
    const reviews = opts.store.all();
    const band = opts.decisions.filter((d) => inBand(d, reviews));
    // Groups the band action will leave pending: their images cannot be shown.
    return c.json({ count: band.length, unshowable: await unshowable(band) });
  });

  app.post("/api/automation/approve_band", async (c) => {
    const { request_id, expected_count } = parseBandBody(await post(c));
    const reviews = opts.store.all();
    const band = opts.decisions.filter((d) => inBand(d, reviews));
    if (band.length !== expected_count) {
      throw new HttpError(
        409,
        `Cannot approve band: it now holds ${band.length} groups, not ${expected_count} (reload)`,
      );
    }
    // Groups with an image that cannot be shown are left pending, and said.
    const bad = await unshowable(band);
    const skip = new Set(bad.map((u) => u.group_id));
    const approve = band.filter((d) => !skip.has(d.group_id));
    if (approve.length === 0 && bad.length > 0) {
      throw new HttpError(
        409,
        `Cannot approve band: all ${bad.length} of its groups have an image that cannot be ` +
          `shown: ${describeUnshowable(bad)}`,
        { approved: [], skipped: bad.length, unshowable: bad },
      );
    }
    const at = opts.now().toISOString();
    opts.store.record(
      approve.map((d) => ({
        group_id: d.group_id,
        action: "approve",
        final_choice: d.step1_selection.chosen_index,
        crop_coords: d.step2_crop.needs_crop ? d.step2_crop.box : null,
        manual_crop: false,
        seconds_spent: 0,
        timestamp: at,
      })),
      { requestId: request_id },
    );
    return c.json({
      approved: approve.map((d) => d.group_id),
      skipped: bad.length,
      unshowable: bad,
      progress: progress(),
    });
  });

  app.post("/api/automation/submit_batch", async (c) => {
    const { request_id } = parsePlainBody(await post(c), "submit_batch");
    const reviews = opts.store.all();
    const records = opts.decisions.flatMap((d) => {
      const e = reviews.get(d.group_id);
      return e === undefined ? [] : [toApprovedDecision(d, e)];
    });
    if (records.length === 0) {
      throw new HttpError(409, "Cannot submit batch: no group has been reviewed yet");
    }
    // Checked at the moment of writing: an approved group whose image has since
    // gone or broken is refused, never handed to apply.
    const kept = new Set(
      records.filter((r) => r.action === "approve" || r.action === "override")
        .map((r) => r.group_id),
    );
    const bad = await unshowable(opts.decisions.filter((d) => kept.has(d.group_id)));
    if (bad.length > 0) {
      throw new HttpError(
        409,
        `Cannot submit batch: ${bad.length} approved group${
          bad.length === 1 ? " has an image" : "s have images"
        } that cannot be shown: ${describeUnshowable(bad)}; reject or skip ${
          bad.length === 1 ? "it" : "them"
        } first`,
        { unshowable: bad },
      );
    }
    await assertStatePath(opts.sandboxRoot, opts.approvedPath, { what: "approved decisions file" });
    opts.store.claimRequest(request_id, "submit_batch");
    await writeApprovedDecisions(opts.approvedPath, records);
    const counts = Object.fromEntries(
      ACTIONS.map((a) => [a, records.filter((r) => r.action === a).length]),
    );
    return c.json({ written: records.length, by_action: counts, progress: progress() });
  });

  app.get("/api/automation/stats", (c) => c.json(reviewStats(opts.decisions, opts.store.all())));

  app.get("/api/automation/stats.svg", (c) => {
    const reviews = opts.store.all();
    const p = progressOf(opts.decisions, reviews);
    const rows = ACTIONS.map((a) => ({ action: a, groups: p.by_action[a] }));
    // Counts are whole groups: integer ticks only (every integer up to 10, then Plot's
    // nice steps, which are integers over an integer domain this wide). Colours match
    // the page's dark panels.
    const most = Math.max(1, ...rows.map((r) => r.groups));
    const svg = renderSvg({
      width: 360,
      height: 160,
      marginLeft: 70,
      style: { background: "#1f2228", color: "#e6e6e6", fontSize: "12px" },
      x: {
        label: "groups",
        grid: true,
        domain: [0, most],
        ticks: most <= 10 ? Array.from({ length: most + 1 }, (_, i) => i) : 10,
        tickFormat: "d",
      },
      y: { label: null, domain: ACTIONS },
      marks: [
        Plot.barX(rows, { x: "groups", y: "action", fill: "#3fbf6f" }),
        Plot.text(rows, { x: "groups", y: "action", text: "groups", dx: 10, fill: "#e6e6e6" }),
        Plot.ruleX([0], { stroke: "#7f8590" }),
      ],
    });
    c.header("content-type", "image/svg+xml");
    c.header("cache-control", "no-store");
    return c.body(svg);
  });

  app.get("/api/image/:group/:index", async (c) => {
    const { bytes, type } = await images.full(imageOf(c));
    return sendImage(bytes, type);
  });

  app.get("/api/thumb/:group/:index", async (c) => {
    const im = imageOf(c);
    const w = Number(c.req.query("w") ?? "512");
    if (!(THUMB_WIDTHS as readonly number[]).includes(w)) {
      throw new HttpError(
        400,
        `Cannot serve thumbnail: w must be one of ${THUMB_WIDTHS.join(", ")}`,
      );
    }
    const { bytes, type } = await images.thumb(im, w);
    return sendImage(bytes, type);
  });

  app.notFound((c) => c.json({ error: `Cannot find "${c.req.path}"` }, 404));

  app.onError((error, c) => {
    // Also for errors of routes that run before the header middleware (load_batch).
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) c.header(k, v);
    if (error instanceof HttpError) {
      return c.json({ error: error.message, ...error.details }, error.status);
    }
    if (error instanceof ReplayError) return c.json({ error: error.message }, 409);
    if (error instanceof SchemaError) return c.json({ error: error.message }, 400);
    // A planted link or a state path outside the sandbox: refused, with the reason.
    if (error instanceof StatePathError) return c.json({ error: error.message }, 409);
    // Anything else is our fault: say so without leaking internals.
    return c.json({ error: `Cannot complete request: internal error (${error.name})` }, 500);
  });

  // The page's most frequent request, a load_batch the cache holds, is answered
  // before Hono routes it (no Context, no handler chain): the same host check,
  // headers and bytes as the route above, at the CPU of a bare Deno.serve. Any
  // other request, a miss, or a URL that does not parse goes the usual way.
  const route = app.fetch;
  app.fetch = (request, ...rest) => {
    if (request.method === "GET") {
      let url: URL | null = null;
      try {
        url = new URL(request.url);
      } catch {
        // The route's own check answers it (400).
      }
      if (
        url !== null && url.pathname === "/api/automation/load_batch" && isLocalHost(url.hostname)
      ) {
        const body = cachedBatch(url.search);
        if (body !== undefined) return batchResponse(body);
      }
    }
    return route(request, ...rest);
  };

  return app;
}

#!/usr/bin/env node
// Browser test of a built plansite site, in headless Chromium.
//
//   node tests/browser/crawl.js [SITE_DIR]
//
// Without SITE_DIR it builds the example plan itself (`cargo run --quiet -- build example-plan`)
// into a temporary folder. It then crawls every page twice, by following links from index.html:
// once from file:// and once from a local HTTP server that serves the site under a sub-path
// (requests outside the sub-path get 404). On every page it checks: no console error or warning,
// no uncaught exception, no failed request, no response >= 400, no request to anything but the
// site itself, every <img> loaded, every same-site link resolves to a file of the site and every
// #fragment to an element on the target page. Every *.html file on disk (but 404.html) must be
// reachable from index.html. On one list page it checks the keyboard: the sort buttons are
// reachable with Tab, Enter sorts, and typing into the filter hides rows.
//
// Env: SCREENSHOT_DIR (write index.png, department.png, timeline.png there),
//      CHROMIUM (browser executable, default /usr/bin/chromium), KEEP_SITE=1 (keep the temp build).
// Prints one line per failure and ends with `N passed, M failed`; exits 1 on any failure.
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");
const http = require("http");
const { spawnSync } = require("child_process");
const { pathToFileURL, fileURLToPath } = require("url");
const { chromium } = require("playwright-core");

const REPO = path.resolve(__dirname, "..", "..");
const PREFIX = "/intranet/plans/2026/";
const WORKERS = 2;
const PAGE_TIMEOUT = 20000;
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

// ---------------------------------------------------------------------------------------------
// results

let passed = 0;
let failedChecks = 0;
const failedKeys = new Set();

/** Record one failure line; `key` groups failures that belong to one check. */
function fail(key, page, reason) {
  console.log(`FAIL ${page}: ${reason}`);
  if (!failedKeys.has(key)) {
    failedKeys.add(key);
    failedChecks++;
  }
}

// ---------------------------------------------------------------------------------------------
// the site on disk

function buildExample() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "plansite-browser-"));
  const out = path.join(tmp, "site");
  console.log(`building example-plan into ${out}`);
  const r = spawnSync("cargo", ["run", "--quiet", "--", "build", "example-plan", "-o", out, "--quiet"], {
    cwd: REPO,
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (r.status !== 0) {
    console.log(`FAIL build: cargo run -- build example-plan exited with ${r.status}`);
    console.log("0 passed, 1 failed");
    process.exit(1);
  }
  return { dir: out, cleanup: () => process.env.KEEP_SITE || fs.rmSync(tmp, { recursive: true, force: true }) };
}

/** Every file of the site, as `/`-separated relative paths. */
function listFiles(root) {
  const files = [];
  (function walk(dir) {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else files.push(path.relative(root, p).split(path.sep).join("/"));
    }
  })(root);
  return files.sort();
}

// ---------------------------------------------------------------------------------------------
// the HTTP server: the site under PREFIX, nothing else

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".ttf": "font/ttf",
  ".otf": "font/otf",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".json": "application/json",
  ".csv": "text/csv; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".xml": "application/xml",
  ".pdf": "application/pdf",
};

function startServer(root) {
  const notFound = (res) => {
    const page = path.join(root, "404.html");
    res.writeHead(404, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
    res.end(fs.existsSync(page) ? fs.readFileSync(page) : "not found");
  };
  const server = http.createServer((req, res) => {
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, "http://x").pathname);
    } catch {
      return notFound(res);
    }
    if (pathname + "/" === PREFIX) {
      res.writeHead(301, { location: PREFIX });
      return res.end();
    }
    if (!pathname.startsWith(PREFIX)) return notFound(res);
    let file = path.join(root, ...pathname.slice(PREFIX.length).split("/"));
    if (file !== root && !file.startsWith(root + path.sep)) return notFound(res);
    try {
      if (fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
      const body = fs.readFileSync(file);
      const type = TYPES[path.extname(file).toLowerCase()] || "application/octet-stream";
      res.writeHead(200, { "content-type": type, "cache-control": "no-store" });
      res.end(req.method === "HEAD" ? undefined : body);
    } catch {
      notFound(res);
    }
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const origin = `http://127.0.0.1:${server.address().port}`;
      resolve({ server, origin, base: origin + PREFIX });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// one crawl

/**
 * A way to reach the site: `base` (ends with `/`), `rel(url)` maps an URL to a site path or null
 * when the URL is outside the site, `local(url)` says whether a request may go there at all.
 */
function fileMode(root) {
  const base = pathToFileURL(root + path.sep).href;
  return {
    name: "file",
    base,
    rel(u) {
      if (!u.startsWith("file:")) return null;
      const p = fileURLToPath(u.split("#")[0].split("?")[0]);
      if (p !== root && !p.startsWith(root + path.sep)) return null;
      return path.relative(root, p).split(path.sep).join("/") + (u.split("#")[0].endsWith("/") ? "/" : "");
    },
  };
}

function httpMode(server) {
  return {
    name: "http",
    base: server.base,
    rel(u) {
      let url;
      try {
        url = new URL(u);
      } catch {
        return null;
      }
      if (url.origin !== server.origin || !url.pathname.startsWith(PREFIX)) return null;
      return safeDecode(url.pathname.slice(PREFIX.length));
    },
  };
}

function safeDecode(s) {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const harmless = (u) => u.startsWith("data:") || u.startsWith("blob:") || u.startsWith("about:");

async function crawl(browser, mode, siteFiles) {
  const t0 = Date.now();
  const tag = `[${mode.name}]`;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: "block" });
  context.setDefaultTimeout(PAGE_TIMEOUT);
  const flaggedExternal = new Set();
  // Nothing leaves the machine: requests to anything but the site are aborted (and reported).
  await context.route(
    (url) => !harmless(url.href) && mode.rel(url.href) === null,
    (route) => route.abort("blockedbyclient"),
  );

  const fileSet = new Set(siteFiles);
  const pageIds = new Map(); // site path -> Set of ids
  const fragmentRefs = []; // { from, target, fragment }
  const visited = new Set();
  const queue = ["index.html"];
  const enqueued = new Set(queue);
  const pageFailures = new Set();
  const report = (page, reason) => {
    pageFailures.add(page);
    fail(`${mode.name}:${page}`, `${tag} ${page}`, reason);
  };

  async function visit(page, rel) {
    const problems = [];
    const onConsole = (msg) => {
      if (msg.type() === "error" || msg.type() === "warning") {
        const loc = msg.location();
        const where = loc && loc.url ? ` (${loc.url}${loc.lineNumber ? ":" + loc.lineNumber : ""})` : "";
        problems.push(`console ${msg.type()}: ${msg.text()}${where}`);
      }
    };
    const onPageError = (err) => problems.push(`uncaught exception: ${err.message}`);
    const onRequest = (req) => {
      const u = req.url();
      if (harmless(u)) return;
      if (mode.rel(u) === null) {
        flaggedExternal.add(u);
        problems.push(`request outside the site: ${u}`);
      }
    };
    const onFailed = (req) => {
      if (flaggedExternal.has(req.url())) return;
      problems.push(`request failed: ${req.url()} (${req.failure() ? req.failure().errorText : "?"})`);
    };
    const onResponse = (res) => {
      if (res.status() >= 400) problems.push(`HTTP ${res.status()} for ${res.url()}`);
    };
    page.on("console", onConsole);
    page.on("pageerror", onPageError);
    page.on("request", onRequest);
    page.on("requestfailed", onFailed);
    page.on("response", onResponse);
    try {
      await page.goto(mode.base + rel.split("/").map(encodeURIComponent).join("/"), { waitUntil: "load" });
      // Lazy images below the fold: make them load now so that naturalWidth means something.
      const info = await page.evaluate(async () => {
        const imgs = Array.from(document.images);
        imgs.forEach((img) => {
          if (img.loading === "lazy") img.loading = "eager";
        });
        await Promise.all(
          imgs.map((img) =>
            img.complete
              ? null
              : new Promise((r) => {
                  img.addEventListener("load", r, { once: true });
                  img.addEventListener("error", r, { once: true });
                  setTimeout(r, 5000);
                }),
          ),
        );
        const ids = Array.from(document.querySelectorAll("[id]"), (e) => e.id);
        Array.from(document.querySelectorAll("a[name]"), (e) => ids.push(e.getAttribute("name")));
        const links = Array.from(document.querySelectorAll("a[href], area[href]"), (a) => ({
          raw: a.getAttribute("href"),
          abs: a.href,
        }));
        const badImgs = imgs
          .filter((img) => !(img.complete && img.naturalWidth > 0))
          .map((img) => img.getAttribute("src") || "(no src)");
        return { ids, links, badImgs, title: document.title };
      });
      pageIds.set(rel, new Set(info.ids));
      for (const src of info.badImgs) problems.push(`image did not load: ${src}`);
      if (!info.title.trim()) problems.push("page has no <title>");
      for (const { raw, abs } of info.links) {
        const lower = raw.trim().toLowerCase();
        if (lower.startsWith("mailto:") || lower.startsWith("tel:")) continue;
        if (lower.startsWith("javascript:")) {
          problems.push(`javascript: link ${raw}`);
          continue;
        }
        if (/^(https?:)?\/\//.test(lower) && !raw.startsWith("/")) continue; // a link to the web, not followed
        const target = mode.rel(abs);
        if (target === null) {
          problems.push(`link leaves the site: href="${raw}" -> ${abs}`);
          continue;
        }
        const hash = abs.includes("#") ? safeDecode(abs.slice(abs.indexOf("#") + 1)) : "";
        const file = target.split("#")[0].split("?")[0];
        if (file === "" || file.endsWith("/")) {
          problems.push(`link to a folder: href="${raw}" (from file:// that is a directory listing)`);
          continue;
        }
        if (!fileSet.has(file)) {
          problems.push(`broken link: href="${raw}" -> ${file} does not exist`);
          continue;
        }
        if (hash) fragmentRefs.push({ from: rel, target: file, fragment: hash, raw });
        if (file.endsWith(".html") && !enqueued.has(file)) {
          enqueued.add(file);
          queue.push(file);
        } else if (!file.endsWith(".html")) {
          resources.add(file);
        }
      }
    } catch (err) {
      problems.push(`could not load: ${err.message.split("\n")[0]}`);
    } finally {
      page.off("console", onConsole);
      page.off("pageerror", onPageError);
      page.off("request", onRequest);
      page.off("requestfailed", onFailed);
      page.off("response", onResponse);
    }
    for (const p of problems) report(rel, p);
  }

  const resources = new Set();
  const pages = await Promise.all(Array.from({ length: WORKERS }, () => context.newPage()));
  let active = 0;
  await new Promise((resolve, reject) => {
    const pump = () => {
      if (queue.length === 0 && active === 0) return resolve();
      for (const page of pages) {
        if (page.busy || queue.length === 0) continue;
        const rel = queue.shift();
        visited.add(rel);
        page.busy = true;
        active++;
        visit(page, rel)
          .catch(reject)
          .finally(() => {
            page.busy = false;
            active--;
            pump();
          });
      }
    };
    pump();
  });

  // Fragment targets, now that every page's ids are known.
  for (const { from, target, fragment, raw } of fragmentRefs) {
    const ids = pageIds.get(target);
    if (ids && !ids.has(fragment)) report(from, `broken fragment: href="${raw}" -> ${target} has no id "${fragment}"`);
  }
  // Linked non-HTML files (downloads, images) must also be served.
  if (mode.name === "http") {
    for (const r of resources) {
      const res = await fetch(mode.base + r.split("/").map(encodeURIComponent).join("/"));
      if (res.status !== 200) report(r, `linked file answered HTTP ${res.status}`);
    }
  }
  // Every page must be reachable from index.html.
  const unreachable = siteFiles.filter((f) => f.endsWith(".html") && f !== "404.html" && !visited.has(f));
  for (const f of unreachable) fail(`${mode.name}:reach`, `${tag} ${f}`, "not reachable by following links from index.html");
  if (unreachable.length === 0) passed++;

  for (const rel of visited) if (!pageFailures.has(rel)) passed++;
  for (const p of pages) await p.close();
  console.log(`${tag} crawled ${visited.size} pages in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  return { context, visited: [...visited].sort() };
}

// ---------------------------------------------------------------------------------------------
// keyboard use on a list page

async function keyboardCheck(context, mode, visited) {
  const tag = `[${mode.name}]`;
  const page = await context.newPage();
  const problems = [];
  page.on("console", (m) => (m.type() === "error" || m.type() === "warning") && problems.push(`console ${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => problems.push(`uncaught exception: ${e.message}`));
  let chosen = null;
  try {
    // The list page with the longest sortable, filterable table.
    let best = -1;
    for (const rel of visited) {
      if (!rel.endsWith("index.html")) continue;
      await page.goto(mode.base + rel, { waitUntil: "load" });
      const rows = await page.evaluate(() => {
        const input = document.querySelector("input[data-filter]");
        const table = input && document.getElementById(input.getAttribute("data-filter"));
        if (!table || !table.hasAttribute("data-sortable") || !table.tBodies.length) return -1;
        return table.tBodies[0].rows.length;
      });
      if (rows > best) {
        best = rows;
        chosen = rel;
      }
    }
    if (!chosen || best < 2) {
      fail("keyboard", `${tag} keyboard`, "no list page with a sortable, filterable table of 2+ rows was found");
      return;
    }
    problems.length = 0; // only the chosen page counts here; the crawl judged the others
    await page.goto(mode.base + chosen, { waitUntil: "load" });
    const tableId = await page.getAttribute("input[data-filter]", "data-filter");
    const table = `table[id="${tableId}"]`;

    // Sort: Tab until a sort button of the table has the focus.
    let focused = null;
    for (let i = 0; i < 300; i++) {
      await page.keyboard.press("Tab");
      focused = await page.evaluate((sel) => {
        const el = document.activeElement;
        const th = el && el.closest("th");
        if (!th || !th.closest(sel)) return null;
        return { tag: el.tagName, text: el.textContent.trim(), index: th.cellIndex };
      }, table);
      if (focused) break;
    }
    if (!focused) {
      problems.push("no sortable column header of the table is reachable with Tab");
    } else if (focused.tag !== "BUTTON") {
      problems.push(`the focused header control is a <${focused.tag.toLowerCase()}>, not a <button>`);
    } else {
      const state = () =>
        page.evaluate(
          ({ sel, index }) => {
            const t = document.querySelector(sel);
            const row = t.tBodies[0].rows[0];
            return { first: row ? row.textContent.trim() : "", sort: t.tHead.rows[0].cells[index].getAttribute("aria-sort") };
          },
          { sel: table, index: focused.index },
        );
      const before = await state();
      await page.keyboard.press("Enter");
      const once = await state();
      if (once.first === before.first && !once.sort) {
        problems.push(`Enter on the "${focused.text}" sort button changed neither the first row nor aria-sort`);
      }
      await page.keyboard.press("Enter");
      const twice = await state();
      if (once.sort && twice.sort === once.sort) {
        problems.push(`a second Enter on "${focused.text}" did not reverse the sort (aria-sort stayed "${once.sort}")`);
      }
    }

    // Filter: type a word that occurs in some rows but not in all, by keyboard.
    const counts = () =>
      page.evaluate((sel) => {
        const rows = Array.from(document.querySelector(sel).tBodies[0].rows);
        return { total: rows.length, visible: rows.filter((r) => !r.hidden && r.getClientRects().length > 0).length };
      }, table);
    const word = await page.evaluate((sel) => {
      const texts = Array.from(document.querySelector(sel).tBodies[0].rows, (r) => r.textContent.toLowerCase());
      for (const t of texts) {
        for (const w of t.split(/[^\p{L}\p{N}]+/u)) {
          if (w.length >= 3 && texts.some((o) => !o.includes(w))) return w;
        }
      }
      return null;
    }, table);
    const all = await counts();
    if (!word) {
      problems.push("every word of the table occurs in every row; cannot test the filter");
    } else {
      await page.focus("input[data-filter]");
      await page.keyboard.type(word, { delay: 10 });
      const after = await counts();
      if (!(after.visible < all.total)) problems.push(`typing "${word}" into the filter left all ${all.total} rows visible`);
      if (after.visible === 0) problems.push(`typing "${word}" into the filter hid every row, though some contain it`);
      await page.keyboard.press("Control+A");
      await page.keyboard.press("Backspace");
      const cleared = await counts();
      if (cleared.visible !== all.total) problems.push(`clearing the filter shows ${cleared.visible} of ${all.total} rows`);
    }
  } catch (err) {
    problems.push(`keyboard check crashed: ${err.message.split("\n")[0]}`);
  } finally {
    await page.close();
  }
  for (const p of problems) fail("keyboard", `${tag} ${chosen || "keyboard"}`, p);
  if (problems.length === 0) {
    passed++;
    console.log(`${tag} keyboard check on ${chosen}: ok`);
  }
}

// ---------------------------------------------------------------------------------------------
// screenshots for the README

async function screenshots(context, mode, visited, dir) {
  fs.mkdirSync(dir, { recursive: true });
  const department = visited.find((p) => /^departments\/(?!index\.html$)[^/]+\.html$/.test(p));
  const shots = [
    ["index.png", "index.html"],
    ["department.png", department],
    ["timeline.png", "timeline.html"],
  ];
  const page = await context.newPage();
  try {
    for (const [name, rel] of shots) {
      if (!rel || !visited.includes(rel)) {
        fail(`shot:${name}`, `[${mode.name}] ${rel || "departments/*.html"}`, `no such page for the screenshot ${name}`);
        continue;
      }
      await page.goto(mode.base + rel, { waitUntil: "load" });
      await page.screenshot({ path: path.join(dir, name) });
      passed++;
    }
  } finally {
    await page.close();
  }
  console.log(`screenshots written to ${dir}`);
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const started = Date.now();
  const given = process.argv[2];
  const site = given ? { dir: path.resolve(given), cleanup: () => {} } : buildExample();
  const root = fs.realpathSync(site.dir);
  if (!fs.existsSync(path.join(root, "index.html"))) {
    console.log(`FAIL ${root}: no index.html`);
    console.log("0 passed, 1 failed");
    process.exit(1);
  }
  const files = listFiles(root);
  console.log(`site: ${root} (${files.length} files, ${files.filter((f) => f.endsWith(".html")).length} pages)`);

  const server = await startServer(root);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_ARGS, // Playwright gives every launch a fresh temporary user-data-dir
  });
  try {
    const fromFile = await crawl(browser, fileMode(root), files);
    await fromFile.context.close();

    console.log(`serving ${root} at ${server.base}`);
    const http = httpMode(server);
    const fromHttp = await crawl(browser, http, files);
    await keyboardCheck(fromHttp.context, http, fromHttp.visited);
    if (process.env.SCREENSHOT_DIR) await screenshots(fromHttp.context, http, fromHttp.visited, path.resolve(process.env.SCREENSHOT_DIR));
    await fromHttp.context.close();
  } finally {
    await browser.close();
    server.server.close();
    site.cleanup();
  }
  console.log(`browser test took ${((Date.now() - started) / 1000).toFixed(1)}s`);
  console.log(`${passed} passed, ${failedChecks} failed`);
  process.exit(failedChecks > 0 ? 1 : 0);
}

main().catch((err) => {
  console.log(`FAIL browser test: ${err.stack || err}`);
  console.log(`${passed} passed, ${failedChecks + 1} failed`);
  process.exit(1);
});

#!/usr/bin/env node
// Browser test of `plansite serve`: live reload and the error overlay, in headless Chromium.
//
//   node tests/browser/serve-reload.mjs
//
// Makes a starter plan with `plansite new` in a temporary folder, starts `plansite serve --port 0`
// on it, opens the strategy page in Chromium and then, without ever reloading the page itself:
//   1. edits the strategy title and waits until the page shows the new title;
//   2. breaks people.toml and waits until the error overlay shows, naming the file;
//   3. fixes it and waits until the overlay is gone.
//
// Env: PLANSITE (the plansite binary; default: `cargo build` and use the debug binary of
//      CARGO_TARGET_DIR or ./target), CHROMIUM (default /usr/bin/chromium).
// Prints one line per check and ends with `N passed, M failed`; exits 1 on any failure.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const WAIT_MS = 20000;
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
];

let passed = 0;
let failed = 0;

function check(name, ok, detail = "") {
  if (ok) {
    passed += 1;
    console.log(`ok   ${name}`);
  } else {
    failed += 1;
    console.log(`FAIL ${name}${detail ? `: ${detail}` : ""}`);
  }
}

/** The plansite binary: $PLANSITE, or the debug build (built now). */
function binary() {
  if (process.env.PLANSITE) return process.env.PLANSITE;
  const built = spawnSync("cargo", ["build", "--quiet"], { cwd: REPO, stdio: "inherit" });
  if (built.status !== 0) throw new Error("cargo build failed");
  const target = process.env.CARGO_TARGET_DIR || path.join(REPO, "target");
  return path.join(target, "debug", "plansite");
}

/** Start `plansite serve` and resolve with the child and the URL it prints. */
function serve(bin, plan) {
  const child = spawn(bin, ["serve", plan, "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stderr.on("data", (d) => (log += d));
  const url = new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`no URL printed; stderr:\n${log}`)), 60000);
    child.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/http:\/\/\S+/);
      if (m) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    });
    child.on("exit", (code) => reject(new Error(`serve exited with ${code}:\n${log}`)));
  });
  return { child, url, log: () => log };
}

/** Poll the page (which may be reloading) until `test(text, hasOverlay)` holds; bounded. */
async function waitFor(page, test) {
  const deadline = Date.now() + WAIT_MS;
  let last = "";
  while (Date.now() < deadline) {
    try {
      const state = await page.evaluate(() => ({
        text: document.body ? document.body.innerText : "",
        overlay: document.getElementById("plansite-overlay")?.innerText ?? null,
      }));
      last = state.text.slice(0, 200);
      if (test(state)) return { ok: true, last };
    } catch (_) {
      // the page is navigating (reloading itself): try again
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  return { ok: false, last };
}

function edit(file, from, to) {
  const text = fs.readFileSync(file, "utf8");
  if (!text.includes(from)) throw new Error(`${file} does not contain ${from}`);
  fs.writeFileSync(file, text.replace(from, to));
}

async function run(bin, plan) {
  const server = serve(bin, plan);
  let browser;
  try {
    const url = await server.url;
    const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
    browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
    const page = await browser.newPage();
    let navigations = 0;
    page.on("framenavigated", (f) => f === page.mainFrame() && (navigations += 1));
    await page.goto(`${url}strategy.html`, { timeout: WAIT_MS });
    const start = await waitFor(page, (s) => s.text.includes("service people recommend"));
    check("the served page shows the plan", start.ok, start.last);
    const script = await page.$("script[data-plansite-live-reload]");
    check("the live-reload script is in the served page", script !== null);

    const strategy = path.join(plan, "strategy.md");
    edit(strategy, "service people recommend", "answers within the hour");
    const before = navigations;
    const reloaded = await waitFor(page, (s) => s.text.includes("answers within the hour"));
    check("an edited title appears without a manual reload", reloaded.ok, reloaded.last);
    check("the page reloaded itself", navigations > before, `${navigations} navigations`);

    const people = path.join(plan, "people.toml");
    edit(people, 'name = "Sam Okafor"', 'name = "Sam Okafor" oops');
    const shown = await waitFor(page, (s) => s.overlay !== null && s.overlay.includes("people.toml:"));
    check("a broken file shows the error overlay", shown.ok, shown.last);
    edit(people, 'name = "Sam Okafor" oops', 'name = "Sam Okafor"');
    const cleared = await waitFor(page, (s) => s.overlay === null && s.text.includes("answers within the hour"));
    check("fixing the file clears the overlay", cleared.ok, cleared.last);
  } catch (e) {
    check("the test ran", false, `${e.message}\n${server.log()}`);
  } finally {
    if (browser) await browser.close().catch(() => {});
    server.child.kill();
  }
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "plansite-serve-reload-"));
  try {
    const bin = binary();
    const plan = path.join(tmp, "plan");
    const made = spawnSync(bin, ["new", plan], { encoding: "utf8" });
    check("plansite new makes a plan", made.status === 0, made.stderr);
    if (made.status === 0) await run(bin, plan);
  } catch (e) {
    check("the test ran", false, e.message);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

main();

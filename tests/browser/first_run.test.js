// A production install from nothing, in a real browser: an empty data
// directory without the demo, the first administrator from the command
// line, then everything else in the newsroom — the first edition, its
// first section, the first story — until a reader sees it published.
//
// DATELINE_FIRST_RUN_DATABASE_URL (an empty PostgreSQL database) runs it on
// PostgreSQL; scripts/test runs it on both backends.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const binary = process.env.DATELINE_BIN || join(here, "../../target/debug/dateline");
const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";
const databaseUrl = process.env.DATELINE_FIRST_RUN_DATABASE_URL;

let server;
let dataDir;
let base;
let browser;

function store() {
  return ["--data-dir", dataDir, ...(databaseUrl ? ["--database-url", databaseUrl] : [])];
}

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "dateline-first-run-"));
  server = spawn(binary, ["serve", "--no-demo", "--listen", "127.0.0.1:0", ...store()], {
    env: { ...process.env, DATELINE_LOG: "warn" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  base = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("dateline did not start in 120 s")), 120_000);
    let buffered = "";
    server.stdout.on("data", (chunk) => {
      buffered += chunk;
      const match = buffered.match(/listening on (http:\/\/\S+)/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    server.on("exit", (code) => reject(new Error(`dateline exited with ${code}`)));
  });
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
});

after(async () => {
  await browser?.close();
  server?.kill("SIGTERM");
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test("a fresh site: from an empty data directory to a published story", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (error) => problems.push(String(error)));

  // The empty site says what to do instead of answering 404.
  await page.goto(base + "/");
  await page.getByRole("heading", { name: "Dateline is running" }).waitFor();
  assert.match(await page.locator("main").textContent(), /dateline user add/);

  // The first administrator comes from the command line.
  execFileSync(binary, ["user", "add", "--email", "chief@example.org", "--role", "admin", ...store()], {
    input: "a long first passphrase\n",
    env: { ...process.env, DATELINE_LOG: "warn" },
  });

  // The newsroom's own login needs no edition.
  await page.getByRole("link", { name: "Log in to the newsroom" }).click();
  await page.waitForURL(/\/newsroom\/login/);
  await page.getByLabel("Email address").fill("chief@example.org");
  await page.getByLabel("Password").fill("a long first passphrase");
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL(base + "/newsroom");
  await page.getByRole("heading", { name: "Setting up the site" }).waitFor();

  // The first edition…
  await page.getByRole("link", { name: /Add the first edition/ }).click();
  await page.waitForURL(/\/newsroom\/editions/);
  const add = page.locator("form", { has: page.getByRole("button", { name: "Add an edition" }) });
  await add.getByLabel("Code").fill("en");
  await add.getByLabel("Name (in its own language)").fill("English");
  await add.getByLabel("Language (BCP 47)").fill("en");
  await add.getByRole("button", { name: "Add an edition" }).click();
  await page.waitForURL(/done=edition/);

  // …its first section (the address is made from the name)…
  await page.goto(base + "/newsroom/sections");
  const section = page.locator("form", { has: page.getByRole("button", { name: "Add a section" }) });
  await section.getByLabel("Name").fill("World");
  await section.getByRole("button", { name: "Add a section" }).click();
  await page.waitForURL(/done=section/);

  // …and the first story, published.
  await page.goto(base + "/newsroom");
  assert.equal(await page.getByRole("heading", { name: "Setting up the site" }).count(), 0, "set-up is done");
  await page.getByRole("link", { name: "New article in English" }).click();
  await page.getByLabel("Headline").fill("The first story of a new site");
  await page.getByLabel("Lead").fill("Everything a newcomer needs worked without SQL.");
  await page.getByLabel("Dateline place").fill("LISBON");
  await page.getByLabel("Body (Markdown)").fill("The site went live today.\n\nIt has one edition and one section.");
  await page.getByRole("button", { name: "Publish", exact: true }).click();
  await page.waitForURL(/done=publish/);

  // A reader sees it.
  const reader = await browser.newContext();
  const front = await reader.newPage();
  await front.goto(base + "/");
  await front.waitForURL(base + "/en/");
  await front.getByRole("link", { name: "The first story of a new site" }).first().click();
  await front.getByRole("heading", { level: 1, name: "The first story of a new site" }).waitFor();
  assert.match(await front.locator(".article__body").textContent(), /LISBON, .* - The site went live today\./);
  // The dateline as agencies write it, as the reader sees it (styles applied):
  // the place in capitals, the date and agency as written.
  assert.match(await front.locator(".dateline").innerText(), /^LISBON, [A-Z][a-z]+ \d{1,2} \(Meridian\) -$/);
  await reader.close();

  // Logging out of the newsroom lands on its login page.
  await page.getByRole("button", { name: "Log out" }).first().click();
  await page.waitForURL(/\/newsroom\/login\?status=logged-out/);
  assert.deepEqual(problems, []);
  await context.close();
});

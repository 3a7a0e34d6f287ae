// Lighthouse (mobile) scores of the production build, with Debian's chromium:
//   LIGHTHOUSE=/path/to/node_modules/.bin/lighthouse \
//   PARLO_GATEWAY_URL=http://127.0.0.1:3000 node scripts/lighthouse.mjs [URL_BASE]
// URL_BASE serves the built app (default: the gateway, which serves
// frontend/dist; `npx vite preview` also works). Lighthouse is not a project
// dependency (13.x wants Node 22; 12.2.3 runs on Node 20):
// `npm i -E lighthouse@12.2.3` in a scratch directory.
// Pages: the sign-in page (signed out) and the agenda, reached through a
// real magic link (the dev route issues it; the landing page redeems it and
// opens the agenda), so the figure includes the sign-in round trip.
import { execFileSync } from "node:child_process";
import { readFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const gateway = process.env.PARLO_GATEWAY_URL ?? "http://127.0.0.1:3000";
const base = process.argv[2] ?? gateway;
const bin = process.env.LIGHTHOUSE ?? "lighthouse";
const out = mkdtempSync(join(tmpdir(), "parlo-lh-"));

async function magicLink() {
  const r = await fetch(`${gateway}/api/v1/dev/auth/magic-link`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ phone: "+5215512345678" }),
  });
  const body = await r.json();
  return `${base}/auth?token=${encodeURIComponent(body.links[0].token)}`;
}

function run(name, url) {
  const path = join(out, `${name}.json`);
  execFileSync(
    bin,
    [
      url,
      `--chrome-path=${process.env.CHROMIUM ?? "/usr/bin/chromium"}`,
      "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
      "--only-categories=performance,accessibility,best-practices",
      "--output=json",
      `--output-path=${path}`,
      "--quiet",
    ],
    { stdio: "inherit", timeout: 300_000 },
  );
  const r = JSON.parse(readFileSync(path, "utf8"));
  const score = (k) => Math.round(r.categories[k].score * 100);
  const line = `${name}: performance ${score("performance")}, accessibility ${score("accessibility")}, best practices ${score("best-practices")} (${r.configSettings.formFactor}; LCP ${Math.round(r.audits["largest-contentful-paint"].numericValue)} ms, TBT ${Math.round(r.audits["total-blocking-time"].numericValue)} ms)`;
  console.log(`LIGHTHOUSE ${line}`);
  for (const k of ["accessibility", "best-practices"]) {
    for (const ref of r.categories[k].auditRefs) {
      const a = r.audits[ref.id];
      if (ref.weight > 0 && a.score !== null && a.score < 1) console.log(`  ${k}: ${a.id} — ${a.title}`);
    }
  }
}

run("entrar", `${base}/entrar`);
run("agenda", await magicLink());

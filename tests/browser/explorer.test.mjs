// The HTML explorer in a real browser: Debian's chromium, headless, driven by
// puppeteer-core (tests/browser/package.json; tools/bootstrap installs both).
//
//   node explorer.test.mjs AGENTSIM SCENARIO OUTDIR
//
// Runs AGENTSIM run SCENARIO --html OUTDIR/explorer-failover.html, loads the page with
// every request but the page itself blocked, and checks: no console error, no request
// leaves the page; a host filter leaves exactly that host's records; keyboard stepping
// moves the selection; a click on an expectation highlights the records its evidence
// names; a page of 100,000 records loads and filters quickly. Writes
// OUTDIR/explorer-failover.png. Exits 77 (a skip, for meson) when chromium or
// puppeteer-core is not installed.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [agentsim, scenario, outDir] = process.argv.slice(2);
const chromium = process.env.CHROMIUM || "/usr/bin/chromium";
if (!agentsim || !scenario || !outDir) {
  console.error("usage: node explorer.test.mjs AGENTSIM SCENARIO OUTDIR");
  process.exit(2);
}
let puppeteer;
try {
  puppeteer = (await import("puppeteer-core")).default;
} catch {
  console.log("SKIP: puppeteer-core is not installed (tools/bootstrap installs it)");
  process.exit(77);
}
if (!existsSync(chromium)) {
  console.log(`SKIP: no browser at ${chromium} (tools/bootstrap installs Debian's chromium)`);
  process.exit(77);
}

let failures = 0;
function check(ok, what) {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures++;
}
const sameList = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

const html = path.resolve(outDir, "explorer-failover.html");
execFileSync(agentsim, ["run", scenario, "--quiet", "--html", html], { stdio: ["ignore", "ignore", "inherit"] });

const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions"],
});
try {
  // Loads `file` with every other request refused; returns the errors and refused URLs.
  async function open(file) {
    const page = await browser.newPage();
    await page.setViewport({ width: 1600, height: 1000 });
    const errors = [];
    const refused = [];
    page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.setRequestInterception(true);
    const url = pathToFileURL(file).href;
    page.on("request", (r) => {
      if (r.url() === url) {
        r.continue();
      } else {
        refused.push(r.url());
        r.abort("blockedbyclient");
      }
    });
    const started = Date.now();
    await page.goto(url, { waitUntil: "load" });
    await page.waitForFunction(() => window.explorer !== undefined);
    return { page, errors, refused, ms: Date.now() - started };
  }

  const { page, errors, refused } = await open(html);
  const records = await page.evaluate(() => window.explorer.records.map((r) => ({ seq: r.seq, host: r.host, kind: r.kind, process: r.process, fields: r.fields, name: r.name })));
  check(records.length > 1000, `the page holds the run's ${records.length} records`);
  check((await page.$$("#list-rows .row")).length > 10, "the timeline list shows rows");
  check((await page.$$("#svg g.ev")).length > 10, "the sequence diagram draws events");

  // The page opens on the milestones: far fewer rows, the crash and both elections among them.
  const milestoneSeqs = await page.evaluate(() => window.explorer.shownSeqs());
  const bySeq = new Map(records.map((r) => [r.seq, r]));
  const shownRecords = milestoneSeqs.map((s) => bySeq.get(s));
  check(milestoneSeqs.length > 50 && milestoneSeqs.length < records.length / 5, `the milestones view shows ${milestoneSeqs.length} records`);
  check(shownRecords.some((r) => r.kind === "fault" && r.name === "crash") &&
    shownRecords.filter((r) => r.name === "Master::Leadership" && r.fields.state === "ELECTED").length === 2,
    "among them the crash and both elections");
  // A host filter leaves exactly the records of that host (every record: milestones off,
  // heartbeats on).
  await page.click("#f-milestones");
  await page.click("#f-heartbeats");
  await page.select("#f-host", "agent-2");
  const shown = await page.evaluate(() => window.explorer.shownSeqs());
  const expected = records.filter((r) => r.host === "agent-2").map((r) => r.seq);
  check(shown.length > 0 && sameList(shown, expected), `host agent-2 leaves exactly its ${expected.length} records (shown ${shown.length})`);
  const rowHosts = await page.$$eval("#list-rows .row", (rows) => rows.map((r) => r.dataset.host));
  check(rowHosts.length > 0 && rowHosts.every((h) => h === "agent-2"), "every row in view is agent-2's");
  await page.select("#f-host", "");
  await page.click("#f-heartbeats");

  // Keyboard stepping: j selects and moves on, k moves back, n goes to the next message of
  // the selected process.
  await page.focus("#list");
  await page.keyboard.press("j");
  const first = await page.evaluate(() => window.explorer.selectedSeq());
  await page.keyboard.press("j");
  const second = await page.evaluate(() => window.explorer.selectedSeq());
  check(first !== null && second > first, `j moves the selection (${first} -> ${second})`);
  await page.keyboard.press("k");
  check((await page.evaluate(() => window.explorer.selectedSeq())) === first, "k moves it back");
  const slaveSend = records.find((r) => r.kind === "send" && r.process === "slave(1)" && r.host === "agent-1");
  await page.evaluate((s) => window.explorer.select(s), slaveSend.seq);
  await page.keyboard.press("n");
  const nextSeq = await page.evaluate(() => window.explorer.selectedSeq());
  const next = records.find((r) => r.seq === nextSeq);
  const between = records.filter((r) => r.seq > slaveSend.seq && r.seq < nextSeq && r.host === "agent-1" &&
    r.process === "slave(1)" && ["send", "deliver", "drop"].includes(r.kind));
  check(next && next.process === "slave(1)" && next.host === "agent-1" && ["send", "deliver", "drop"].includes(next.kind) &&
    between.length === 0, `n moves to the next message of slave(1) on agent-1 (seq ${slaveSend.seq} -> ${nextSeq})`);
  check((await page.$eval("#details", (d) => d.textContent)).includes(next.name), "the details pane shows the selected event");
  await page.keyboard.press("p");
  check((await page.evaluate(() => window.explorer.selectedSeq())) === slaveSend.seq, "p moves back to the previous one");
  await page.keyboard.press("n");
  const link = await page.$eval("#details a[href]", (a) => a.href).catch(() => "");
  check(link.startsWith("https://github.com/apache/mesos/blob/1.1.0/src/"), `the details link to the Mesos source (${link})`);

  // The search box keeps the records whose text holds what is typed.
  await page.type("#search", "Expiring session");
  await page.keyboard.press("Enter");
  const found = await page.evaluate(() => window.explorer.shownSeqs());
  check(found.length === 2 && found.every((q) => bySeq.get(q).fields.message.startsWith("Expiring session")),
    `searching "Expiring session" finds master-1's two ZooKeeper sessions expiring (${found.length})`);
  await page.$eval("#search", (e) => { e.value = ""; });
  await page.focus("#search");
  await page.keyboard.press("Enter");
  const heartbeat = (r) => ["send", "deliver", "drop"].includes(r.kind) &&
    ["zookeeper.Ping", "zookeeper.PingResponse", "zookeeper.quorum.Ping"].includes(r.name);
  check((await page.evaluate(() => window.explorer.shownSeqs())).length === records.filter((r) => !heartbeat(r)).length,
    "an empty search shows every record again (but the heartbeats)");

  // A click on an expectation lights up the records its evidence names.
  const checks = records.filter((r) => r.kind === "check");
  const n = checks.findIndex((r) => r.name === "agent_reregistered");
  const want = checks[n].fields.evidence_seqs;
  await page.click(`#checks li[data-check="${n}"]`);
  const lit = await page.evaluate(() => window.explorer.evidenceSeqs());
  check(Array.isArray(want) && want.length > 0 && sameList(lit, want), `agent_reregistered highlights its evidence ${JSON.stringify(want)}`);
  const litRows = await page.$$eval("#list-rows .row.evidence", (rows) => rows.map((r) => Number(r.dataset.seq)));
  check(litRows.length > 0 && litRows.every((s) => want.includes(s)), "the evidence rows are highlighted in the list");
  check((await page.evaluate(() => window.explorer.selectedSeq())) === want[0], "and the first one is selected");
  const counted = checks.findIndex((r) => r.name === "message_count" && r.fields.evidence_seqs.length === 3);
  await page.click(`#checks li[data-check="${counted}"]`);
  check(sameList(await page.evaluate(() => window.explorer.evidenceSeqs()), checks[counted].fields.evidence_seqs),
    `a message_count highlights its ${checks[counted].fields.evidence_seqs.length} messages`);

  // The screenshot: the milestones, master-2's election lit up.
  await page.click("#f-milestones");
  const elected = checks.findIndex((r) => r.name === "leader" && r.fields.expectation.startsWith("master-2"));
  await page.click(`#checks li[data-check="${elected}"]`);
  check(sameList(await page.evaluate(() => window.explorer.evidenceSeqs()), checks[elected].fields.evidence_seqs),
    `in the milestones view too, a verdict lights up its evidence (${JSON.stringify(await page.evaluate(() => window.explorer.evidenceSeqs()))} vs ${JSON.stringify(checks[elected].fields.evidence_seqs)})`);
  await page.screenshot({ path: path.resolve(outDir, "explorer-failover.png") });
  check(errors.length === 0, `no console error${errors.length ? ": " + errors.join(" | ") : ""}`);
  check(refused.length === 0, `no request but the page itself${refused.length ? ": " + refused.join(" ") : ""}`);

  // 100,000 records: the failover run's records repeated, renumbered, in the same page.
  const text = readFileSync(html, "utf8");
  const open1 = text.indexOf('<script id="trace" type="application/json">') + '<script id="trace" type="application/json">'.length;
  const close1 = text.indexOf("</script>", open1);
  const data = JSON.parse(text.substring(open1, close1));
  const base = data.records.filter((r) => r.kind !== "check");
  const span = base[base.length - 1].t + 1;
  const big = [];
  for (let k = 0; big.length < 100000; k++) {
    for (const r of base) {
      if (big.length === 100000) break;
      big.push({ ...r, seq: big.length, t: r.t + k * span });
    }
  }
  data.records = big;
  data.milestones = [];  // every record shown
  const bigFile = path.resolve(outDir, "explorer-100k.html");
  writeFileSync(bigFile, text.substring(0, open1) + JSON.stringify(data).replace(/</g, "\\u003c") + text.substring(close1));
  const large = await open(bigFile);
  const filterMs = await large.page.evaluate(async () => {
    const t0 = performance.now();
    const s = document.getElementById("f-host");
    s.value = "master-2";
    s.dispatchEvent(new Event("change"));
    const list = document.getElementById("list");
    list.scrollTop = list.scrollHeight / 2;
    list.dispatchEvent(new Event("scroll"));
    await new Promise((r) => requestAnimationFrame(() => r()));
    return performance.now() - t0;
  });
  console.log(`100,000 records: loaded in ${large.ms} ms, filtered and scrolled in ${filterMs.toFixed(0)} ms`);
  check(large.ms < 15000 && filterMs < 2000, "a page of 100,000 records loads in under 15 s and filters in under 2 s");
  check(large.errors.length === 0, "no console error on the large page");
} finally {
  await browser.close();
}
console.log(failures === 0 ? "explorer: all checks passed" : `explorer: ${failures} check(s) failed`);
process.exit(failures === 0 ? 0 : 1);

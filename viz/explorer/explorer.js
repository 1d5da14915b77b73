// The agentsim explorer: reads the trace embedded in the page (#trace) and shows it as a
// filterable timeline list beside a sequence diagram of hosts. Only the rows in view are
// in the DOM (list and diagram alike), so a trace of 100,000 records stays responsive.
// window.explorer is the page's small API, used by tests/browser/explorer.test.mjs.
"use strict";
(function () {
  const MESOS = "https://github.com/apache/mesos/blob/1.1.0/";
  const HEARTBEATS = new Set(["zookeeper.Ping", "zookeeper.PingResponse", "zookeeper.quorum.Ping"]);
  const MESSAGE_KINDS = new Set(["send", "deliver", "drop"]);
  const data = JSON.parse(document.getElementById("trace").textContent);
  const header = data.header || {};
  const records = data.records || [];
  const milestones = new Set(data.milestones || []);  // seqs (viz::storySeqs)
  const $ = (id) => document.getElementById(id);
  const rowHeight = () => parseFloat(getComputedStyle(document.documentElement).getPropertyValue("--row")) || 22;

  // ---- the records, indexed ----------------------------------------------------------
  const bySeq = new Map();
  records.forEach((r, i) => bySeq.set(r.seq, i));
  const hostOf = (address) => {
    // "slave(1)@agent-1:5051" -> "agent-1"
    if (!address) return "";
    const at = address.indexOf("@");
    if (at < 0) return "";
    const colon = address.lastIndexOf(":");
    return address.substring(at + 1, colon > at ? colon : address.length);
  };
  // Pairs each deliver/drop with its send: by the `msg` id (trace v2), else the earliest
  // unpaired send of the same name, from and to (trace v1).
  const peer = new Map();  // record index -> index of its send (for deliver/drop) or first receipt (send)
  const receipts = new Map();  // send index -> [deliver/drop indexes]
  (function pairMessages() {
    const byMsg = new Map();
    const open = new Map();
    records.forEach((r, i) => {
      if (!MESSAGE_KINDS.has(r.kind)) return;
      const f = r.fields || {};
      if (r.kind === "send") {
        if (r.msg !== undefined) byMsg.set(r.msg, i);
        const key = r.name + "\n" + f.from + "\n" + f.to;
        if (!open.has(key)) open.set(key, []);
        open.get(key).push(i);
        return;
      }
      let s;
      if (r.msg !== undefined && byMsg.has(r.msg)) {
        s = byMsg.get(r.msg);
      } else {
        const q = open.get(r.name + "\n" + f.from + "\n" + f.to);
        if (q && q.length) s = q.shift();
      }
      if (s === undefined) return;
      peer.set(i, s);
      if (!receipts.has(s)) receipts.set(s, []);
      receipts.get(s).push(i);
      if (!peer.has(s)) peer.set(s, i);
    });
  })();

  // The hosts, in the order the cluster lists them: ZooKeeper, masters, agents, others.
  const hostRank = (h) => (/^zk/.test(h) ? 0 : /^master/.test(h) ? 1 : /^agent/.test(h) ? 2 : /^framework/.test(h) ? 3 : 4);
  const naturalCmp = (a, b) => a.localeCompare(b, undefined, { numeric: true });
  const hosts = [...new Set(records.map((r) => r.host).filter((h) => h))].sort(
    (a, b) => hostRank(a) - hostRank(b) || naturalCmp(a, b));
  const lane = new Map(hosts.map((h, i) => [h, i]));

  // ---- formatting --------------------------------------------------------------------
  const seconds = (t) => {
    const s = Math.floor(t / 1e9);
    const us = Math.floor((t % 1e9) / 1e3);
    return s + "." + String(us).padStart(6, "0") + "s";
  };
  const valueText = (v) => (typeof v === "string" ? v : JSON.stringify(v));
  const fieldsText = (r, skip) =>
    Object.entries(r.fields || {})
      .filter(([k]) => !skip.includes(k))
      .map(([k, v]) => k + "=" + valueText(v))
      .join(" ");
  function describe(r) {
    const f = r.fields || {};
    switch (r.kind) {
      case "send": return r.name + " \u2192 " + (f.to || "") + " " + fieldsText(r, ["from", "to"]);
      case "deliver": return r.name + " \u2190 " + (f.from || "") + " " + fieldsText(r, ["from", "to"]);
      case "drop": return r.name + " " + (f.from || "") + " \u2192 " + (f.to || "") + " (" + (f.reason || "") + ")";
      case "state": return r.name + " = " + (f.state || "") + " " + fieldsText(r, ["state"]);
      case "fault": return f.action !== undefined ? (f.label || "") + ": " + f.action : r.name + " " + fieldsText(r, []);
      case "check": return r.name + " " + (f.held ? "held" : "FAILED") + ": " + (f.evidence || "");
      case "log": return (f.message || "") + " " + fieldsText(r, ["message"]);
      case "startup": return r.name + ": " + (f.builds || f.message || "");
      default: return r.name + " " + fieldsText(r, []);
    }
  }
  const searchText = [];
  const textOf = (i) => {
    if (searchText[i] === undefined) {
      const r = records[i];
      searchText[i] = (r.host + " " + r.process + " " + r.kind + " " + describe(r) + " " + r.ref).toLowerCase();
    }
    return searchText[i];
  };
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  const sourceUrl = (ref) => {
    const file = (ref || "").split(":")[0].trim();
    return /^(src|include|3rdparty)\//.test(file) ? MESOS + file : "";
  };

  // ---- state ---------------------------------------------------------------------------
  const state = {
    filtered: [],        // record indexes shown, in trace order
    position: new Map(), // record index -> position in `filtered`
    selected: -1,        // record index
    evidence: new Set(), // record indexes lit by the active check
    evidenceList: [],
    activeCheck: -1,
  };

  // ---- filters -------------------------------------------------------------------------
  function fillSelect(id, values, label) {
    const s = $(id);
    s.innerHTML = "";
    s.append(new Option("all " + label, ""));
    for (const v of values) s.append(new Option(v, v));
  }
  const processes = [...new Set(records.map((r) => r.process).filter((p) => p))].sort(naturalCmp);
  const kinds = [...new Set(records.map((r) => r.kind))].sort();
  const names = [...new Set(records.filter((r) => MESSAGE_KINDS.has(r.kind)).map((r) => r.name))].sort();
  fillSelect("f-host", hosts, "hosts");
  fillSelect("f-process", processes, "processes");
  fillSelect("f-kind", kinds, "kinds");
  fillSelect("f-name", names, "messages");

  function applyFilters() {
    const host = $("f-host").value, proc = $("f-process").value, kind = $("f-kind").value, name = $("f-name").value;
    const heartbeats = $("f-heartbeats").checked, deliveries = $("f-deliveries").checked;
    const onlyMilestones = $("f-milestones").checked && milestones.size > 0;
    const query = $("search").value.trim().toLowerCase();
    const out = [];
    for (let i = 0; i < records.length; i++) {
      const r = records[i];
      if (host && r.host !== host) continue;
      if (proc && r.process !== proc) continue;
      if (kind && r.kind !== kind) continue;
      if (name && (r.name !== name || !MESSAGE_KINDS.has(r.kind))) continue;
      // The heartbeats and deliveries boxes only hide what no other filter asked for.
      if (!heartbeats && !name && MESSAGE_KINDS.has(r.kind) && HEARTBEATS.has(r.name)) continue;
      if (!deliveries && !kind && r.kind === "deliver") continue;
      if (query && !textOf(i).includes(query)) continue;
      // Milestones only: the story's records, the deliveries of its messages, and the
      // records the active verdict names.
      if (onlyMilestones && !milestones.has(r.seq) && !state.evidence.has(i) &&
          !(r.kind === "deliver" && milestones.has(records[peer.get(i)] ? records[peer.get(i)].seq : -1))) continue;
      out.push(i);
    }
    state.filtered = out;
    state.position = new Map(out.map((i, p) => [i, p]));
    $("count").textContent = out.length.toLocaleString("en") + " of " + records.length.toLocaleString("en") + " records";
    $("list-spacer").style.height = out.length * rowHeight() + "px";
    render();
  }
  for (const id of ["f-host", "f-process", "f-kind", "f-name", "f-heartbeats", "f-deliveries", "f-milestones"]) {
    $(id).addEventListener("change", applyFilters);
  }
  let searchTimer = 0;
  $("search").addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(applyFilters, 120);
  });

  // ---- the list and the diagram: only the rows in view -------------------------------
  const list = $("list"), diagram = $("diagram"), svg = $("svg");
  const laneWidth = () => Math.max(64, Math.floor((diagram.clientWidth - 20) / Math.max(1, hosts.length)));
  const laneX = (h) => 10 + (lane.get(h) + 0.5) * laneWidth();
  const SVGNS = "http://www.w3.org/2000/svg";
  function el(name, attrs, parent) {
    const e = document.createElementNS(SVGNS, name);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }
  function visibleRange() {
    const h = rowHeight();
    const first = Math.max(0, Math.floor(list.scrollTop / h) - 5);
    const last = Math.min(state.filtered.length, Math.ceil((list.scrollTop + list.clientHeight) / h) + 5);
    return [first, last];
  }
  function rowClass(i) {
    const r = records[i];
    let c = "row " + r.kind;
    if (i === state.selected) c += " selected";
    if (state.evidence.has(i)) c += " evidence";
    return c;
  }
  function renderList(first, last) {
    const h = rowHeight();
    const rows = $("list-rows");
    rows.style.top = first * h + "px";
    let html = "";
    for (let p = first; p < last; p++) {
      const i = state.filtered[p];
      const r = records[i];
      const d = describe(r);
      html += '<div class="' + rowClass(i) + '" data-index="' + i + '" data-seq="' + r.seq + '" data-host="' + esc(r.host) +
        '"><span class="t">' + seconds(r.t) + '</span><span class="h">' + esc(r.host) + '</span><span class="p">' +
        esc(r.process) + '</span><span class="k k-' + r.kind + '">' + r.kind + '</span><span class="d" title="' + esc(d) +
        '">' + esc(d) + "</span></div>";
    }
    rows.innerHTML = html;
  }
  // Which hosts are down (crashed, not yet restarted) at each record: a bit per lane (the
  // first 31 lanes), computed once.
  const downMask = new Int32Array(records.length);
  (function () {
    let mask = 0;
    records.forEach((r, i) => {
      if (r.kind === "fault" && lane.has(r.host) && lane.get(r.host) < 31) {
        const bit = 1 << lane.get(r.host);
        if (r.name === "crash") mask |= bit;
        if (r.name === "restart") mask &= ~bit;
      }
      downMask[i] = mask;
    });
  })();
  function renderDiagram(first, last) {
    const h = rowHeight();
    const w = laneWidth();
    const width = 20 + w * hosts.length;
    const total = state.filtered.length * h;
    svg.setAttribute("width", width);
    svg.setAttribute("height", Math.max(total, diagram.clientHeight));
    svg.textContent = "";
    const head = $("lanes-head");
    head.innerHTML = hosts.map((x) => '<span style="left:' + (laneX(x) - diagram.scrollLeft) + 'px">' + esc(x) + "</span>").join("");
    const g = el("g", {}, svg);
    // Bands for the selected and evidence rows, then the lifelines.
    for (let p = first; p < last; p++) {
      const i = state.filtered[p];
      const cls = i === state.selected ? "selected" : state.evidence.has(i) ? "evidence" : "";
      if (cls) el("rect", { class: "band " + cls, x: 0, y: p * h, width: width, height: h }, g);
    }
    // The lifelines, row by row: dotted red while the host is down.
    for (const x of hosts) {
      const bit = lane.get(x) < 31 ? 1 << lane.get(x) : 0;
      let from = first;
      for (let p = first; p <= last; p++) {
        const down = p < last && (downMask[state.filtered[p]] & bit) !== 0;
        const prev = p > from && (downMask[state.filtered[p - 1]] & bit) !== 0;
        if (p === last || (p > from && down !== prev)) {
          el("line", { class: "lane" + (prev ? " down" : ""), x1: laneX(x), x2: laneX(x), y1: from * h, y2: p * h }, g);
          from = p;
        }
      }
    }
    for (let p = first; p < last; p++) drawRecord(g, p, h, first, last);
  }
  function drawRecord(g, p, h, first, last) {
    const i = state.filtered[p];
    const r = records[i];
    const f = r.fields || {};
    const y = p * h + h / 2;
    const grp = el("g", { class: "ev", "data-index": i }, g);
    const x = lane.has(r.host) ? laneX(r.host) : 10;
    const hb = HEARTBEATS.has(r.name) ? " hb" : "";
    if (r.kind === "send") {
      const to = hostOf(f.to);
      const tx = lane.has(to) ? laneX(to) : x + 30;
      // Draw to the receipt's row when it is shown; else a level arrow.
      const rec = (receipts.get(i) || []).map((j) => state.position.get(j)).filter((q) => q !== undefined);
      const dropped = (receipts.get(i) || []).some((j) => records[j].kind === "drop");
      const q = rec.length ? rec[0] : p;
      const ty = q * h + h / 2;
      const cls = "msg" + (dropped ? " dropped" : "") + hb;
      if (to === r.host) {
        el("path", { class: cls, d: "M" + x + " " + y + " h 18 V " + ty + " h -14", "marker-end": "" }, grp);
      } else {
        el("line", { class: cls, x1: x, y1: y, x2: tx, y2: ty }, grp);
        const dir = tx >= x ? -1 : 1;
        el("path", { class: "mark", d: "M" + tx + " " + ty + " l " + dir * 7 + " -3.5 v 7 z" }, grp);
      }
      // The label starts at the sender, on the side the arrow goes.
      const right = to === r.host || tx >= x;
      const label = el("text", { class: "lbl" + (dropped ? " dropped" : ""), x: to === r.host ? x + 22 : x + (right ? 6 : -6), y: y - 3, "text-anchor": right ? "start" : "end" }, grp);
      label.textContent = r.name;
    } else if (r.kind === "deliver") {
      el("circle", { class: "dot", cx: x, cy: y, r: 3 }, grp);
    } else if (r.kind === "drop") {
      el("path", { class: "x", d: "M" + (x - 5) + " " + (y - 5) + " l 10 10 m -10 0 l 10 -10" }, grp);
      const left = lane.get(r.host) > (hosts.length - 1) / 2;
      const t = el("text", { class: "lbl dropped", x: left ? x - 8 : x + 8, y: y + 4, "text-anchor": left ? "end" : "start" }, grp);
      t.textContent = "drop " + r.name;
    } else if (r.kind === "state" || r.kind === "startup") {
      el("rect", { class: "state", x: x - 5, y: y - 5, width: 10, height: 10, rx: 2 }, grp);
      // Text goes to the side with more room.
      const left = lane.get(r.host) > (hosts.length - 1) / 2;
      const t = el("text", { class: "statetext", x: left ? x - 9 : x + 9, y: y + 4, "text-anchor": left ? "end" : "start" }, grp);
      t.textContent = r.kind === "state" ? r.name + " = " + (f.state || "") : "startup " + r.name;
    } else if (r.kind === "log") {
      el("circle", { class: "logdot", cx: x, cy: y, r: 2.5 }, grp);
    } else if (r.kind === "fault") {
      el("path", { class: "fault", d: "M" + x + " " + (y - 7) + " l 7 7 l -7 7 l -7 -7 z" }, grp);
      const t = el("text", { class: "faulttext", x: x + 10, y: y + 4 }, grp);
      t.textContent = r.name.toUpperCase() + (f.action ? " " + f.action : "");
    } else if (r.kind === "timer") {
      el("circle", { class: "timer", cx: x, cy: y, r: 5 }, grp);
      el("path", { d: "M" + x + " " + y + " v -3 M" + x + " " + y + " h 3", stroke: "#b7791f" }, grp);
    } else {
      el("circle", { class: "mark", cx: x, cy: y, r: 3 }, grp);
    }
  }
  let frame = 0;
  function render() {
    const [first, last] = visibleRange();
    renderList(first, last);
    renderDiagram(first, last);
  }
  function scheduleRender() {
    if (!frame) frame = requestAnimationFrame(() => { frame = 0; render(); });
  }
  // The two panes scroll together.
  let syncing = false;
  list.addEventListener("scroll", () => {
    if (!syncing) { syncing = true; diagram.scrollTop = list.scrollTop; syncing = false; }
    scheduleRender();
  });
  diagram.addEventListener("scroll", () => {
    if (!syncing) { syncing = true; list.scrollTop = diagram.scrollTop; syncing = false; }
    scheduleRender();
  });
  window.addEventListener("resize", () => { applyFilters(); });

  // ---- selection and details -----------------------------------------------------------
  function scrollIntoView(i) {
    const p = state.position.get(i);
    if (p === undefined) return;
    const h = rowHeight();
    const y = p * h;
    if (y < list.scrollTop || y + h > list.scrollTop + list.clientHeight) {
      list.scrollTop = Math.max(0, y - list.clientHeight / 3);
      diagram.scrollTop = list.scrollTop;
    }
  }
  function select(i, scroll) {
    state.selected = i;
    if (scroll !== false) scrollIntoView(i);
    render();
    showDetails(i);
  }
  function link(i, text) {
    return '<a data-goto="' + i + '">' + esc(text) + "</a>";
  }
  function showDetails(i) {
    const box = $("details");
    if (i < 0) { box.innerHTML = '<p class="hint">Click an event to see its fields.</p>'; return; }
    const r = records[i];
    const url = sourceUrl(r.ref);
    let rows = [["time", seconds(r.t) + "  (" + r.t + " ns)"], ["seq", r.seq], ["kind", r.kind], ["host", r.host],
      ["process", r.process], ["name", r.name]];
    if (r.msg !== undefined) rows.push(["msg", r.msg]);
    if (r.duplicate) rows.push(["duplicate", "true"]);
    let html = "<h3>" + esc(r.kind + " " + r.name) + " <small>at " + seconds(r.t) + " on " + esc(r.host || "(harness)") + "</small></h3><table>";
    for (const [k, v] of rows) html += "<tr><td>" + esc(k) + "</td><td>" + esc(v) + "</td></tr>";
    for (const [k, v] of Object.entries(r.fields || {})) html += "<tr><td>" + esc(k) + "</td><td>" + esc(valueText(v)) + "</td></tr>";
    html += "<tr><td>models</td><td>" + (r.ref ? (url ? '<a href="' + esc(url) + '" target="_blank" rel="noopener">' + esc(r.ref) + "</a> (Mesos 1.1.0 on GitHub)" : esc(r.ref)) : "(the harness or the network: no Mesos source)") + "</td></tr></table>";
    const nav = [];
    if (r.kind === "send") {
      for (const j of receipts.get(i) || []) nav.push(link(j, (records[j].kind === "drop" ? "dropped" : "delivered") + " at " + seconds(records[j].t)));
      if (!(receipts.get(i) || []).length) nav.push("never delivered in this trace");
    } else if (peer.has(i)) {
      nav.push(link(peer.get(i), "sent at " + seconds(records[peer.get(i)].t) + " by " + records[peer.get(i)].process + "@" + records[peer.get(i)].host));
    }
    if (nav.length) html += '<p class="nav">' + nav.join(" ") + "</p>";
    box.innerHTML = html;
  }
  $("details").addEventListener("click", (e) => {
    const a = e.target.closest("a[data-goto]");
    if (!a) return;
    const j = Number(a.dataset.goto);
    if (!state.position.has(j)) { clearFiltersKeeping(); }
    select(j);
  });
  function clearFiltersKeeping() {
    for (const id of ["f-host", "f-process", "f-kind", "f-name"]) $(id).value = "";
    $("search").value = "";
    $("f-heartbeats").checked = true;
    $("f-deliveries").checked = true;
    $("f-milestones").checked = false;
    applyFilters();
  }
  $("list-rows").addEventListener("click", (e) => {
    const row = e.target.closest(".row");
    if (row) { select(Number(row.dataset.index), false); list.focus(); }
  });
  svg.addEventListener("click", (e) => {
    const g = e.target.closest("g.ev");
    if (g) select(Number(g.dataset.index), false);
  });

  // ---- keyboard stepping ---------------------------------------------------------------
  function step(delta) {
    const n = state.filtered.length;
    if (!n) return;
    let p = state.position.get(state.selected);
    if (p === undefined) {
      // From the first row in view.
      p = Math.min(n - 1, Math.floor(list.scrollTop / rowHeight()));
      select(state.filtered[p]);
      return;
    }
    p = Math.max(0, Math.min(n - 1, p + delta));
    select(state.filtered[p]);
  }
  // The next (or previous) message of the selected record's process, in trace order,
  // whatever the filters show (the filters are widened if it is hidden).
  function stepMessage(delta) {
    if (state.selected < 0) { step(delta); return; }
    const r0 = records[state.selected];
    for (let i = state.selected + delta; i >= 0 && i < records.length; i += delta) {
      const r = records[i];
      if (r.host === r0.host && r.process === r0.process && MESSAGE_KINDS.has(r.kind)) {
        if (!state.position.has(i)) clearFiltersKeeping();
        select(i);
        return;
      }
    }
  }
  function stepEvidence(delta) {
    const ev = state.evidenceList.filter((i) => state.position.has(i));
    if (!ev.length) return;
    let next = delta > 0 ? ev.find((i) => i > state.selected) : [...ev].reverse().find((i) => i < state.selected);
    if (next === undefined) next = delta > 0 ? ev[0] : ev[ev.length - 1];
    select(next);
  }
  document.addEventListener("keydown", (e) => {
    if (e.target === $("search")) {
      if (e.key === "Escape" || e.key === "Enter") { applyFilters(); list.focus(); }
      return;
    }
    if (e.target.tagName === "SELECT" || e.ctrlKey || e.metaKey || e.altKey) return;
    const keys = {
      j: () => step(1), ArrowDown: () => step(1), k: () => step(-1), ArrowUp: () => step(-1),
      PageDown: () => step(Math.floor(list.clientHeight / rowHeight())), PageUp: () => step(-Math.floor(list.clientHeight / rowHeight())),
      n: () => stepMessage(1), p: () => stepMessage(-1), e: () => stepEvidence(1), E: () => stepEvidence(-1),
      "/": () => $("search").focus(), Escape: () => highlight(-1),
    };
    const f = keys[e.key];
    if (f) { e.preventDefault(); f(); }
  });

  // ---- verdicts ------------------------------------------------------------------------
  const checks = [];
  records.forEach((r, i) => { if (r.kind === "check") checks.push(i); });
  function renderChecks() {
    const ol = $("checks");
    if (!checks.length) { ol.innerHTML = "<li>No verdicts in this trace.</li>"; return; }
    ol.innerHTML = checks.map((i, n) => {
      const r = records[i], f = r.fields || {};
      const what = f.expectation || f.invariant || r.name;
      const tag = f.invariant !== undefined ? "invariant" : f.expectation !== undefined ? r.name : "limit";
      const seqs = Array.isArray(f.evidence_seqs) ? f.evidence_seqs.length : 0;
      return '<li class="check' + (f.held ? "" : " failed") + '" data-check="' + n + '"><span class="verdict">' +
        (f.held ? "\u2713 held" : "\u2717 FAILED") + '</span> <span class="kindtag">' + esc(tag) + '</span><span class="what">' + esc(what) +
        '</span><span class="evidence">' + esc(f.evidence || "") + (seqs ? " \u2014 " + seqs + " event" + (seqs === 1 ? "" : "s") : "") + "</span></li>";
    }).join("");
  }
  function highlight(n) {
    state.activeCheck = n;
    state.evidence = new Set();
    state.evidenceList = [];
    if (n >= 0) {
      const seqs = (records[checks[n]].fields || {}).evidence_seqs;
      for (const s of Array.isArray(seqs) ? seqs : []) {
        if (bySeq.has(s)) state.evidence.add(bySeq.get(s));
      }
      state.evidenceList = [...state.evidence].sort((a, b) => a - b);
    }
    document.querySelectorAll("#checks li").forEach((li) => li.classList.toggle("active", Number(li.dataset.check) === n));
    if (state.evidenceList.length) {
      if (state.evidenceList.some((i) => !state.position.has(i))) clearFiltersKeeping();
      select(state.evidenceList[0]);
    } else {
      render();
    }
  }
  $("checks").addEventListener("click", (e) => {
    const li = e.target.closest("li[data-check]");
    if (li) highlight(Number(li.dataset.check) === state.activeCheck ? -1 : Number(li.dataset.check));
  });

  // ---- start -----------------------------------------------------------------------------
  const held = checks.filter((i) => records[i].fields.held).length;
  $("run").textContent = (header.scenario || "") + " (" + (header.file || "") + "), seed " + (header.seed || "?") + ", " +
    records.length.toLocaleString("en") + " records, " + seconds(records.length ? records[records.length - 1].t : 0) +
    " simulated; " + held + " of " + checks.length + " verdicts held" +
    (data.truncated ? "; TRUNCATED: the trace has no end record (the run did not finish, or the file was cut short)" : "");
  document.title = "agentsim: " + (header.scenario || "trace");
  renderChecks();
  applyFilters();
  list.focus();

  window.explorer = {
    records,
    // The seqs of the records the filters leave, in order.
    shownSeqs: () => state.filtered.map((i) => records[i].seq),
    selectedSeq: () => (state.selected < 0 ? null : records[state.selected].seq),
    evidenceSeqs: () => state.evidenceList.map((i) => records[i].seq),
    select: (seq) => select(bySeq.get(seq)),
  };
})();

// wirewatch ui: the incident map. Vanilla JS, no build step; the basemap is the vendored
// world-atlas TopoJSON, decoded by the vendored topojson-client.
"use strict";
(function () {
  const W = 960, H = 480, POLL_MS = 2000, CLUSTER_PX = 28;
  const SVG_NS = "http://www.w3.org/2000/svg";
  const COLOURS = {
    "Battles": "#d62728",
    "Explosions/Remote violence": "#ff7f0e",
    "Violence against civilians": "#9467bd",
    "Protests": "#1f77b4",
    "Riots": "#8c564b",
    "Strategic developments": "#2ca02c",
    "Disasters": "#17becf",
  };
  const OTHER_COLOUR = "#7f7f7f";

  const byId = new Map();          // incident_id -> latest record (the topic is compacted)
  const articleOf = new Map();     // article_id -> {url, title} (JSONL mode only)
  const evidenceOf = new Map();    // incident_id -> evidence sentence (for events)
  // incidents and events side by side: an event has event_id, first/last_date, id lists
  const idOf = (r) => r.incident_id || r.event_id;
  const dateOf = (r) => r.date || r.last_date || r.first_date || null;
  const listOf = (r, one, many) => r[one] ? [r[one]] : (r[many] || []);
  const knownTypes = new Set();
  const hiddenTypes = new Set();   // types unchecked by the user; new types arrive checked
  let generation = -1, cursor = 0, skipped = 0, source = null, problem = null;
  let view = { k: 1, x: 0, y: 0 }; // map units: screen = (p - (x,y)) * k
  let lastFocusedMarker = null;

  const $ = (id) => document.getElementById(id);
  const el = (tag, attrs, text) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const svgEl = (tag, attrs) => {
    const e = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    return e;
  };
  const colourOf = (t) => COLOURS[t] || OTHER_COLOUR;
  const project = (lon, lat) => [(lon + 180) * W / 360, (90 - lat) * H / 180];
  const coordsOf = (r) => {
    const loc = r.location;
    if (!loc || typeof loc.lat !== "number" || typeof loc.lon !== "number") return null;
    return project(loc.lon, loc.lat);
  };
  const radiusOf = (r) => 4 + 2.5 * Math.sqrt(Math.max(0, r.fatalities || r.fatalities_min || 0));

  // ---------------------------------------------------------------- basemap
  function ringPath(ring) {
    // a ring that crosses the antimeridian (Russia, Fiji) is cut there instead of being drawn
    // as a stroke across the whole map
    let d = "", prevLon = null;
    for (const [lon, lat] of ring) {
      const [x, y] = project(lon, lat);
      const jump = prevLon === null || Math.abs(lon - prevLon) > 180;
      d += (jump ? "M" : "L") + x.toFixed(1) + "," + y.toFixed(1);
      prevLon = lon;
    }
    return d + "Z";
  }
  async function drawBasemap() {
    const topo = await (await fetch("/static/countries-110m.json")).json();
    const countries = topojson.feature(topo, topo.objects.countries).features;
    const g = $("basemap");
    for (const c of countries) {
      const geom = c.geometry;
      if (!geom) continue;
      const polys = geom.type === "Polygon" ? [geom.coordinates] : geom.coordinates;
      const d = polys.map((p) => p.map(ringPath).join("")).join("");
      const path = svgEl("path", { d: d });
      const title = svgEl("title");
      title.textContent = (c.properties && c.properties.name) || "";
      path.appendChild(title);
      g.appendChild(path);
    }
  }

  // ---------------------------------------------------------------- filters
  function addTypeOption(t) {
    knownTypes.add(t);
    const opts = $("type-options");
    const id = "type-" + [...knownTypes].length;
    const label = el("label", { for: id });
    const box = el("input", { type: "checkbox", id: id, name: "type", value: t });
    box.checked = !hiddenTypes.has(t);
    box.addEventListener("change", () => {
      if (box.checked) hiddenTypes.delete(t); else hiddenTypes.add(t);
      render();
    });
    const swatch = el("span", { class: "swatch", "aria-hidden": "true" });
    swatch.style.background = colourOf(t);
    label.append(box, swatch, document.createTextNode(t));
    // keep the list in a stable (alphabetical) order
    const after = [...opts.children].find((l) => l.textContent > t);
    opts.insertBefore(label, after || null);
  }
  function setAllTypes(visible) {
    for (const box of $("type-options").querySelectorAll("input")) {
      box.checked = visible;
      if (visible) hiddenTypes.delete(box.value); else hiddenTypes.add(box.value);
    }
    render();
  }
  // the same rules as Selection.matches in wirewatch/ui/server.py (the exports)
  const killedOf = (r) => Number.isInteger(r.fatalities) ? r.fatalities
                        : Number.isInteger(r.fatalities_min) ? r.fatalities_min : null;
  function filters() {
    const min = $("f-min-killed").value.trim();
    return {
      country: $("f-country").value, from: $("f-from").value, to: $("f-to").value,
      min: /^\d+$/.test(min) ? Number(min) : null, source: $("f-source").value,
    };
  }
  let current = null;  // filters() of the current redraw
  function isSelected(r) {
    if (hiddenTypes.has(r.event_type)) return false;
    const f = current;
    if (f.country && (r.location || {}).country !== f.country) return false;
    const date = dateOf(r);
    if (f.from && !(date && date >= f.from)) return false;
    if (f.to && !(date && date <= f.to)) return false;
    if (f.min !== null) { const k = killedOf(r); if (k === null || k < f.min) return false; }
    if (f.source && !(r.sources || []).includes(f.source)) return false;
    return true;
  }
  const countries = new Set(), sources = new Set();
  function addChoices(selectId, known, values) {
    let added = false;
    for (const v of values) if (v && !known.has(v)) { known.add(v); added = true; }
    if (!added) return;
    const sel = $(selectId), keep = sel.value, first = sel.options[0];
    sel.replaceChildren(first, ...[...known].sort().map((v) => el("option", { value: v }, v)));
    sel.value = keep;
  }

  function updateExportLinks() {
    const params = [];
    if (hiddenTypes.size) {
      const shown = [...knownTypes].filter((t) => !hiddenTypes.has(t));
      if (shown.length) for (const t of shown) params.push(["type", t]);
      else params.push(["type", ""]);
    }
    const f = current;
    if (f.country) params.push(["country", f.country]);
    if (f.from) params.push(["from", f.from]);
    if (f.to) params.push(["to", f.to]);
    if (f.min !== null) params.push(["min_fatalities", String(f.min)]);
    if (f.source) params.push(["source", f.source]);
    const q = params.length ? "?" + new URLSearchParams(params).toString() : "";
    $("export-geojson").href = "/api/export.geojson" + q;
    $("export-csv").href = "/api/export.csv" + q;
  }

  // ---------------------------------------------------------------- markers
  function applyView() {
    $("world").setAttribute("transform",
      `scale(${view.k}) translate(${-view.x},${-view.y})`);
  }
  function describe(r) {
    const loc = r.location || {};
    const killed = r.fatalities != null ? r.fatalities + " killed"
                 : r.fatalities_min != null ? "at least " + r.fatalities_min + " killed"
                 : "deaths not stated";
    return `${r.event_type}, ${loc.name || "unknown place"}, ${dateOf(r) || "undated"}, ${killed}`;
  }
  function render() {
    const started = performance.now();
    current = filters();
    const g = $("markers");
    g.replaceChildren();
    const cells = new Map();
    let shown = 0, selected = 0, noCoords = 0;
    const chosen = [];
    const cell = CLUSTER_PX / view.k;
    for (const r of byId.values()) {
      if (!isSelected(r)) continue;
      selected++;
      chosen.push(r);
      const p = coordsOf(r);
      if (!p) { noCoords++; continue; }
      shown++;
      const key = Math.floor(p[0] / cell) + ":" + Math.floor(p[1] / cell);
      let c = cells.get(key);
      if (!c) cells.set(key, (c = { items: [], sx: 0, sy: 0 }));
      c.items.push([r, p]);
      c.sx += p[0]; c.sy += p[1];
    }
    const drawn = [];
    for (const c of cells.values()) {
      if (c.items.length === 1) {
        const [r, p] = c.items[0];
        const m = svgEl("circle", {
          class: "marker", cx: p[0], cy: p[1], r: radiusOf(r) / view.k,
          fill: colourOf(r.event_type), tabindex: "0", role: "button",
          "data-count": "1", "data-id": idOf(r), "data-type": r.event_type,
          "aria-label": describe(r),
        });
        m.addEventListener("click", () => openPopup(r, m));
        m.addEventListener("keydown", (ev) => {
          if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); openPopup(r, m); }
        });
        drawn.push([radiusOf(r), m]);
      } else {
        const n = c.items.length, cx = c.sx / n, cy = c.sy / n;
        const grp = svgEl("g");
        const rad = (10 + 3 * Math.log2(n)) / view.k;
        const m = svgEl("circle", {
          class: "cluster", cx: cx, cy: cy, r: rad, tabindex: "0", role: "button",
          "data-count": String(n), "aria-label": `${n} incidents here; activate to zoom in`,
        });
        const label = svgEl("text", { class: "cluster-count", x: cx, y: cy,
          "font-size": 11 / view.k });
        label.textContent = String(n);
        const zoomHere = () => zoomTo(view.k * 2, cx, cy);
        m.addEventListener("click", zoomHere);
        m.addEventListener("keydown", (ev) => {
          if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); zoomHere(); }
        });
        grp.append(m, label);
        drawn.push([1e9, grp]);
      }
    }
    // big markers under small ones so every marker stays clickable
    drawn.sort((a, b) => b[0] - a[0]).forEach(([, node]) => g.appendChild(node));
    let msg = `${selected} of ${byId.size} incidents selected`;
    if (noCoords) msg += `, ${noCoords} without coordinates (not on the map)`;
    if (skipped) msg += `, ${skipped} unreadable lines skipped`;
    msg += source ? ` · ${source}` : " · waiting for the events or incidents file or topic";
    if (problem) msg += ` · ${problem}`;
    $("status").textContent = msg;
    $("map").setAttribute("data-selected", String(selected));
    renderTimeline(chosen);
    renderTable(chosen);
    // read by bench/bench_ui.py: how long one redraw took, and when the first with records ended
    document.body.dataset.renderMs = (performance.now() - started).toFixed(1);
    if (byId.size && !document.body.dataset.firstRenderMs) {
      document.body.dataset.firstRenderMs = performance.now().toFixed(1);
    }
    updateExportLinks();
  }
  // ---------------------------------------------------------------- timeline and table
  const TABLE_ROWS = 200, DAY_MS = 86400000;
  // bars per day for up to four months, per week up to two years, per month beyond
  function binning(firstDay, lastDay) {
    const first = Date.parse(firstDay), span = (Date.parse(lastDay) - first) / DAY_MS + 1;
    const monthIndex = (day) => Number(day.slice(0, 4)) * 12 + Number(day.slice(5, 7)) - 1;
    if (span <= 120) return { unit: "day", n: span,
      index: (day) => Math.round((Date.parse(day) - first) / DAY_MS),
      label: (i) => new Date(first + i * DAY_MS).toISOString().slice(0, 10) };
    if (span <= 730) return { unit: "week", n: Math.floor((span - 1) / 7) + 1,
      index: (day) => Math.floor(Math.round((Date.parse(day) - first) / DAY_MS) / 7),
      label: (i) => "week of " + new Date(first + 7 * i * DAY_MS).toISOString().slice(0, 10) };
    const m0 = monthIndex(firstDay);
    return { unit: "month", n: monthIndex(lastDay) - m0 + 1,
      index: (day) => monthIndex(day) - m0,
      label: (i) => { const m = m0 + i; return `${Math.floor(m / 12)}-${String(m % 12 + 1).padStart(2, "0")}`; } };
  }
  function renderTimeline(selected) {
    const svg = $("timeline");
    svg.replaceChildren();
    let undated = 0;
    const dated = [];
    for (const r of selected) {
      const d = dateOf(r);
      if (d && /^\d{4}-\d{2}-\d{2}$/.test(d)) dated.push(r); else undated++;
    }
    if (!dated.length) {
      $("timeline-title").textContent = "Incidents over time, by type";
      $("timeline-summary").textContent = "No dated incidents selected.";
      return;
    }
    let firstDay = dateOf(dated[0]), lastDay = firstDay;
    for (const r of dated) {
      const d = dateOf(r);
      if (d < firstDay) firstDay = d;
      if (d > lastDay) lastDay = d;
    }
    const bins = binning(firstDay, lastDay);
    const perBin = new Map();  // bin index -> Map(type -> n)
    for (const r of dated) {
      const i = bins.index(dateOf(r));
      let m = perBin.get(i);
      if (!m) perBin.set(i, (m = new Map()));
      m.set(r.event_type, (m.get(r.event_type) || 0) + 1);
    }
    const left = 36, bottom = 140, top = 8, width = 960 - left - 8;
    const bw = width / bins.n;
    let max = 1;
    for (const m of perBin.values()) {
      let sum = 0;
      for (const v of m.values()) sum += v;
      max = Math.max(max, sum);
    }
    for (const [i, m] of perBin) {
      const x = left + i * bw;
      let y = bottom;
      for (const type of [...m.keys()].sort()) {
        const count = m.get(type);
        const h = (bottom - top) * count / max;
        y -= h;
        const rect = svgEl("rect", { x: x + 0.1 * bw, y: y, width: Math.max(0.8 * bw, 1),
          height: h, fill: colourOf(type), "data-count": String(count),
          "data-bin": bins.label(i), "data-type": type, class: "bar" });
        const title = svgEl("title");
        title.textContent = `${bins.label(i)}: ${count} ${type}`;
        rect.appendChild(title);
        svg.appendChild(rect);
      }
    }
    const axis = (x, y, text, anchor) => {
      const e = svgEl("text", { x: x, y: y, class: "axis", "text-anchor": anchor });
      e.textContent = text;
      svg.appendChild(e);
    };
    axis(left, 155, bins.label(0), "start");
    axis(960 - 8, 155, bins.label(bins.n - 1), "end");
    axis(left - 4, top + 10, String(max), "end");
    axis(left - 4, bottom, "0", "end");
    $("timeline-title").textContent = `Incidents per ${bins.unit}, by type`;
    let summary = `${dated.length} dated incidents from ${firstDay} to ${lastDay}, `
                + `at most ${max} in one ${bins.unit}.`;
    if (undated) summary += ` ${undated} undated (not on the timeline).`;
    $("timeline-summary").textContent = summary;
  }
  function renderTable(selected) {
    const rows = [...selected].sort((a, b) => (dateOf(b) || "").localeCompare(dateOf(a) || "")
                                             || idOf(a).localeCompare(idOf(b)));
    const body = $("incident-table").tBodies[0];
    body.replaceChildren();
    for (const r of rows.slice(0, TABLE_ROWS)) {
      const loc = r.location || {};
      const tr = el("tr", { "data-id": idOf(r) });
      const killed = r.fatalities != null ? String(r.fatalities)
                   : r.fatalities_min != null ? "≥ " + r.fatalities_min : "";
      for (const v of [dateOf(r) || "", r.event_type, r.sub_event_type || "",
                       [loc.name, loc.country].filter(Boolean).join(", "), killed]) {
        tr.append(el("td", {}, v));
      }
      const td = el("td");
      const btn = el("button", { type: "button", "aria-label": "Details: " + describe(r) },
                     "Show");
      btn.addEventListener("click", () => openPopup(r, btn));
      td.append(btn);
      tr.append(td);
      body.append(tr);
    }
    $("table-note").textContent = rows.length > TABLE_ROWS
      ? `The ${TABLE_ROWS} most recent of ${rows.length}; the export links have them all.`
      : `${rows.length} incidents, most recent first.`;
  }

  function zoomTo(k, cx, cy) {
    view.k = Math.min(64, Math.max(1, k));
    view.x = cx - W / 2 / view.k;
    view.y = cy - H / 2 / view.k;
    clampView();
    applyView();
    render();
  }
  function clampView() {
    view.x = Math.min(Math.max(view.x, 0), W - W / view.k);
    view.y = Math.min(Math.max(view.y, 0), H - H / view.k);
  }
  const centre = () => [view.x + W / 2 / view.k, view.y + H / 2 / view.k];

  // ---------------------------------------------------------------- popup
  function safeHref(u) {
    try {
      const url = new URL(u);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (e) { return null; }
  }
  function openPopup(r, marker) {
    lastFocusedMarker = marker;
    const loc = r.location || {};
    $("popup-title").textContent = `${r.event_type}: ${r.sub_event_type || ""}`;
    const place = [loc.name, loc.admin1, loc.country].filter(Boolean).join(", ");
    const count = (exact, min) => exact != null ? String(exact)
                                 : min != null ? "at least " + min : "not stated";
    const actors = (r.actors || []).map((a) => a.type ? `${a.name} (${a.role}, ${a.type})`
                                                       : `${a.name} (${a.role})`).join("; ");
    const fields = [
      ["Date", r.date ? `${r.date}${r.date_precision ? " (" + r.date_precision + ")" : ""}`
             : r.first_date && r.last_date && r.first_date !== r.last_date
               ? `${r.first_date} to ${r.last_date}`
             : dateOf(r) || "undated"],
      ["Place", place || "unknown"],
      ["Precision", loc.precision || "unknown"],
      ["Fatalities", count(r.fatalities, r.fatalities_min)],
      ["Injured", count(r.injured, r.injured_min)],
      ["Actors", actors || "none named"],
      ["Confidence", r.confidence != null ? String(r.confidence) : ""],
    ];
    const dl = $("popup-fields");
    dl.replaceChildren();
    for (const [k, v] of fields) dl.append(el("dt", {}, k), el("dd", {}, v));
    // an incident has its sentence; an event shows those of the incidents it was made of
    const sentences = r.evidence && r.evidence.text ? [r.evidence.text]
      : listOf(r, "incident_id", "incident_ids").map((i) => evidenceOf.get(i)).filter(Boolean);
    const quote = $("popup-evidence");
    quote.replaceChildren(...sentences.map((t) => { const p = el("p"); p.append(el("mark", {}, t)); return p; }));
    if (!sentences.length) quote.append(el("p", {}, "no evidence sentence available"));
    const ul = $("popup-sources");
    ul.replaceChildren();
    for (const s of r.sources || []) {
      const li = el("li");
      const href = safeHref(s);
      if (href) {
        const a = el("a", { href: href, rel: "noopener noreferrer", target: "_blank" }, s);
        li.append(a);
      } else li.textContent = s;
      ul.append(li);
    }
    if (!(r.sources || []).length) ul.append(el("li", {}, "none named"));
    const artList = $("popup-article");
    artList.replaceChildren();
    for (const aid of listOf(r, "article_id", "article_ids")) {
      const li = el("li");
      const art = articleOf.get(aid);
      const artHref = art && safeHref(art.url);
      if (artHref) {
        li.append(el("a", { href: artHref, rel: "noopener noreferrer", target: "_blank" },
                      art.title || art.url));
      } else li.textContent = "article " + aid;
      artList.append(li);
    }
    const p = $("popup");
    p.hidden = false;
    $("popup-close").focus();
  }
  function closePopup() {
    $("popup").hidden = true;
    if (lastFocusedMarker && lastFocusedMarker.isConnected) lastFocusedMarker.focus();
  }

  // ---------------------------------------------------------------- live data
  async function poll() {
    try {
      const resp = await fetch(`/api/records?generation=${generation}&since=${cursor}`);
      if (resp.ok) {
        const data = await resp.json();
        // redraw only on news: a redraw rebuilds the table, which would move keyboard focus
        const news = data.records.length > 0 || data.generation !== generation
          || data.skipped !== skipped || data.source !== source || data.problem !== problem
          || !document.body.hasAttribute("data-polls");
        if (data.generation !== generation) { byId.clear(); generation = data.generation; }
        for (const [id, a] of Object.entries(data.articles || {})) articleOf.set(id, a);
        for (const [id, t] of Object.entries(data.evidence || {})) evidenceOf.set(id, t);
        // the choice lists are rebuilt once per answer, not once per record
        const newCountries = new Set(), newSources = new Set();
        for (const r of data.records) {
          if (!knownTypes.has(r.event_type)) addTypeOption(r.event_type);
          byId.set(idOf(r), r);
          if (r.location && r.location.country) newCountries.add(r.location.country);
          for (const src of r.sources || []) newSources.add(src);
        }
        addChoices("f-country", countries, newCountries);
        addChoices("f-source", sources, newSources);
        cursor = data.cursor; skipped = data.skipped; source = data.source;
        problem = data.problem;
        if (news) render();
        document.body.setAttribute("data-polls", String(
          Number(document.body.getAttribute("data-polls") || 0) + 1));
      } else {
        $("status").textContent = `server answered ${resp.status}; retrying`;
      }
    } catch (e) {
      $("status").textContent = "server unreachable; retrying";
    }
    setTimeout(poll, POLL_MS);
  }

  // ---------------------------------------------------------------- wiring
  for (const id of ["f-country", "f-from", "f-to", "f-min-killed", "f-source"]) {
    $(id).addEventListener(id === "f-min-killed" ? "input" : "change", render);
  }
  $("types-all").addEventListener("click", () => setAllTypes(true));
  $("types-none").addEventListener("click", () => setAllTypes(false));
  $("zoom-in").addEventListener("click", () => { const [x, y] = centre(); zoomTo(view.k * 2, x, y); });
  $("zoom-out").addEventListener("click", () => { const [x, y] = centre(); zoomTo(view.k / 2, x, y); });
  $("zoom-reset").addEventListener("click", () => zoomTo(1, W / 2, H / 2));
  $("popup-close").addEventListener("click", closePopup);
  document.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape" && !$("popup").hidden) closePopup();
  });
  $("map").addEventListener("keydown", (ev) => {
    if (ev.target !== $("map")) return;
    const step = 60 / view.k;
    const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0],
                    ArrowUp: [0, -step], ArrowDown: [0, step] };
    const mv = moves[ev.key];
    if (ev.key === "+" || ev.key === "=") { const [x, y] = centre(); zoomTo(view.k * 2, x, y); }
    else if (ev.key === "-") { const [x, y] = centre(); zoomTo(view.k / 2, x, y); }
    else if (mv) { view.x += mv[0]; view.y += mv[1]; clampView(); applyView(); }
    else return;
    ev.preventDefault();
  });
  applyView();
  drawBasemap().catch(() => { $("status").textContent = "basemap failed to load"; })
    .finally(poll);
})();

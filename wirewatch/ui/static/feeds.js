// wirewatch ui: the feed-health page (feeds, records per stage, dead letters by reason).
"use strict";
(function () {
  const POLL_MS = 2000;
  const STAGES = [["poll", "entries"], ["fetch", "articles"], ["process", "incidents"],
                  ["all stages", "deadletter"]];
  const $ = (id) => document.getElementById(id);
  const cell = (text, attrs) => {
    const td = document.createElement("td");
    for (const [k, v] of Object.entries(attrs || {})) td.setAttribute(k, v);
    td.textContent = text;
    return td;
  };
  function when(t, now) {
    if (!t) return "never";
    const mins = Math.round((t - now) / 60);
    const iso = new Date(t * 1000).toISOString().slice(0, 16).replace("T", " ") + " UTC";
    if (mins === 0) return iso + " (now)";
    return mins < 0 ? `${iso} (${-mins} min ago)` : `${iso} (in ${mins} min)`;
  }
  function fill(tbodyParent, rows) {
    const body = $(tbodyParent).tBodies[0];
    body.replaceChildren(...rows.map((cells) => {
      const tr = document.createElement("tr");
      tr.append(...cells);
      return tr;
    }));
  }
  async function poll() {
    try {
      const resp = await fetch("/api/health");
      const data = await resp.json();
      if (data.problem) {
        $("status").textContent = data.problem;
      } else {
        const stale = data.feeds.filter((f) => f.stale).length;
        const failing = data.feeds.filter((f) => f.error_class && !f.result.startsWith("ok")).length;
        $("status").textContent = `${data.feeds.length} feeds, ${stale} stale, ${failing} failing`
          + (data.feeds_problem ? ` · ${data.feeds_problem}` : "");
        fill("feeds", data.feeds.map((f) => [
          cell(f.url), cell(when(f.last_poll, data.now)),
          cell(f.disabled_reason ? `disabled: ${f.disabled_reason}` : f.result,
               f.error_message ? { title: f.error_message } : {}),
          cell(f.error_class || ""), cell(f.disabled_reason ? "" : when(f.next_due, data.now)),
          cell(f.stale ? "stale" : "no", { "data-stale": String(f.stale) }), cell(String(f.polls)),
        ]));
        fill("stages", data.stage_output
          ? STAGES.map(([stage, kind]) => [
              cell(stage), cell(kind), cell(String(data.stage_output[kind] || 0))])
          : [[cell("all stages"), cell("the workers' /metrics have these counts"), cell("")]]);
        fill("dead-letters", data.dead_letters.length
          ? data.dead_letters.map((d) => [cell(d.stage), cell(d.reason), cell(String(d.count))])
          : [[cell("none"), cell(""), cell("0")]]);
      }
      document.body.setAttribute("data-polls", String(
        Number(document.body.getAttribute("data-polls") || 0) + 1));
    } catch (e) {
      $("status").textContent = "server unreachable; retrying";
    }
    setTimeout(poll, POLL_MS);
  }
  poll();
})();

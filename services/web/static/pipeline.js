// The pipeline page: poll /api/pipeline and /api/dlq every 2 s and redraw the tables; retry dead letters.
"use strict";
(function () {
  const every = 2000;

  function cell(row, value, cls) {
    const td = document.createElement("td");
    td.textContent = value === null || value === undefined ? "–" : String(value);
    if (cls) td.className = cls;
    row.appendChild(td);
    return td;
  }

  function fill(tbody, rows) {
    tbody.replaceChildren(...rows);
  }

  function drawPipeline(snap) {
    const stages = [];
    const streams = [];
    const behind = {};
    if (snap.projector) {
      for (const s of snap.projector.streams) {
        const count = s.capped ? s.behind + "+" : String(s.behind);
        behind[s.stream] = s.waiting_ms === null ? count : count + " (" + (s.waiting_ms / 1000).toFixed(1) + " s)";
      }
    }
    for (const part of snap.partitions) {
      for (const st of part.stages) {
        const tr = document.createElement("tr");
        tr.dataset.stage = st.stage;
        cell(tr, st.stage);
        cell(tr, part.partition);
        cell(tr, st.lag, st.lag > 0 ? "hot" : "").dataset.field = "lag";
        cell(tr, st.pending, st.pending > 0 ? "hot" : "").dataset.field = "pending";
        cell(tr, st.rate_per_s);
        cell(tr, st.consumers.length + (st.consumers.length ?
          " (idle " + Math.min(...st.consumers.map((c) => c.idle_ms)) + " ms)" : ""));
        cell(tr, st.dead_letters, st.dead_letters > 0 ? "bad" : "").dataset.field = "dead_letters";
        cell(tr, st.parked, st.parked > 0 ? "bad" : "");
        stages.push(tr);
      }
      for (const s of part.streams) {
        const tr = document.createElement("tr");
        tr.dataset.stream = s.stream;
        cell(tr, s.stream);
        cell(tr, part.partition);
        cell(tr, s.length).dataset.field = "length";
        cell(tr, s.rate_per_s);
        cell(tr, part.partition === 0 ? behind[s.stream] : null).dataset.field = "behind";
        streams.push(tr);
      }
    }
    fill(document.querySelector("#stages tbody"), stages);
    fill(document.querySelector("#streams tbody"), streams);
    const p = snap.projector;
    document.getElementById("projector").textContent = p
      ? "Projector: " + (p.alive ? "running" : "not running") + ", " + p.behind + " entries behind the log, " +
        p.restarts + " restart(s)" + (p.last_error ? "; last error: " + p.last_error : "") + "."
      : "Projector: no read models yet.";
  }

  function drawLetters(letters) {
    const rows = letters.map((d) => {
      const tr = document.createElement("tr");
      cell(tr, d.key);
      cell(tr, d.status);
      cell(tr, d.reason);
      cell(tr, d.attempts);
      cell(tr, d.subject || "–");
      cell(tr, d.error, "error").title = d.error;
      const td = cell(tr, "");
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = "Retry";
      button.addEventListener("click", () => retry(d.key));
      td.replaceChildren(button);
      return tr;
    });
    fill(document.querySelector("#dlq tbody"), rows);
    document.getElementById("dlq-note").textContent = letters.length ? "" : "No dead letters.";
  }

  async function retry(key) {
    const headers = { "Content-Type": "application/json" };
    const token = document.getElementById("token");
    if (token && token.value) headers.Authorization = "Bearer " + token.value;
    const reply = await fetch("/api/dlq/retry", { method: "POST", headers, body: JSON.stringify({ id: key }) });
    const body = await reply.json();
    document.getElementById("dlq-action").textContent = reply.ok
      ? "Re-drove " + body.retried + " entr" + (body.retried === 1 ? "y" : "ies") + "."
      : "Retry refused: " + (body.error || reply.status);
    poll();
  }

  async function poll() {
    const updated = document.getElementById("updated");
    try {
      const [snap, letters] = await Promise.all([
        fetch("/api/pipeline").then((r) => r.ok ? r.json() : Promise.reject(r)),
        fetch("/api/dlq").then((r) => r.ok ? r.json() : Promise.reject(r)),
      ]);
      drawPipeline(snap);
      drawLetters(letters);
      updated.textContent = "Updated " + new Date().toLocaleTimeString() + ".";
    } catch (failure) {
      const body = failure && failure.json ? await failure.json().catch(() => ({})) : {};
      updated.textContent = "Cannot read the pipeline: " + (body.error || "server unreachable") + ".";
    }
  }

  poll();
  setInterval(poll, every);
})();

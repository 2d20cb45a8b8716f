/* Processing History: batches newest first, filters, pagination, live progress, export menu. */
"use strict";

(() => {
  const { config, el, api, badge, progressBlock, exportMenu, fmtDate, projectName, FINAL, announce, debounce } = DB;
  const box = document.getElementById("history");
  const statusLine = document.getElementById("history-status");
  const pager = document.getElementById("pager");
  const form = document.getElementById("filters");
  const params = new URLSearchParams(location.search);
  const LIMIT = Math.min(100, Math.max(1, parseInt(params.get("limit") || "20", 10) || 20));
  let batches = [];
  let idlePolls = 0;

  // Show the current filters in the form.
  for (const name of ["search", "status", "templateId", "projectId"]) {
    const field = form.elements[name];
    if (field && params.get(name)) field.value = params.get(name);
  }
  const filtered = ["search", "status", "templateId", "projectId"].some((n) => params.get(n));
  const page = Math.max(1, parseInt(params.get("page") || "1", 10) || 1);

  function query(extra = {}) {
    const q = new URLSearchParams();
    for (const name of ["search", "status", "templateId", "projectId"]) if (params.get(name)) q.set(name, params.get(name));
    if (params.get("limit")) q.set("limit", String(LIMIT));
    for (const [k, v] of Object.entries(extra)) q.set(k, v);
    return q.toString();
  }

  async function load() {
    const body = await api("GET", `/batch/${encodeURIComponent(config.orgId)}?${query({ page, limit: LIMIT })}`);
    const sameRows = batches.length && body.data.length === batches.length &&
      body.data.every((b, i) => b.id === batches[i].id);
    if (sameRows) {
      // Update in place, so an open Export menu or the keyboard focus is not lost.
      body.data.forEach(applyProgress);
      return;
    }
    batches = body.data;
    render(body.pagination);
  }

  function row(b) {
    return el("tr", { id: `batch-${b.id}`, dataset: { batchId: b.id, status: b.status } },
      el("td", { "data-label": "Name" }, el("a", { href: `/ui/batches/${encodeURIComponent(b.id)}`, class: "batch-link" }, b.name)),
      el("td", { "data-label": "Template" }, b.templateName || "–"),
      el("td", { "data-label": "Project" }, projectName(b.projectId)),
      el("td", { "data-label": "Created" }, el("time", { datetime: b.createdAt }, fmtDate(b.createdAt))),
      el("td", { "data-label": "Status", class: "status-cell" }, badge(b.status)),
      el("td", { "data-label": "Progress", class: "progress-td" }, progressBlock(b)),
      el("td", { "data-label": "Export" }, exportMenu(b.id, b.name)));
  }

  function render(pagination) {
    if (!batches.length) {
      box.replaceChildren(el("div", { class: "card empty" },
        filtered
          ? el("p", {}, "No batch matches these filters. ", el("a", { href: "/ui/history" }, "Clear the filters"))
          : [el("p", {}, el("strong", {}, "No batches yet.")),
             el("p", {}, "Upload up to ", String(config.maxFiles), " files at once and follow them here. "),
             el("a", { class: "button-primary", href: "/ui/upload" }, "Upload your first batch")]));
      statusLine.textContent = "";
      pager.hidden = true;
      return;
    }
    const table = el("table", { class: "responsive batches" },
      el("caption", { class: "visually-hidden" }, "Batches, newest first"),
      el("thead", {}, el("tr", {}, ["Name", "Template", "Project", "Created", "Status", "Progress", "Export"]
        .map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, batches.map(row)));
    box.replaceChildren(el("div", { class: "table-wrap" }, table));
    const { total, pages } = pagination;
    statusLine.textContent = `${total} batch${total === 1 ? "" : "es"}` + (filtered ? " match the filters" : "") +
      (pages > 1 ? `, page ${page} of ${pages}` : "") + ".";
    renderPager(pages);
  }

  function renderPager(pages) {
    pager.hidden = pages <= 1;
    if (pages <= 1) return;
    pager.replaceChildren(
      page > 1 ? el("a", { href: `?${query({ page: page - 1 })}`, rel: "prev" }, "← Newer") : el("span", { class: "muted" }, "← Newer"),
      el("span", {}, `Page ${page} of ${pages}`),
      page < pages ? el("a", { href: `?${query({ page: page + 1 })}`, rel: "next" }, "Older →") : el("span", { class: "muted" }, "Older →"));
  }

  /** Applies a batch_progress_updated message to its row, in place. */
  function applyProgress(data) {
    const id = data.batchId || data.id;
    const b = batches.find((x) => x.id === id);
    if (!b) { reload(); return; }
    const before = b.status;
    const { batchId, ...fields } = data;
    Object.assign(b, fields);
    const tr = document.getElementById(`batch-${b.id}`);
    if (!tr) return;
    tr.dataset.status = b.status;
    tr.querySelector(".status-cell").replaceChildren(badge(b.status));
    tr.querySelector(".progress-td").replaceChildren(progressBlock(b));
    if (before !== b.status && FINAL.includes(b.status)) announce(`${b.name}: ${DB.statusText(b.status)}.`);
  }

  const poll = load;
  const reload = debounce(() => { load().catch(() => {}); }, 300);

  load().then(() => {
    DB.follow({
      onEvent: (msg) => {
        if (msg.event === "batch_progress_updated" && msg.data) applyProgress(msg.data);
      },
      poll,
      // With nothing running, still look for new batches now and then (every 5th poll, 10 s).
      active: () => batches.some((b) => !FINAL.includes(b.status)) || (idlePolls += 1) % 5 === 0,
    });
  }).catch((err) => {
    box.replaceChildren(el("p", { class: "notice notice-error", role: "alert" }, `The batches could not be loaded: ${err.message}`));
  });
})();

/* One file's extracted fields next to the document's page, with the found values' boxes drawn over it. */
"use strict";

(() => {
  const { config, el, api, badge, fmtDate, fmtSize } = DB;
  const root = document.getElementById("file");
  const back = document.getElementById("back-to-batch");
  const org = encodeURIComponent(config.orgId);
  const fileId = encodeURIComponent(config.fileId);
  let record = null;
  let pageNo = 1;
  const boxes = new Map(); // field -> box element on the current page

  function hasPageImages(r) {
    const type = (r.contentType || "").toLowerCase();
    const name = r.fileName.toLowerCase();
    return type === "application/pdf" || type.startsWith("image/") || /\.(pdf|png|jpe?g|webp|bmp|tiff?)$/.test(name);
  }

  function valueText(value) {
    if (value === null || value === undefined || value === "") return "";
    if (typeof value === "object") return JSON.stringify(value);
    return String(value);
  }

  function valueNode(value) {
    if (Array.isArray(value) && value.length && typeof value[0] === "object") {
      const keys = [...new Set(value.flatMap((v) => Object.keys(v || {})))];
      return el("table", { class: "nested" },
        el("thead", {}, el("tr", {}, keys.map((k) => el("th", { scope: "col" }, k)))),
        el("tbody", {}, value.map((v) => el("tr", {}, keys.map((k) => el("td", {}, valueText((v || {})[k])))))));
    }
    const text = valueText(value);
    return text ? text : el("span", { class: "muted" }, "not found");
  }

  function confText(c) {
    if (c === null || c === undefined) return null;
    const pct = Math.round(c * 100);
    return el("span", { class: "conf" + (c < 0.6 ? " low" : "") }, `${pct}% sure` + (c < 0.6 ? " (check)" : ""));
  }

  function fieldsTable() {
    const fields = record.result || {};
    const details = record.details || {};
    const names = Object.keys(fields);
    if (!names.length) return el("p", { class: "muted" }, "No fields were extracted.");
    return el("table", { class: "responsive fields-table" },
      el("caption", { class: "visually-hidden" }, "Extracted fields"),
      el("thead", {}, el("tr", {}, ["Field", "Value", "Where"].map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, names.map((name) => {
        const d = details[name] || {};
        const where = d.page ? `page ${d.page}` : "–";
        const row = el("tr", { id: `field-${name}`, dataset: { field: name }, tabindex: d.box ? "0" : null },
          el("th", { scope: "row", "data-label": "Field" }, name),
          el("td", { "data-label": "Value", class: "value" }, valueNode(fields[name]), " ", confText((record.confidence || {})[name] ?? d.confidence)),
          el("td", { "data-label": "Where" }, where, d.source ? el("span", { class: "muted" }, ` · ${d.source}`) : null));
        if (d.box) {
          const on = () => highlight(name, d.page, true);
          const off = () => highlight(name, d.page, false);
          row.addEventListener("mouseenter", on); row.addEventListener("focus", on);
          row.addEventListener("mouseleave", off); row.addEventListener("blur", off);
        }
        return row;
      })));
  }

  function highlight(name, page, on) {
    if (on && page && page !== pageNo) showPage(page);
    const box = boxes.get(name);
    if (box) box.classList.toggle("active", on);
    const row = document.getElementById(`field-${name}`);
    if (row) row.classList.toggle("row-highlight", on);
  }

  function viewer() {
    if (!hasPageImages(record)) {
      return el("div", { class: "card" }, el("p", { class: "muted" },
        "This kind of document (text or Word) has no page image; its fields are listed here."));
    }
    return el("div", { class: "card" },
      el("div", { class: "page-nav", id: "page-nav" }),
      el("div", { class: "page-view", id: "page-view" }));
  }

  function showPage(n) {
    pageNo = n;
    const view = document.getElementById("page-view");
    const nav = document.getElementById("page-nav");
    if (!view) return;
    const pages = record.pages || 1;
    nav.replaceChildren(
      el("button", { type: "button", disabled: n <= 1, onclick: () => showPage(n - 1), "aria-label": "Previous page" }, "←"),
      el("span", { "aria-live": "polite" }, `Page ${n} of ${pages}`),
      el("button", { type: "button", disabled: n >= pages, onclick: () => showPage(n + 1), "aria-label": "Next page" }, "→"));
    nav.hidden = pages <= 1;
    const img = el("img", { src: `/ui/files/${fileId}/page/${n}.png`, alt: `Page ${n} of ${record.fileName}` });
    img.addEventListener("error", () => {
      view.replaceChildren(el("p", { class: "muted" }, "The page image cannot be shown (the document could not be rendered)."));
    });
    boxes.clear();
    const overlays = Object.entries(record.details || {})
      .filter(([, d]) => d && d.box && (d.page || 1) === n)
      .map(([name, d]) => {
        const [x0, y0, x1, y1] = d.box;
        const box = el("div", { class: "box", title: `${name}: ${valueText(d.value)}`, dataset: { field: name } },
          el("span", { "aria-hidden": "true" }, name));
        box.style.left = `${x0 * 100}%`; box.style.top = `${y0 * 100}%`;
        box.style.width = `${Math.max(0.5, (x1 - x0) * 100)}%`; box.style.height = `${Math.max(0.5, (y1 - y0) * 100)}%`;
        box.addEventListener("mouseenter", () => highlight(name, n, true));
        box.addEventListener("mouseleave", () => highlight(name, n, false));
        boxes.set(name, box);
        return box;
      });
    view.replaceChildren(img, ...overlays);
  }

  async function load() {
    record = await api("GET", `/processing-history/${org}/${fileId}`);
    back.href = `/ui/batches/${encodeURIComponent(record.batchId)}`;
    back.textContent = "← Back to the batch";
    document.title = `${record.fileName} · docbatch`;
    const exportBase = `/processing-history/${org}/${fileId}/export?format=`;
    const head = el("div", { class: "card" },
      el("div", { class: "batch-head" }, el("h1", {}, record.fileName), badge(record.status)),
      el("dl", { class: "facts" },
        ...[["Size", fmtSize(record.size)], ["Pages", record.pages ?? "–"], ["Engine", record.engine || "–"],
            ["Attempts", record.attempts], ["Finished", fmtDate(record.finishedAt)]]
          .map(([k, v]) => el("div", {}, el("dt", {}, k), el("dd", {}, String(v))))),
      record.errorMessage ? el("p", { class: "notice notice-error" }, `Failed: ${record.errorMessage}`) : null,
      el("p", {}, "Download this file's results: ",
        ...DB.FORMATS.map(([fmt, label], i) => [i ? " · " : "", el("a", { href: exportBase + fmt, download: "" }, label)])));
    const fieldsCard = el("section", { class: "card", "aria-labelledby": "fields-title" },
      el("h2", { id: "fields-title" }, "Extracted fields"),
      record.status === "completed" ? fieldsTable()
        : el("p", { class: "muted" }, record.status === "failed" ? "This file failed, so it has no fields." : "This file is not processed yet."));
    root.replaceChildren(head, el("div", { class: "viewer" }, viewer(), fieldsCard));
    root.setAttribute("aria-busy", "false");
    if (hasPageImages(record)) showPage(1);
  }

  load().catch((err) => {
    root.setAttribute("aria-busy", "false");
    root.replaceChildren(el("div", { class: "card empty" },
      el("p", {}, err.status === 404 ? "This file does not exist, was deleted, or belongs to another organization." : `The file could not be loaded: ${err.message}`),
      el("a", { href: "/ui/history" }, "Back to Processing History")));
  });
})();

/* One file's fields next to the document's page: the found values' boxes drawn over it, and (with
   write permission) each field editable. Clicking a word on the page, or dragging a box around some,
   fills the focused field with that text; Save stores the corrections, Confirm accepts the values. */
"use strict";

(() => {
  const { config, el, api, badge, fmtDate, fmtSize, showError, hideError, announce } = DB;
  const root = document.getElementById("file");
  const back = document.getElementById("back-to-batch");
  const errorBox = document.getElementById("file-error");
  const org = encodeURIComponent(config.orgId);
  const fileId = encodeURIComponent(config.fileId);
  const fromQueue = new URLSearchParams(location.search).get("from") === "queue";
  const canWrite = (config.permissions || []).some((p) => p === "write" || p === "admin");
  let record = null;
  let schema = {}; // the template's properties: field -> JSON Schema
  let pageNo = 1;
  let focused = null; // the field the page's words go into
  const boxes = new Map(); // field -> box element on the current page
  const inputs = new Map(); // field -> input element
  const picks = {}; // field -> {page, box} where its new value was picked on the page
  const wordsByPage = new Map(); // page -> [{text, box}]

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

  function fieldType(name) {
    let t = (schema[name] || {}).type;
    if (Array.isArray(t)) t = t.find((x) => x !== "null");
    if (t) return t;
    const v = (record.result || {})[name];
    return Array.isArray(v) ? "array" : typeof v === "number" ? "number" : typeof v === "boolean" ? "boolean" : "string";
  }

  /** A number as people write it: "1.234,56", "1,234.56", "€ 12,50", "-3". NaN when it is none. */
  function parseNumber(text) {
    let s = text.replace(/[^\d.,\-]/g, "");
    if (!/\d/.test(s)) return NaN;
    const lastComma = s.lastIndexOf(","), lastDot = s.lastIndexOf(".");
    if (lastComma >= 0 && lastDot >= 0) {
      s = lastComma > lastDot ? s.replace(/\./g, "").replace(",", ".") : s.replace(/,/g, "");
    } else if (lastComma >= 0) {
      s = /,\d{1,2}$/.test(s) && s.split(",").length === 2 ? s.replace(",", ".") : s.replace(/,/g, "");
    } else if ((s.match(/\./g) || []).length > 1) {
      s = s.replace(/\./g, "");
    }
    return s.trim() === "" ? NaN : Number(s);
  }

  function inputText(name) {
    const v = (record.result || {})[name];
    if (fieldType(name) === "array") return v === null || v === undefined ? "" : JSON.stringify(v);
    return valueText(v);
  }

  /** The value to send for a field from its input, or throws a message naming what is wrong. */
  function inputValue(name) {
    const input = inputs.get(name);
    const text = input.value.trim();
    if (text === "") return null;
    const t = fieldType(name);
    if (t === "number" || t === "integer") {
      const n = parseNumber(text);
      if (Number.isNaN(n)) throw new Error(`${name}: "${text}" is not a number.`);
      return t === "integer" ? Math.round(n) : n;
    }
    if (t === "boolean") return text === "true";
    if (t === "array") {
      try { return JSON.parse(text); } catch (err) { throw new Error(`${name}: the line items are not valid JSON.`); }
    }
    return text;
  }

  function editorFor(name) {
    const t = fieldType(name);
    const label = `Correct ${name}`;
    let input;
    if (t === "boolean") {
      input = el("select", { "aria-label": label }, ["", "true", "false"].map((v) => el("option", { value: v }, v || "–")));
    } else if (t === "array") {
      input = el("textarea", { rows: "3", "aria-label": label, spellcheck: "false" });
    } else {
      input = el("input", { type: "text", "aria-label": label, autocomplete: "off",
                            inputmode: t === "number" || t === "integer" ? "decimal" : null });
    }
    input.id = `edit-${name}`;
    input.className = "field-edit";
    input.dataset.field = name;
    input.value = inputText(name);
    input.addEventListener("focus", () => setFocused(name));
    input.addEventListener("input", () => markChanged(name));
    inputs.set(name, input);
    return input;
  }

  function setFocused(name) {
    focused = name;
    for (const [n, input] of inputs) input.closest("tr").classList.toggle("picking", n === name);
    const hint = document.getElementById("pick-hint");
    if (hint) hint.textContent = `Click a word or drag a box on the page to fill “${name}”.`;
  }

  function markChanged(name) {
    const input = inputs.get(name);
    const changed = input.value.trim() !== inputText(name).trim();
    input.closest("tr").classList.toggle("changed", changed);
    input.removeAttribute("aria-invalid");
    updateButtons();
  }

  function changedFields() {
    return [...inputs.keys()].filter((n) => inputs.get(n).value.trim() !== inputText(n).trim());
  }

  function updateButtons() {
    const save = document.getElementById("save-fields");
    if (save) save.disabled = changedFields().length === 0;
  }

  function correctedMark(name) {
    const fix = (record.corrections || {})[name];
    if (!fix) return null;
    const original = valueText(fix.original) || "not found";
    return el("span", { class: "badge corrected", title: `Extracted: ${original} · corrected ${fmtDate(fix.at)}` },
      "corrected", el("span", { class: "visually-hidden" }, ` (extracted: ${original})`));
  }

  function fieldsTable() {
    const fields = record.result || {};
    const details = record.details || {};
    const names = [...new Set([...Object.keys(schema), ...Object.keys(fields)])];
    if (!names.length) return el("p", { class: "muted" }, "No fields were extracted.");
    const review = new Set(record.reviewFields || []);
    inputs.clear();
    return el("table", { class: "responsive fields-table" },
      el("caption", { class: "visually-hidden" }, "Extracted fields"),
      el("thead", {}, el("tr", {}, ["Field", "Value", "Where"].map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, names.map((name) => {
        const d = details[name] || {};
        const fix = (record.corrections || {})[name];
        const page = fix ? fix.page : d.page;
        const where = page ? `page ${page}` : "–";
        const cls = [fix ? "is-corrected" : "", record.needsReview && review.has(name) ? "needs-check" : ""].join(" ").trim();
        const row = el("tr", { id: `field-${name}`, class: cls || null, dataset: { field: name }, tabindex: d.box ? "0" : null },
          el("th", { scope: "row", "data-label": "Field" }, name,
             record.needsReview && review.has(name) ? el("span", { class: "check-mark" }, " · check") : null),
          el("td", { "data-label": "Value", class: "value" },
             el("span", { class: "current" }, valueNode(fields[name])), " ",
             fix ? correctedMark(name) : confText((record.confidence || {})[name] ?? d.confidence),
             canWrite && record.status === "completed" ? el("div", { class: "edit" }, editorFor(name)) : null),
          el("td", { "data-label": "Where" }, where, !fix && d.source ? el("span", { class: "muted" }, ` · ${d.source}`) : null));
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
      canWrite && record.status === "completed"
        ? el("p", { class: "hint", id: "pick-hint" }, "Focus a field, then click a word or drag a box on the page to fill it.") : null,
      el("div", { class: "page-view", id: "page-view" }));
  }

  // --- picking words on the page ---------------------------------------------------------

  async function loadWords(n) {
    if (!wordsByPage.has(n)) {
      try {
        wordsByPage.set(n, (await api("GET", `/processing-history/${org}/${fileId}/words?page=${n}`)).words || []);
      } catch (err) {
        wordsByPage.set(n, []);
      }
    }
    return wordsByPage.get(n);
  }

  function drawWords(view, n, words) {
    for (const w of words) {
      const [x0, y0, x1, y1] = w.box;
      const node = el("div", { class: "word", title: w.text, dataset: { text: w.text } });
      node.style.left = `${x0 * 100}%`; node.style.top = `${y0 * 100}%`;
      node.style.width = `${(x1 - x0) * 100}%`; node.style.height = `${(y1 - y0) * 100}%`;
      view.append(node);
    }
    view.classList.toggle("pickable", words.length > 0 && canWrite && record.status === "completed");
    const hint = document.getElementById("pick-hint");
    if (hint && !words.length) hint.textContent = "No words are stored for this page (it was read before words were kept, or has no text): type the values.";
  }

  /** Words inside a rectangle (fractions of the page), in reading order: line by line, left to right. */
  function wordsIn(words, rect) {
    const inside = words.filter((w) => {
      const cx = (w.box[0] + w.box[2]) / 2, cy = (w.box[1] + w.box[3]) / 2;
      return cx >= rect[0] && cx <= rect[2] && cy >= rect[1] && cy <= rect[3];
    });
    inside.sort((a, b) => {
      const ha = a.box[3] - a.box[1];
      const sameLine = Math.abs((a.box[1] + a.box[3]) / 2 - (b.box[1] + b.box[3]) / 2) < ha / 2;
      return sameLine ? a.box[0] - b.box[0] : a.box[1] - b.box[1];
    });
    return inside;
  }

  function wordAt(words, x, y) {
    const pad = 0.003;
    return words.find((w) => x >= w.box[0] - pad && x <= w.box[2] + pad && y >= w.box[1] - pad && y <= w.box[3] + pad);
  }

  function fill(text, box) {
    if (!focused || !inputs.has(focused)) {
      announce("Focus a field first, then pick its value on the page.");
      return;
    }
    const input = inputs.get(focused);
    input.value = text;
    picks[focused] = { page: pageNo, box: box.map((v) => Math.round(v * 10000) / 10000) };
    markChanged(focused);
    input.focus();
    announce(`${focused} set to ${text}`);
  }

  function enablePicking(view) {
    let start = null;
    let rectNode = null;
    const at = (ev) => {
      const r = view.getBoundingClientRect();
      return [Math.min(1, Math.max(0, (ev.clientX - r.left) / r.width)), Math.min(1, Math.max(0, (ev.clientY - r.top) / r.height))];
    };
    view.addEventListener("pointerdown", (ev) => {
      if (!view.classList.contains("pickable") || ev.button !== 0) return;
      ev.preventDefault(); // keep the focused field focused
      start = at(ev);
      view.setPointerCapture(ev.pointerId);
    });
    view.addEventListener("mousedown", (ev) => { if (view.classList.contains("pickable")) ev.preventDefault(); });
    view.addEventListener("pointermove", (ev) => {
      if (!start) return;
      const [x, y] = at(ev);
      if (!rectNode) { rectNode = el("div", { class: "select-rect", id: "select-rect" }); view.append(rectNode); }
      rectNode.style.left = `${Math.min(x, start[0]) * 100}%`; rectNode.style.top = `${Math.min(y, start[1]) * 100}%`;
      rectNode.style.width = `${Math.abs(x - start[0]) * 100}%`; rectNode.style.height = `${Math.abs(y - start[1]) * 100}%`;
    });
    view.addEventListener("pointerup", async (ev) => {
      if (!start) return;
      const [x, y] = at(ev);
      const from = start;
      start = null;
      if (rectNode) { rectNode.remove(); rectNode = null; }
      const words = await loadWords(pageNo);
      if (Math.abs(x - from[0]) < 0.004 && Math.abs(y - from[1]) < 0.004) {
        const w = wordAt(words, x, y);
        if (w) fill(w.text, w.box);
        return;
      }
      const rect = [Math.min(x, from[0]), Math.min(y, from[1]), Math.max(x, from[0]), Math.max(y, from[1])];
      const picked = wordsIn(words, rect);
      if (!picked.length) { announce("No words inside that box."); return; }
      const box = [Math.min(...picked.map((w) => w.box[0])), Math.min(...picked.map((w) => w.box[1])),
                   Math.max(...picked.map((w) => w.box[2])), Math.max(...picked.map((w) => w.box[3]))];
      fill(picked.map((w) => w.text).join(" "), box);
    });
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
    const img = el("img", { src: `/ui/files/${fileId}/page/${n}.png`, alt: `Page ${n} of ${record.fileName}`, draggable: "false" });
    img.addEventListener("error", () => {
      view.replaceChildren(el("p", { class: "muted" }, "The page image cannot be shown (the document could not be rendered)."));
    });
    boxes.clear();
    const overlays = Object.entries(record.details || {})
      .filter(([name, d]) => d && d.box && (d.page || 1) === n && !(record.corrections || {})[name])
      .map(([name, d]) => [name, d.box]);
    for (const [name, fix] of Object.entries(record.corrections || {})) {
      if (fix.box && (fix.page || 1) === n) overlays.push([name, fix.box]);
    }
    const nodes = overlays.map(([name, b]) => {
      const [x0, y0, x1, y1] = b;
      const box = el("div", { class: "box", title: `${name}: ${valueText((record.result || {})[name])}`, dataset: { field: name } },
        el("span", { "aria-hidden": "true" }, name));
      box.style.left = `${x0 * 100}%`; box.style.top = `${y0 * 100}%`;
      box.style.width = `${Math.max(0.5, (x1 - x0) * 100)}%`; box.style.height = `${Math.max(0.5, (y1 - y0) * 100)}%`;
      box.addEventListener("mouseenter", () => highlight(name, n, true));
      box.addEventListener("mouseleave", () => highlight(name, n, false));
      boxes.set(name, box);
      return box;
    });
    view.replaceChildren(img, ...nodes);
    if (canWrite && record.status === "completed") {
      loadWords(n).then((words) => { if (pageNo === n) drawWords(view, n, words); });
    }
  }

  // --- saving ------------------------------------------------------------------------------

  async function nextInQueue() {
    const queue = await api("GET", `/review/${org}/queue?limit=2`);
    const next = (queue.data || []).find((f) => f.id !== config.fileId);
    location.href = next ? `/ui/files/${encodeURIComponent(next.id)}?from=queue` : "/ui/review";
  }

  async function save() {
    hideError(errorBox);
    const fields = {};
    const sources = {};
    for (const name of changedFields()) {
      try {
        fields[name] = inputValue(name);
      } catch (err) {
        inputs.get(name).setAttribute("aria-invalid", "true");
        inputs.get(name).focus();
        showError(errorBox, err.message);
        return;
      }
      if (picks[name]) sources[name] = picks[name];
    }
    if (!Object.keys(fields).length) return;
    try {
      const state = await api("PATCH", `/processing-history/${org}/${fileId}/fields`, { fields, sources });
      Object.assign(record, state);
      for (const k of Object.keys(picks)) delete picks[k];
      announce(`Saved ${Object.keys(fields).length} correction(s).`);
      if (fromQueue) return nextInQueue();
      render();
      document.getElementById("review-status").textContent = "Corrections saved.";
    } catch (err) {
      showError(errorBox, err.message || "The corrections could not be saved.");
    }
  }

  async function confirm() {
    hideError(errorBox);
    try {
      const state = await api("POST", `/processing-history/${org}/${fileId}/review`);
      Object.assign(record, state);
      announce("Confirmed as correct.");
      if (fromQueue) return nextInQueue();
      render();
      document.getElementById("review-status").textContent = "Confirmed as correct.";
    } catch (err) {
      showError(errorBox, err.message || "The file could not be confirmed.");
    }
  }

  function reviewBar() {
    const state = record.needsReview
      ? el("span", { class: "badge needs-review" }, `Needs review: ${(record.reviewFields || []).join(", ")}`)
      : record.reviewed ? el("span", { class: "badge status-completed" }, `Reviewed ${fmtDate(record.reviewedAt)}`) : null;
    const buttons = canWrite && record.status === "completed"
      ? [el("button", { type: "button", class: "button-primary", id: "save-fields", disabled: true, onclick: save }, "Save corrections"),
         el("button", { type: "button", id: "confirm-file", onclick: confirm }, "Confirm as correct")]
      : [];
    return el("div", { class: "actions review-bar" }, state, ...buttons,
      fromQueue ? el("a", { href: "/ui/review" }, "Back to the review queue") : null,
      el("span", { id: "review-status", class: "muted", role: "status" }));
  }

  async function auditCard() {
    const card = el("section", { class: "card", "aria-labelledby": "audit-title" },
      el("h2", { id: "audit-title" }, "Review history"));
    try {
      const entries = (await api("GET", `/processing-history/${org}/${fileId}/audit`)).data || [];
      card.append(entries.length
        ? el("ul", { class: "audit", id: "audit" }, entries.map((e) => el("li", {},
            el("strong", {}, e.kind), ` by ${e.actor} · ${fmtDate(e.createdAt)}`,
            e.kind === "corrected" ? el("span", { class: "muted" }, " · " + Object.entries((e.detail || {}).fields || {})
              .map(([n, c]) => `${n}: ${valueText(c.from) || "–"} → ${valueText(c.to) || "–"}`).join("; ")) : null)))
        : el("p", { class: "muted" }, "Nobody has corrected or confirmed this file yet."));
    } catch (err) {
      card.append(el("p", { class: "muted" }, "The review history could not be loaded."));
    }
    return card;
  }

  function render() {
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
      record.status === "completed" ? [reviewBar(), fieldsTable()]
        : el("p", { class: "muted" }, record.status === "failed" ? "This file failed, so it has no fields." : "This file is not processed yet."));
    const audit = el("div", { id: "audit-slot" });
    root.replaceChildren(head, el("div", { class: "viewer" }, viewer(), el("div", {}, fieldsCard, audit)));
    root.setAttribute("aria-busy", "false");
    if (hasPageImages(record)) {
      const view = document.getElementById("page-view");
      if (view) enablePicking(view);
      showPage(pageNo);
    }
    if (record.status === "completed") auditCard().then((card) => audit.replaceWith(card));
    const first = record.needsReview && (record.reviewFields || []).find((n) => inputs.has(n));
    if (first) setFocused(first);
  }

  async function load() {
    record = await api("GET", `/processing-history/${org}/${fileId}`);
    back.href = fromQueue ? "/ui/review" : `/ui/batches/${encodeURIComponent(record.batchId)}`;
    back.textContent = fromQueue ? "← Back to the review queue" : "← Back to the batch";
    document.title = `${record.fileName} · docbatch`;
    try {
      const template = await api("GET", `/templates/${org}/${encodeURIComponent(record.templateId)}`);
      schema = ((template || {}).templateSchema || {}).properties || {};
    } catch (err) {
      schema = {}; // the template was deleted: the fields found are listed, typed by their values
    }
    render();
  }

  load().catch((err) => {
    root.setAttribute("aria-busy", "false");
    root.replaceChildren(el("div", { class: "card empty" },
      el("p", {}, err.status === 404 ? "This file does not exist, was deleted, or belongs to another organization." : `The file could not be loaded: ${err.message}`),
      el("a", { href: "/ui/history" }, "Back to Processing History")));
  });
})();

/* The review queue: files that need review, oldest first. Keyboard driven: j/↓ next, k/↑ previous,
   Enter open (the file page, which goes on to the next file after Save or Confirm), a accept. */
"use strict";

(() => {
  const { config, el, api, fmtDate, showError, hideError, announce } = DB;
  const root = document.getElementById("queue");
  const errorBox = document.getElementById("queue-error");
  const org = encodeURIComponent(config.orgId);
  const canWrite = (config.permissions || []).some((p) => p === "write" || p === "admin");
  let files = [];
  let total = 0;
  let selected = 0;

  const picker = document.getElementById("queue-template");
  const auditCard = document.getElementById("template-audit");
  const auditList = document.getElementById("template-audit-list");
  const templateName = (id) => ((config.templates || []).find((t) => t.id === id) || {}).name || id;
  const openUrl = (f) => `/ui/files/${encodeURIComponent(f.id)}?from=queue`;

  function select(i) {
    if (!files.length) return;
    selected = Math.max(0, Math.min(files.length - 1, i));
    root.querySelectorAll("tbody tr").forEach((tr, n) => {
      tr.setAttribute("aria-selected", n === selected ? "true" : "false");
      if (n === selected) tr.scrollIntoView({ block: "nearest" });
    });
  }

  async function accept(i) {
    const f = files[i];
    if (!f || !canWrite) return;
    hideError(errorBox);
    try {
      await api("POST", `/processing-history/${org}/${encodeURIComponent(f.id)}/review`);
      files.splice(i, 1);
      total -= 1;
      announce(`${f.fileName} accepted as correct.`);
      render(Math.min(i, files.length - 1));
      loadAudit(picker.value);
    } catch (err) {
      showError(errorBox, err.message || "The file could not be accepted.");
    }
  }

  function render(keep = 0) {
    root.setAttribute("aria-busy", "false");
    if (!files.length) {
      root.replaceChildren(el("div", { class: "empty", id: "queue-empty" },
        el("p", {}, "Nothing to review: every completed file is above its template's thresholds or was reviewed."),
        el("a", { href: "/ui/history" }, "Go to Processing History")));
      return;
    }
    root.replaceChildren(
      el("p", { class: "muted", id: "queue-count" }, `${total} file(s) need review.`),
      el("table", { class: "responsive queue-table" },
        el("caption", { id: "queue-caption", class: "visually-hidden" }, "Files that need review, oldest first"),
        el("thead", {}, el("tr", {}, ["File", "Template", "Fields to check", "Finished", ""].map((h) => el("th", { scope: "col" }, h)))),
        el("tbody", {}, files.map((f, i) => el("tr", { dataset: { id: f.id }, "aria-selected": "false", onclick: () => select(i) },
          el("td", { "data-label": "File" }, el("a", { href: openUrl(f) }, f.fileName)),
          el("td", { "data-label": "Template" }, templateName(f.templateId)),
          el("td", { "data-label": "Fields to check" }, (f.reviewFields || []).join(", ") || "–"),
          el("td", { "data-label": "Finished" }, fmtDate(f.finishedAt)),
          el("td", { "data-label": "" }, canWrite
            ? el("button", { type: "button", class: "accept", onclick: (ev) => { ev.stopPropagation(); accept(i); } }, "Accept")
            : null))))));
    select(keep);
  }

  document.addEventListener("keydown", (ev) => {
    if (ev.target.closest && ev.target.closest("input, textarea, select") || ev.altKey || ev.ctrlKey || ev.metaKey) return;
    if (ev.key === "j" || ev.key === "ArrowDown") { select(selected + 1); ev.preventDefault(); }
    else if (ev.key === "k" || ev.key === "ArrowUp") { select(selected - 1); ev.preventDefault(); }
    else if ((ev.key === "Enter" || ev.key === "o") && files[selected] && !(ev.target.closest && ev.target.closest("a, button"))) {
      location.href = openUrl(files[selected]);
    } else if (ev.key === "a") { accept(selected); ev.preventDefault(); }
  });

  function summary(e) {
    const d = e.detail || {};
    if (e.kind === "corrected") {
      return Object.entries(d.fields || {}).map(([n, c]) => `${n}: ${JSON.stringify(c.from)} → ${JSON.stringify(c.to)}`).join("; ");
    }
    if (e.kind === "confirmed") return `accepted as extracted${(d.reviewFields || []).length ? ` (${d.reviewFields.join(", ")} checked)` : ""}`;
    return Object.entries(d).map(([k, v]) => `${k}: ${typeof v === "object" ? JSON.stringify(v) : v}`).join(", ");
  }

  /** Corrections, confirmations and model decisions of the chosen template, newest first. */
  async function loadAudit(templateId) {
    auditCard.hidden = !templateId;
    if (!templateId) return;
    document.getElementById("template-audit-title").textContent = `Review history of ${templateName(templateId)}`;
    try {
      const page = await api("GET", `/templates/${org}/${encodeURIComponent(templateId)}/audit?limit=100`);
      const entries = page.data || [];
      auditList.replaceChildren(entries.length
        ? el("ul", { class: "audit" }, entries.map((e) => el("li", { dataset: { kind: e.kind } },
            el("strong", {}, e.kind), ` · ${fmtDate(e.createdAt)} · ${e.actor}`,
            e.fileId ? [" · ", el("a", { href: `/ui/files/${encodeURIComponent(e.fileId)}` }, "file")] : null,
            el("div", { class: "muted" }, summary(e)))))
        : el("p", { class: "muted" }, "No correction, confirmation or model change for this template yet."));
    } catch (err) {
      auditList.replaceChildren(el("p", { class: "muted" }, "The review history could not be loaded."));
    }
  }

  async function load() {
    const templateId = picker.value;
    const filter = templateId ? `&templateId=${encodeURIComponent(templateId)}` : "";
    try {
      const page = await api("GET", `/review/${org}/queue?limit=100${filter}`);
      files = page.data || [];
      total = (page.pagination || {}).total || files.length;
      render();
    } catch (err) {
      root.setAttribute("aria-busy", "false");
      root.replaceChildren(el("p", { class: "muted" }, "The review queue could not be loaded."));
      showError(errorBox, err.message);
    }
    loadAudit(templateId);
  }

  for (const t of config.templates || []) picker.append(el("option", { value: t.id }, t.name));
  picker.value = new URLSearchParams(location.search).get("templateId") || "";
  picker.addEventListener("change", () => {
    const url = new URL(location.href);
    if (picker.value) url.searchParams.set("templateId", picker.value); else url.searchParams.delete("templateId");
    history.replaceState(null, "", url);
    load();
  });
  load();
})();

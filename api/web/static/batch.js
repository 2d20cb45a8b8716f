/* One batch: live progress, its files with status and failure reason, retry, export. */
"use strict";

(() => {
  const { config, el, api, badge, progressBlock, exportMenu, fmtDate, projectName, FINAL, announce, debounce,
          showError, hideError } = DB;
  const root = document.getElementById("batch");
  const errorBox = document.getElementById("batch-error");
  const org = encodeURIComponent(config.orgId);
  const id = encodeURIComponent(config.batchId);
  const justUploaded = new URLSearchParams(location.search).has("uploaded");
  let batch = null;
  // fileId -> {attempts, at} when its retry was accepted: keep following until a new attempt shows.
  const pendingRetries = new Map();
  let notice = null;

  let shown = "";

  async function load() {
    batch = await api("GET", `/batch/${org}/${id}`);
    for (const f of batch.files) {
      const pending = pendingRetries.get(f.id);
      if (!pending) continue;
      const settled = f.attempts > pending.attempts && (f.status === "failed" || f.status === "completed");
      // A retry the workflow could not run (for example no credit left) never starts: stop waiting.
      if (settled || f.status === "completed" || Date.now() - pending.at > 120000) {
        pendingRetries.delete(f.id);
        const outcome = f.status === "completed" ? "it completed" : `it failed again (attempt ${f.attempts})`;
        notice = el("p", { class: `notice ${f.status === "completed" ? "notice-ok" : "notice-error"}`, role: "status",
                           id: "action-notice" }, `Retry of ${f.fileName} finished: ${outcome}.`);
        announce(`Retry of ${f.fileName} finished: ${outcome}.`);
      }
    }
    const snapshot = JSON.stringify([batch, [...pendingRetries.keys()]]);
    if (snapshot !== shown) { shown = snapshot; render(); }  // unchanged: keep focus and open menus
  }

  function stateNote() {
    const done = batch.completedFiles, failed = batch.failedFiles;
    if (batch.status === "failed") {
      return el("p", { class: "notice notice-error" }, "No file of this batch could be extracted, so there is nothing to export yet. ",
        "Retry the failed files below, or upload them again in a new batch.");
    }
    if (!FINAL.includes(batch.status) && done === 0) {
      return el("p", { class: "notice" }, failed
        ? "No file has completed yet; some failed (see below). The others are still being processed."
        : "No file has completed yet. Files appear as completed here as soon as each one is extracted.");
    }
    if (batch.status === "partially_failed") {
      return el("p", { class: "notice" }, `${failed} of ${batch.totalFiles} files failed. The export holds the ${done} completed `,
        `file${done === 1 ? "" : "s"}; failed files can be retried one by one (one credit each).`);
    }
    return null;
  }

  function render() {
    const failedFiles = batch.files.filter((f) => f.status === "failed" && !pendingRetries.has(f.id));
    const header = el("div", { class: "batch-head" },
      el("h1", {}, batch.name),
      el("span", { id: "batch-status" }, badge(batch.status)),
      exportMenu(batch.id, batch.name),
      failedFiles.length > 1 && config.permissions.includes("write")
        ? el("button", { type: "button", id: "retry-all", onclick: retryAll }, `Retry all ${failedFiles.length} failed files`) : null);
    const facts = el("dl", { class: "facts" },
      fact("Template", batch.templateName || "–"), fact("Project", projectName(batch.projectId)),
      fact("Created", fmtDate(batch.createdAt)), fact("Finished", batch.finishedAt ? fmtDate(batch.finishedAt) : "not yet"),
      fact("Files", `${batch.totalFiles} (${batch.completedFiles} completed, ${batch.failedFiles} failed)`),
      fact("Needs review", batch.needsReviewFiles
        ? el("a", { href: "/ui/review", id: "needs-review-count" }, `${batch.needsReviewFiles} file${batch.needsReviewFiles === 1 ? "" : "s"}`)
        : el("span", { id: "needs-review-count" }, "none")));
    const progress = el("div", { id: "batch-progress" }, progressBlock(batch));
    const files = el("table", { class: "responsive files" },
      el("caption", { class: "visually-hidden" }, "Files of this batch"),
      el("thead", {}, el("tr", {}, ["#", "File", "Status", "Attempts", "Failure reason", "Actions"]
        .map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, batch.files.map(fileRow)));
    root.replaceChildren(...[el("div", { class: "card" }, header, facts, progress),
      justUploaded && !FINAL.includes(batch.status)
        ? el("p", { class: "notice notice-ok" }, `Upload complete: ${batch.totalFiles} file${batch.totalFiles === 1 ? " is" : "s are"} being processed. This page updates by itself.`)
        : null,
      notice, stateNote(),
      el("h2", {}, "Files"), el("div", { class: "table-wrap" }, files)].filter(Boolean));
    root.setAttribute("aria-busy", "false");
    document.title = `${batch.name} · docbatch`;
  }

  function fact(label, value) { return el("div", {}, el("dt", {}, label), el("dd", {}, value)); }

  function fileRow(f, index) {
    const retrying = pendingRetries.has(f.id) && f.status === "failed";
    const status = retrying ? "queued" : f.status;
    const actions = [];
    if (f.status === "completed") {
      actions.push(el("a", { href: `/ui/files/${encodeURIComponent(f.id)}` }, "View fields", el("span", { class: "visually-hidden" }, ` of ${f.fileName}`)));
    }
    if (f.status === "failed" && !retrying && config.permissions.includes("write")) {
      actions.push(el("button", { type: "button", class: "retry", "aria-label": `Retry ${f.fileName}`, onclick: () => retry(f) }, "Retry"));
    }
    return el("tr", { id: `file-${f.id}`, dataset: { fileId: f.id, status } },
      el("td", { "data-label": "#", class: "num" }, String(index + 1)),
      el("td", { "data-label": "File" }, f.fileName),
      el("td", { "data-label": "Status", class: "status-cell" }, retrying ? el("span", { class: "badge status-queued", dataset: { status: "queued" } }, "Retry queued") : badge(f.status),
        f.needsReview ? el("span", { class: "badge needs-review" }, "needs review") : f.reviewed ? el("span", { class: "badge corrected" }, "reviewed") : null),
      el("td", { "data-label": "Attempts", class: "num attempts" }, String(f.attempts)),
      el("td", { "data-label": "Failure reason", class: f.errorMessage ? "reason" : "reason muted" },
        f.errorMessage ? `${f.errorMessage}${f.errorCode ? ` (${f.errorCode})` : ""}` : "–"),
      el("td", { "data-label": "Actions" }, actions.length ? actions : "–"));
  }

  function say(text, ok = true) {
    notice = el("p", { class: `notice ${ok ? "notice-ok" : "notice-error"}`, role: ok ? "status" : "alert", id: "action-notice" }, text);
    shown = "";
    render();
  }

  async function retry(f) {
    hideError(errorBox);
    try {
      await api("POST", `/batch/${org}/${id}/files/${encodeURIComponent(f.id)}/retry`);
      pendingRetries.set(f.id, { attempts: f.attempts, at: Date.now() });
      say(`Retry of ${f.fileName} accepted: it is queued again (one credit).`);
      announce(`Retry of ${f.fileName} accepted.`);
      refresh();
    } catch (err) {
      say(`Retry of ${f.fileName} was refused: ${err.message}`, false);
    }
  }

  async function retryAll() {
    try {
      const body = await api("POST", `/batch/${org}/${id}/retry`);
      for (const f of batch.files) if (body.fileIds.includes(f.id)) pendingRetries.set(f.id, { attempts: f.attempts, at: Date.now() });
      say(`Retry of ${body.fileIds.length} failed files accepted (one credit each).`);
      refresh();
    } catch (err) {
      say(`The retry was refused: ${err.message}`, false);
    }
  }

  /** A batch_progress_updated message changes the header at once; file details are re-read. */
  function onEvent(msg) {
    if (!batch || !msg.data || msg.data.batchId !== batch.id) return;
    if (msg.event === "batch_progress_updated") {
      const before = batch.status;
      const { batchId, ...fields } = msg.data;
      Object.assign(batch, fields);
      document.getElementById("batch-status").replaceChildren(badge(batch.status));
      document.getElementById("batch-progress").replaceChildren(progressBlock(batch));
      if (before !== batch.status && FINAL.includes(batch.status)) announce(`Batch ${DB.statusText(batch.status)}.`);
    }
    refresh();
  }
  const refresh = debounce(() => { load().catch(() => {}); }, 250);

  load().then(() => {
    DB.follow({
      batchId: batch.id,
      onEvent,
      poll: load,
      active: () => !FINAL.includes(batch.status) || pendingRetries.size > 0,
    });
  }).catch((err) => {
    root.setAttribute("aria-busy", "false");
    root.replaceChildren(el("div", { class: "card empty" },
      el("p", {}, err.status === 404 ? "This batch does not exist, was deleted, or belongs to another organization." : `The batch could not be loaded: ${err.message}`),
      el("a", { href: "/ui/history" }, "Back to Processing History")));
  });
})();

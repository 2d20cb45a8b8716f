/* The template editor's "Learned model" panel: which model extraction uses for this template
   (the built-in one or the organisation's, learned from corrections) and its held-out figures. */
"use strict";

(() => {
  const { config, el, api, announce, showError, hideError } = DB;
  const org = encodeURIComponent(config.orgId);
  const panel = document.getElementById("model-panel");
  const error = document.getElementById("model-error");
  const body = document.getElementById("model-body");
  const retrainButton = document.getElementById("retrain-model");
  const FIELDS = { company: "Seller", address: "Address", total: "Total" };
  let template = null;

  const pct = (v) => (v === undefined || v === null ? "–" : `${Math.round(v * 100)} %`);

  function figuresTable(f) {
    const names = Object.keys(f.tested || {});
    if (!names.length) return el("p", { class: "muted" }, (f.notes || []).join("; ") || "No held-out figures yet.");
    return el("div", { class: "table-wrap" }, el("table", { class: "model-figures" },
      el("caption", {}, `Right on ${f.documents} reviewed documents, each held out of the training that picked it (${f.folds}-fold)`),
      el("thead", {}, el("tr", {}, ["Field", "Built-in model", "Organisation's model", "With vendor memory"].map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, names.map((n) => el("tr", {},
        el("th", { scope: "row" }, FIELDS[n] || n),
        el("td", { "data-label": "Built-in model" }, pct(f.builtin[n])),
        el("td", { "data-label": "Organisation's model" }, pct(f.learned[n])),
        el("td", { "data-label": "With vendor memory" }, pct(f.withMemory[n])))))));
  }

  function render(history) {
    const active = history.active;
    const latest = history.models[0];
    const parts = [el("p", { id: "active-model" }, active
      ? el("span", {}, "Extraction uses this organisation's model ", el("strong", {}, active.version),
        ` (learned from ${active.documents} reviewed documents).`)
      : "Extraction uses the built-in model.")];
    if (latest) {
      parts.push(el("p", { class: "muted" }, `Latest retraining: ${latest.version}, ${latest.status === "active" ? "switched to it" : latest.status === "kept" ? "kept the model in use (the new one was not better)" : latest.status}; vendor memory holds ${latest.layouts} layout(s).`));
      parts.push(figuresTable(latest.figures));
      parts.push(el("details", {}, el("summary", {}, `History (${history.models.length})`),
        el("ol", { class: "model-history" }, history.models.map((m) =>
          el("li", { dataset: { status: m.status } }, `${m.createdAt || ""} ${m.version}: ${m.status}, `
            + `${m.figures.learnedRight}/${m.figures.builtinRight} right (organisation's/built-in)`)))));
    } else {
      parts.push(el("p", { class: "muted" }, "No corrections learned from yet: corrections of this template's documents retrain it."));
    }
    body.replaceChildren(...parts);
  }

  async function load() {
    hideError(error);
    try {
      render(await api("GET", `/templates/${org}/${encodeURIComponent(template.id)}/models`));
    } catch (err) {
      showError(error, `The learned model cannot be shown: ${err.message}`);
    }
  }

  document.addEventListener("template-opened", (event) => {
    template = event.detail;
    panel.hidden = !template || !template.id;
    retrainButton.hidden = !config.permissions.includes("write");
    if (!panel.hidden) load();
  });
  retrainButton.addEventListener("click", async () => {
    hideError(error);
    try {
      await api("POST", `/templates/${org}/${encodeURIComponent(template.id)}/models/retrain`);
      announce("Retraining started: the figures appear here when it ends.");
    } catch (err) {
      showError(error, `Retraining could not start: ${err.message}`);
    }
  });
})();

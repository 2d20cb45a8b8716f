/* Settings: API tokens (created values shown once), credits and ledger, webhook endpoints and deliveries. */
"use strict";

(() => {
  const { config, el, api, fmtDate, announce, showError, hideError, projectName } = DB;
  const org = encodeURIComponent(config.orgId);
  const isAdmin = config.permissions.includes("admin");

  function table(caption, headers, rows, cls = "") {
    return el("div", { class: "table-wrap" }, el("table", { class: `responsive ${cls}` },
      el("caption", { class: "visually-hidden" }, caption),
      el("thead", {}, el("tr", {}, headers.map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, rows.map((cells) => el("tr", {}, cells.map((c, i) => el("td", { "data-label": headers[i] }, c)))))));
  }

  function copyButton(buttonId, inputId) {
    document.getElementById(buttonId).addEventListener("click", async () => {
      const input = document.getElementById(inputId);
      input.select();
      try { await navigator.clipboard.writeText(input.value); announce("Copied."); }
      catch (err) { document.execCommand("copy"); announce("Copied."); }
    });
  }

  // --- tokens ------------------------------------------------------------------------
  const tokenList = document.getElementById("token-list");
  const tokenError = document.getElementById("tokens-error");
  const tokenForm = document.getElementById("token-form");

  function tokenStatus(t) {
    if (t.revokedAt) return ["revoked", "Revoked"];
    if (t.expiresAt && new Date(t.expiresAt) < new Date()) return ["expired", "Expired"];
    return ["active", "Active"];
  }

  async function loadTokens() {
    if (!isAdmin) {
      tokenList.replaceChildren(el("p", { class: "muted" }, "Managing tokens needs a token with the admin permission."));
      tokenForm.hidden = true;
      return;
    }
    const tokens = await api("GET", `/tokens/${org}`);
    tokenList.replaceChildren(tokens.length ? table("API tokens",
      ["Name", "Token", "Scope", "Permissions", "Created", "Expires", "Last used", "Status", ""],
      tokens.map((t) => {
        const [status, label] = tokenStatus(t);
        const isSelf = t.id === config.tokenId;
        return [isSelf ? [t.name, el("span", { class: "muted" }, " (this session)")] : t.name, el("code", {}, `${t.prefix}…`), t.projectId ? `Project ${projectName(t.projectId)}` : "Whole organization",
          t.permissions.join(", "), fmtDate(t.createdAt), t.expiresAt ? fmtDate(t.expiresAt) : "never",
          t.lastUsedAt ? fmtDate(t.lastUsedAt) : "never", el("span", { class: `badge status-${status}` }, label),
          status === "active"
            ? el("button", { type: "button", class: "button-danger", "aria-label": `Revoke token ${t.name}`,
                             onclick: () => revoke(t) }, "Revoke")
            : ""];
      }), "tokens") : el("p", { class: "muted" }, "No tokens yet."));
  }

  async function revoke(t) {
    const self = t.id === config.tokenId ? " This browser is signed in with it: you will be signed out." : "";
    if (!window.confirm(`Revoke the token “${t.name}”? Scripts using it stop working at once.${self}`)) return;
    try {
      await api("DELETE", `/tokens/${org}/${encodeURIComponent(t.id)}`);
      announce(`Token ${t.name} revoked.`);
      await loadTokens();
    } catch (err) { showError(tokenError, `The token could not be revoked: ${err.message}`); }
  }

  tokenForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    hideError(tokenError);
    const data = new FormData(tokenForm);
    const permissions = data.getAll("permissions");
    const name = String(data.get("name") || "").trim();
    if (!name) { showError(tokenError, "Give the token a name, so you can tell it apart later."); return; }
    if (!permissions.length) { showError(tokenError, "Choose at least one permission."); return; }
    const body = { name, permissions, projectId: data.get("projectId") || null };
    if (data.get("expiresAt")) body.expiresAt = `${data.get("expiresAt")}T23:59:59Z`;
    try {
      const created = await api("POST", `/tokens/${org}`, body);
      document.getElementById("new-token-value").value = created.token;
      document.getElementById("new-token").hidden = false;
      document.getElementById("new-token-value").focus();
      announce(`Token ${created.name} created. Copy it now; it is not shown again.`);
      tokenForm.reset();
      await loadTokens();
    } catch (err) { showError(tokenError, `The token was not created: ${err.message}`); }
  });
  copyButton("copy-token", "new-token-value");

  // --- credits -----------------------------------------------------------------------
  const REASONS = { batch_charge: "Batch upload", file_refund: "Refund for a failed file", retry_charge: "Retry",
                    batch_refund: "Refund for a refused upload", grant: "Credits added", bootstrap: "Starting balance" };

  async function loadCredits() {
    const body = await api("GET", `/credits/${org}?limit=50`);
    document.getElementById("credit-balance").textContent = String(body.balance);
    document.getElementById("ledger").replaceChildren(body.data.length ? table("Credit ledger, newest first",
      ["When", "Change", "Balance after", "Reason", "Batch"],
      body.data.map((e) => [fmtDate(e.createdAt), e.delta > 0 ? `+${e.delta}` : String(e.delta), String(e.balanceAfter),
        REASONS[e.reason] || e.reason,
        e.batchId ? el("a", { href: `/ui/batches/${encodeURIComponent(e.batchId)}` }, e.batchId) : "–"]), "ledger")
      : el("p", { class: "muted" }, "No credit changes yet."));
  }

  // --- webhooks ----------------------------------------------------------------------
  const hookList = document.getElementById("webhook-list");
  const hookError = document.getElementById("webhooks-error");
  const hookForm = document.getElementById("webhook-form");

  async function loadWebhooks() {
    let endpoints;
    try {
      endpoints = await api("GET", `/webhooks/${org}`);
    } catch (err) {
      if (err.status === 404) {
        hookList.replaceChildren(el("p", { class: "notice" }, "Webhooks are not available on this installation yet."));
        hookForm.hidden = true;
        return;
      }
      throw err;
    }
    endpoints = Array.isArray(endpoints) ? endpoints : endpoints.data;
    if (!isAdmin) hookForm.hidden = true;
    hookList.replaceChildren(endpoints.length ? el("ul", { class: "plain-list" }, endpoints.map(endpointItem))
      : el("p", { class: "muted" }, "No webhook endpoints yet. Add one to be told when batches finish."));
  }

  function endpointItem(w) {
    const log = el("div", { class: "deliveries" });
    const show = el("button", { type: "button", "aria-expanded": "false", onclick: async () => {
      if (show.getAttribute("aria-expanded") === "true") { log.replaceChildren(); show.setAttribute("aria-expanded", "false"); show.textContent = "Show delivery log"; return; }
      try {
        const body = await api("GET", `/webhooks/${org}/${encodeURIComponent(w.id)}/deliveries?limit=50`);
        const rows = Array.isArray(body) ? body : body.data;
        log.replaceChildren(rows.length ? table(`Deliveries to ${w.name}`, ["When", "Event", "Attempt", "Outcome", "HTTP status", "Error"],
          rows.map((d) => [fmtDate(d.createdAt), d.eventType, String(d.attempt), d.outcome, d.statusCode ? String(d.statusCode) : "–", d.error || "–"]))
          : el("p", { class: "muted" }, "No deliveries yet."));
        show.setAttribute("aria-expanded", "true"); show.textContent = "Hide delivery log";
      } catch (err) { showError(hookError, `The delivery log could not be loaded: ${err.message}`); }
    } }, "Show delivery log");
    const actions = [show];
    if (isAdmin) {
      actions.push(el("button", { type: "button", onclick: () => hookAction(w, "POST", "/test", "A test event was queued.") }, "Send a test event"));
      actions.push(el("button", { type: "button", onclick: () => hookAction(w, "PATCH", "", w.status === "active" ? "Paused." : "Resumed.",
        { status: w.status === "active" ? "paused" : "active" }) }, w.status === "active" ? "Pause" : "Resume"));
      actions.push(el("button", { type: "button", class: "button-danger", onclick: () => {
        if (window.confirm(`Delete the endpoint “${w.name}”?`)) hookAction(w, "DELETE", "", "Endpoint deleted.");
      } }, "Delete"));
    }
    return el("li", { class: "sub-card" },
      el("p", {}, el("strong", {}, w.name), " ", el("span", { class: `badge status-${w.status === "active" ? "active" : "revoked"}` }, w.status),
        " ", el("code", {}, w.url)),
      el("p", { class: "muted" }, `Events: ${w.events.join(", ")}` + (w.disabledReason ? ` · ${w.disabledReason}` : "") +
        (w.lastSuccessAt ? ` · last delivered ${fmtDate(w.lastSuccessAt)}` : "")),
      el("div", { class: "actions" }, actions), log);
  }

  async function hookAction(w, method, suffix, done, body) {
    hideError(hookError);
    try {
      await api(method, `/webhooks/${org}/${encodeURIComponent(w.id)}${suffix}`, body);
      announce(done);
      await loadWebhooks();
    } catch (err) { showError(hookError, err.message); }
  }

  hookForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    hideError(hookError);
    const data = new FormData(hookForm);
    const body = { name: String(data.get("name") || "").trim(), url: String(data.get("url") || "").trim(), events: data.getAll("events") };
    if (!body.name || !body.url) { showError(hookError, "Give the endpoint a name and a URL."); return; }
    if (!body.events.length) { showError(hookError, "Choose at least one event."); return; }
    try {
      const created = await api("POST", `/webhooks/${org}`, body);
      if (created.secret) {
        document.getElementById("new-secret-value").value = created.secret;
        document.getElementById("new-secret").hidden = false;
      }
      announce(`Endpoint ${created.name} added.`);
      hookForm.reset();
      await loadWebhooks();
    } catch (err) { showError(hookError, `The endpoint was not added: ${err.message}`); }
  });
  copyButton("copy-secret", "new-secret-value");

  loadTokens().catch((err) => showError(tokenError, `The tokens could not be loaded: ${err.message}`));
  loadCredits().catch((err) => showError(document.getElementById("credits-error"), `The credits could not be loaded: ${err.message}`));
  loadWebhooks().catch((err) => showError(hookError, `The webhook endpoints could not be loaded: ${err.message}`));
})();

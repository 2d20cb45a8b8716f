/* docbatch web UI: shared helpers. Every page is a server-rendered shell; these functions call the
   JSON API of the same origin with the sign-in cookie and keep pages live. */
"use strict";

const DB = (() => {
  const config = JSON.parse(document.getElementById("page-config").textContent);
  const FINAL = ["completed", "partially_failed", "failed"];
  const STATUS_TEXT = {
    uploading: "Uploading", processing: "Processing", completed: "Completed",
    partially_failed: "Partially failed", failed: "Failed", queued: "Queued",
  };
  const FORMATS = [["json", "JSON"], ["csv", "CSV"], ["pdf", "PDF"], ["docx", "DOCX"],
                   ["xml", "XML"], ["html", "HTML"], ["text", "Text"]];

  function cookie(name) {
    const hit = document.cookie.split("; ").find((c) => c.startsWith(name + "="));
    return hit ? decodeURIComponent(hit.slice(name.length + 1)) : "";
  }

  function csrf() { return cookie("docbatch_csrf"); }

  /** Sends the browser to the sign-in page, saying why (an expired or revoked token). */
  function signInAgain() {
    const next = encodeURIComponent(location.pathname + location.search);
    location.assign(`/ui/login?expired=1&next=${next}`);
  }

  class ApiFailure extends Error {
    constructor(status, body) {
      super(messageOf(body) || `The server answered ${status}.`);
      this.status = status;
      this.body = body;
    }
  }

  /** The person-readable message of an error envelope ({statusCode, message, error}). */
  function messageOf(body) {
    if (!body) return "";
    if (Array.isArray(body.message)) return body.message.join(" ");
    return body.message || body.error || "";
  }

  /** Calls the JSON API. Writes carry X-CSRF-Token; a 401 means the token is no longer valid. */
  async function api(method, path, body) {
    const headers = { Accept: "application/json" };
    const init = { method, headers, credentials: "same-origin" };
    if (method !== "GET" && method !== "HEAD") headers["X-CSRF-Token"] = csrf();
    if (body instanceof FormData) init.body = body;
    else if (body !== undefined) { headers["Content-Type"] = "application/json"; init.body = JSON.stringify(body); }
    let response;
    try {
      response = await fetch(path, init);
    } catch (err) {
      throw new ApiFailure(0, { message: "The server cannot be reached. Check your connection and try again." });
    }
    const text = await response.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch (err) { data = { message: text.slice(0, 300) }; }
    if (response.status === 401) { signInAgain(); throw new ApiFailure(401, data); }
    if (!response.ok) throw new ApiFailure(response.status, data);
    return data;
  }

  /** Builds an element: el("a", {href: "/x", class: "y"}, "text", child). Text is never parsed as HTML. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else if (key === "dataset") Object.assign(node.dataset, value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function announce(text) {
    const live = document.getElementById("live");
    live.textContent = "";
    window.setTimeout(() => { live.textContent = text; }, 50);
  }

  function showError(box, err) {
    if (!box) return;
    box.textContent = typeof err === "string" ? err : (err && err.message) || "Something went wrong.";
    box.hidden = false;
  }
  function hideError(box) { if (box) { box.hidden = true; box.textContent = ""; } }

  function fmtSize(bytes) {
    if (bytes === null || bytes === undefined) return "–";
    if (bytes < 1024) return `${bytes} B`;
    if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
    return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  }

  function fmtDate(iso) {
    if (!iso) return "–";
    const d = new Date(iso);
    return d.toLocaleString(undefined, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
  }

  function pad(n) { return String(n).padStart(2, "0"); }
  /** "Batch YYYY-MM-DD HH:mm" in local time: the name the server gives a batch without one. */
  function defaultBatchName(d = new Date()) {
    return `Batch ${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
  }

  function statusText(status) { return STATUS_TEXT[status] || status; }

  function badge(status) {
    return el("span", { class: `badge status-${status}`, dataset: { status } }, statusText(status));
  }

  /** A progress bar with its numbers in text (the bar alone would be colour only). */
  function progressBlock(b) {
    const fill = el("div", { class: "progress-fill" + (b.failedFiles ? " has-failed" : "") });
    fill.style.width = `${Math.max(0, Math.min(100, b.progress || 0))}%`;
    const label = `${b.progress || 0}% · ${b.completedFiles} of ${b.totalFiles} done` + (b.failedFiles ? `, ${b.failedFiles} failed` : "");
    const bar = el("div", { class: "progress", role: "progressbar", "aria-valuemin": "0", "aria-valuemax": "100",
                            "aria-valuenow": String(b.progress || 0), "aria-label": label }, fill);
    return el("div", { class: "progress-cell" }, bar, el("span", { class: "progress-text" }, label));
  }

  function exportMenu(batchId, name) {
    const base = `/batch/${encodeURIComponent(config.orgId)}/${encodeURIComponent(batchId)}/export?format=`;
    const menu = el("details", { class: "menu export-menu" },
      el("summary", { "aria-label": `Export ${name || "batch"}` }, "Export"),
      el("ul", { class: "menu-list" }, FORMATS.map(([fmt, label]) =>
        el("li", {}, el("a", { href: base + fmt, download: "", dataset: { format: fmt } }, label)))));
    menu.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && menu.open) { menu.open = false; menu.querySelector("summary").focus(); }
    });
    return menu;
  }
  // Close any open export menu when clicking elsewhere.
  document.addEventListener("click", (e) => {
    document.querySelectorAll("details.menu[open]").forEach((m) => { if (!m.contains(e.target)) m.open = false; });
  });

  /**
   * Follows batch progress live: a WebSocket on /ws/{orgId} (cookie-authenticated), and polling every
   * 2 s whenever the socket is not open (it may not exist, or the network may drop it).
   *   onEvent(message): {event, data} from the socket.
   *   poll(): refreshes from the JSON API; called every 2 s while the socket is down (every 10 s while it
   *           is open) as long as active() is true.
   *   active(): whether anything on the page can still change.
   */
  function follow({ batchId = null, onEvent, poll, active }) {
    let socket = null, timer = null, retryIn = 2000, stopped = false, open = false, ticks = 0;

    function tick() {
      // While the socket is open, a slow safety poll (every 10 s) still runs, in case an event was missed.
      ticks += 1;
      if (stopped || (open && ticks % 5)) return;
      if (active()) poll().catch(() => {});
    }
    function startPolling() { if (!timer) timer = window.setInterval(tick, 2000); }
    function connect() {
      if (stopped || !("WebSocket" in window)) { startPolling(); return; }
      const scheme = location.protocol === "https:" ? "wss" : "ws";
      const query = batchId ? `?batchId=${encodeURIComponent(batchId)}` : "";
      try {
        socket = new WebSocket(`${scheme}://${location.host}/ws/${encodeURIComponent(config.orgId)}${query}`);
      } catch (err) { startPolling(); return; }
      socket.addEventListener("open", () => { open = true; retryIn = 2000; poll().catch(() => {}); });
      socket.addEventListener("message", (e) => {
        let msg = null;
        try { msg = JSON.parse(e.data); } catch (err) { return; }
        if (msg && msg.event) onEvent(msg);
      });
      socket.addEventListener("close", () => {
        open = false; socket = null; startPolling();
        if (!stopped) { window.setTimeout(connect, retryIn); retryIn = Math.min(retryIn * 2, 30000); }
      });
    }
    startPolling();
    connect();
    return {
      stop() { stopped = true; if (timer) window.clearInterval(timer); if (socket) socket.close(); },
      get live() { return open; },
    };
  }

  /** Runs fn at most once per `wait` ms, trailing. */
  function debounce(fn, wait) {
    let t = null;
    return (...args) => { window.clearTimeout(t); t = window.setTimeout(() => fn(...args), wait); };
  }

  function projectName(id) {
    const p = config.projects.find((x) => x.id === id);
    return p ? p.name : (id || "–");
  }

  return { config, FINAL, FORMATS, api, el, announce, showError, hideError, fmtSize, fmtDate, defaultBatchName,
           statusText, badge, progressBlock, exportMenu, follow, debounce, projectName, messageOf, signInAgain,
           ApiFailure, csrf };
})();

/* Upload page: queue files (drag and drop or pick), check them in the page, send them with progress. */
"use strict";

(() => {
  const { config, el, announce, showError, hideError, fmtSize, defaultBatchName } = DB;
  const form = document.getElementById("upload-form");
  const input = document.getElementById("files");
  const zone = document.getElementById("dropzone");
  const queueList = document.getElementById("queue");
  const queueCount = document.getElementById("queue-count");
  const fileErrors = document.getElementById("file-errors");
  const uploadError = document.getElementById("upload-error");
  const progressBox = document.getElementById("upload-progress");
  const progressFill = progressBox.querySelector(".progress-fill");
  const progressBar = progressBox.querySelector(".progress");
  const progressText = document.getElementById("upload-progress-text");
  const button = document.getElementById("upload-button");
  const nameInput = document.getElementById("batch-name");
  const templateSelect = document.getElementById("template");
  const projectSelect = document.getElementById("project");
  const extensions = new Set(config.extensions);
  let queue = [];
  let sending = false;

  nameInput.placeholder = defaultBatchName();
  window.setInterval(() => { nameInput.placeholder = defaultBatchName(); }, 30000);

  // A template that belongs to one project can only be used in that project's batches.
  function syncTemplates() {
    const project = projectSelect.value;
    for (const option of templateSelect.options) {
      option.hidden = Boolean(option.dataset.project) && option.dataset.project !== project;
    }
    if (templateSelect.selectedOptions[0] && templateSelect.selectedOptions[0].hidden) {
      const first = [...templateSelect.options].find((o) => !o.hidden);
      if (first) templateSelect.value = first.value;
    }
  }
  projectSelect.addEventListener("change", syncTemplates);
  syncTemplates();

  function extensionOf(name) {
    const dot = name.lastIndexOf(".");
    return dot < 0 ? "" : name.slice(dot + 1).toLowerCase();
  }

  /** Why a file cannot be queued, or "" when it can. */
  function refusal(file) {
    const ext = extensionOf(file.name);
    if (!extensions.has(ext)) {
      return `${file.name}: unsupported type${ext ? ` (.${ext})` : ""}. Supported: PDF, JPG, PNG, WebP, BMP, TIFF, DOCX, TXT.`;
    }
    if (file.size > config.maxFileBytes) {
      return `${file.name} is ${fmtSize(file.size)}; the limit is ${config.maxFileMb} MB per file. Split or compress it.`;
    }
    if (file.size === 0) return `${file.name} is empty (0 bytes).`;
    return "";
  }

  function tooMany() {
    return queue.length > config.maxFiles
      ? `${queue.length} files are queued, but a batch holds at most ${config.maxFiles}. Remove ${queue.length - config.maxFiles} ` +
        `or split the files into several batches.`
      : "";
  }

  function addFiles(files) {
    hideError(uploadError);
    const problems = [];
    let added = 0;
    for (const file of files) {
      const why = refusal(file);
      if (why) { problems.push(why); continue; }
      if (queue.some((f) => f.name === file.name && f.size === file.size && f.lastModified === file.lastModified)) {
        problems.push(`${file.name} is already in the list.`);
        continue;
      }
      queue.push(file);
      added += 1;
    }
    const many = tooMany();
    if (many) problems.unshift(many);
    showProblems(problems);
    render();
    announce(`${added} file${added === 1 ? "" : "s"} added; ${queue.length} in the list.` + (problems.length ? ` ${problems.length} problem(s).` : ""));
  }

  function showProblems(problems) {
    if (!problems.length) { hideError(fileErrors); return; }
    fileErrors.replaceChildren(
      el("p", {}, el("strong", {}, problems.length === 1 ? "This was not added:" : "Please check:")),
      el("ul", {}, problems.map((p) => el("li", {}, p))));
    fileErrors.hidden = false;
  }

  function render() {
    const total = queue.reduce((sum, f) => sum + f.size, 0);
    queueCount.textContent = queue.length ? `(${queue.length} of at most ${config.maxFiles}, ${fmtSize(total)})` : "(none yet)";
    queueList.replaceChildren(...queue.map((file, index) => el("li", {},
      el("span", { class: "name" }, file.name),
      el("span", { class: "size" }, fmtSize(file.size)),
      el("button", { type: "button", "aria-label": `Remove ${file.name}`, onclick: () => remove(index) }, "Remove"))));
  }

  function remove(index) {
    const [file] = queue.splice(index, 1);
    render();
    const many = tooMany();
    if (many) showProblems([many]); else hideError(fileErrors);
    announce(`${file.name} removed; ${queue.length} file${queue.length === 1 ? "" : "s"} left.`);
    const buttons = queueList.querySelectorAll("button");
    (buttons[Math.min(index, buttons.length - 1)] || input).focus();
  }

  input.addEventListener("change", () => { addFiles([...input.files]); input.value = ""; });
  ["dragenter", "dragover"].forEach((type) => zone.addEventListener(type, (e) => {
    e.preventDefault(); zone.classList.add("dragging");
  }));
  ["dragleave", "drop"].forEach((type) => zone.addEventListener(type, (e) => {
    e.preventDefault(); zone.classList.remove("dragging");
  }));
  zone.addEventListener("drop", (e) => addFiles([...(e.dataTransfer ? e.dataTransfer.files : [])]));
  // Dropping next to the zone must not make the browser open the file and leave the page.
  window.addEventListener("dragover", (e) => e.preventDefault());
  window.addEventListener("drop", (e) => e.preventDefault());

  function setProgress(pct, text) {
    progressBox.hidden = false;
    progressFill.style.width = `${pct}%`;
    progressBar.setAttribute("aria-valuenow", String(pct));
    progressText.textContent = text;
  }

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (sending) return;
    hideError(uploadError);
    const problems = [];
    if (!queue.length) problems.push("Add at least one file to upload.");
    const many = tooMany();
    if (many) problems.push(many);
    if (!templateSelect.value) problems.push("Choose a template.");
    if (!projectSelect.value) problems.push("Choose a project.");
    if (problems.length) {
      showError(uploadError, "Nothing was uploaded. " + problems.join(" "));
      uploadError.setAttribute("tabindex", "-1");
      uploadError.focus();
      return;
    }
    send();
  });

  function send() {
    const data = new FormData();
    queue.forEach((file) => data.append("files", file, file.name));
    data.append("projectId", projectSelect.value);
    data.append("templateId", templateSelect.value);
    // The default shown as the placeholder is in local time; the server's own default would be UTC.
    data.append("name", nameInput.value.trim() || nameInput.placeholder);

    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/batch/${encodeURIComponent(config.orgId)}/upload`);
    xhr.setRequestHeader("X-CSRF-Token", DB.csrf());
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", (ev) => {
      if (!ev.lengthComputable) return;
      const pct = Math.round((ev.loaded / ev.total) * 100);
      setProgress(pct, `Uploading… ${pct}% (${fmtSize(ev.loaded)} of ${fmtSize(ev.total)})`);
    });
    xhr.upload.addEventListener("load", () => setProgress(100, "Upload complete; the server is storing the files…"));
    xhr.addEventListener("load", () => {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch (err) { body = null; }
      if (xhr.status === 201 && body && body.id) {
        setProgress(100, `Batch “${body.name}” created with ${body.totalFiles} files. Opening it…`);
        announce("Upload complete. Opening the batch.");
        location.assign(`/ui/batches/${encodeURIComponent(body.id)}?uploaded=1`);
        return;
      }
      if (xhr.status === 401) { DB.signInAgain(); return; }
      failed(DB.messageOf(body) || `The server answered ${xhr.status}.`);
    });
    xhr.addEventListener("error", () => failed("The connection was lost during the upload. Check Processing History before trying again."));
    xhr.addEventListener("abort", () => failed("The upload was cancelled."));
    sending = true;
    button.disabled = true;
    button.textContent = "Uploading…";
    setProgress(0, "Starting the upload…");
    xhr.send(data);
  }

  function failed(message) {
    sending = false;
    button.disabled = false;
    button.textContent = "Upload Batch";
    progressBox.hidden = true;
    showError(uploadError, `The upload failed: ${message}`);
    uploadError.setAttribute("tabindex", "-1");
    uploadError.focus();
  }

  render();
})();

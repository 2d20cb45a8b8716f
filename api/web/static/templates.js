/* Templates: list, create and edit (field list kept in step with the raw JSON Schema), test on a sample. */
"use strict";

(() => {
  const { config, el, api, announce, showError, hideError, projectName } = DB;
  const org = encodeURIComponent(config.orgId);
  const canWrite = config.permissions.includes("write");
  const list = document.getElementById("template-list");
  const listError = document.getElementById("templates-error");
  const editor = document.getElementById("editor");
  const form = document.getElementById("template-form");
  const rows = document.getElementById("field-rows");
  const schemaBox = document.getElementById("t-schema");
  const editorError = document.getElementById("editor-error");
  const builtinNote = document.getElementById("builtin-note");
  const deleteButton = document.getElementById("delete-template");
  const TYPES = [["string", "Text"], ["number", "Number"], ["integer", "Whole number"], ["date", "Date"],
                 ["boolean", "Yes / no"], ["array", "List (edit in JSON)"], ["object", "Group (edit in JSON)"]];
  let templates = [];
  let current = null; // the template being edited (null: a new one)
  let fields = [];    // [{name, prop}] in order; prop is the JSON Schema of the field
  let uid = 0;

  async function loadList() {
    templates = await api("GET", `/templates/${org}`);
    list.replaceChildren(el("div", { class: "table-wrap" }, el("table", { class: "responsive templates" },
      el("caption", { class: "visually-hidden" }, "Templates"),
      el("thead", {}, el("tr", {}, ["Name", "Description", "Fields", "Project", "Kind", ""].map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, templates.map((t) => el("tr", { dataset: { templateId: t.id } },
        el("td", { "data-label": "Name" }, el("strong", {}, t.name)),
        el("td", { "data-label": "Description" }, t.description || "–"),
        el("td", { "data-label": "Fields" }, String(Object.keys((t.templateSchema || {}).properties || {}).length)),
        el("td", { "data-label": "Project" }, t.projectId ? projectName(t.projectId) : "All projects"),
        el("td", { "data-label": "Kind" }, t.builtin ? "Built-in" : "Custom"),
        el("td", { "data-label": "" }, el("button", { type: "button", "aria-label": `${t.builtin || !canWrite ? "View" : "Edit"} template ${t.name}`,
          onclick: () => open(t) }, t.builtin || !canWrite ? "View" : "Edit"))))))));
  }

  function typeOf(prop) {
    if (prop.type === "string" && prop.format === "date") return "date";
    return prop.type || "string";
  }

  function setType(prop, type) {
    const next = { ...prop };
    delete next.format;
    if (type === "date") { next.type = "string"; next.format = "date"; }
    else next.type = type;
    if (type === "array" && !next.items) next.items = { type: "string" };
    if (type !== "array") delete next.items;
    if (type === "object" && !next.properties) next.properties = {};
    if (type !== "object") delete next.properties;
    return next;
  }

  function schemaFromFields() {
    const properties = {};
    for (const f of fields) if (f.name.trim()) properties[f.name.trim()] = f.prop;
    return { ...(current && current.templateSchema ? current.templateSchema : {}), type: "object", properties };
  }

  function syncJson() { schemaBox.value = JSON.stringify(schemaFromFields(), null, 2); }

  function renderFields(focusIndex) {
    const readOnly = Boolean(current && current.builtin) || !canWrite;
    rows.replaceChildren(...fields.map((f, i) => {
      const n = ++uid;
      const name = el("input", { id: `f-name-${n}`, value: f.name, required: true, disabled: readOnly, class: "mono" });
      name.addEventListener("input", () => { f.name = name.value; syncJson(); });
      const type = el("select", { id: `f-type-${n}`, disabled: readOnly },
        TYPES.map(([v, label]) => el("option", { value: v, selected: typeOf(f.prop) === v }, label)));
      type.addEventListener("change", () => { f.prop = setType(f.prop, type.value); syncJson(); });
      const instruction = el("input", { id: `f-desc-${n}`, value: f.prop.description || "", disabled: readOnly });
      instruction.addEventListener("input", () => { f.prop = { ...f.prop, description: instruction.value }; syncJson(); });
      // review (issue 14): below this confidence a completed file needs a person's look
      const threshold = f.prop["x-review-threshold"];
      const review = el("input", { id: `f-review-${n}`, type: "number", min: "0", max: "100", step: "1", disabled: readOnly,
        placeholder: "default", value: typeof threshold === "number" ? String(Math.round(threshold * 100)) : "" });
      review.addEventListener("input", () => {
        const next = { ...f.prop };
        if (review.value === "") delete next["x-review-threshold"];
        else next["x-review-threshold"] = Math.max(0, Math.min(100, Number(review.value))) / 100;
        f.prop = next;
        syncJson();
      });
      const remove = el("button", { type: "button", disabled: readOnly, "aria-label": `Remove field ${f.name || i + 1}`,
        onclick: () => { fields.splice(i, 1); renderFields(Math.min(i, fields.length - 1)); syncJson(); } }, "Remove");
      return el("li", { class: "field-row" },
        el("div", { class: "field" }, el("label", { for: `f-name-${n}` }, "Field name"), name),
        el("div", { class: "field" }, el("label", { for: `f-type-${n}` }, "Type"), type),
        el("div", { class: "field" }, el("label", { for: `f-desc-${n}` }, "Instruction"), instruction),
        el("div", { class: "field" }, el("label", { for: `f-review-${n}` }, "Review below %"), review),
        el("div", {}, remove));
    }));
    if (focusIndex !== undefined && focusIndex >= 0) {
      const input = rows.querySelectorAll("li")[focusIndex];
      if (input) input.querySelector("input").focus();
    }
  }

  function open(t) {
    current = t;
    hideError(editorError);
    const readOnly = Boolean(t && t.builtin) || !canWrite;
    document.getElementById("editor-title").textContent = t ? (readOnly ? `Template ${t.name}` : `Edit template ${t.name}`) : "New template";
    form.elements.name.value = t ? t.name : "";
    form.elements.description.value = t ? t.description || "" : "";
    form.elements.instructions.value = t ? t.instructions || "" : "";
    form.elements.projectId.value = t && t.projectId ? t.projectId : "";
    for (const name of ["name", "description", "instructions", "projectId"]) form.elements[name].disabled = readOnly;
    schemaBox.readOnly = readOnly;
    const props = t ? (t.templateSchema || {}).properties || {} : { invoice_number: { type: "string", description: "Invoice number" } };
    fields = Object.entries(props).map(([name, prop]) => ({ name, prop }));
    builtinNote.hidden = !(t && t.builtin);
    deleteButton.hidden = !t || t.builtin || !config.permissions.includes("admin");
    document.getElementById("save-template").hidden = readOnly;
    document.getElementById("add-field").hidden = readOnly;
    document.getElementById("apply-json").hidden = readOnly;
    renderFields();
    syncJson();
    document.getElementById("test-result").replaceChildren();
    document.getElementById("test-status").textContent = "";
    editor.hidden = false;
    document.dispatchEvent(new CustomEvent("template-opened", { detail: t })); // template-models.js
    editor.scrollIntoView({ block: "start" });
    form.elements.name.focus();
  }

  document.getElementById("new-template").addEventListener("click", () => open(null));
  if (!canWrite) document.getElementById("new-template").hidden = true;
  document.getElementById("close-editor").addEventListener("click", () => { editor.hidden = true; document.getElementById("new-template").focus(); });
  document.getElementById("add-field").addEventListener("click", () => {
    fields.push({ name: "", prop: { type: "string", description: "" } });
    renderFields(fields.length - 1);
    syncJson();
  });
  document.getElementById("apply-json").addEventListener("click", () => {
    hideError(editorError);
    try {
      const schema = JSON.parse(schemaBox.value);
      if (!schema || typeof schema !== "object" || typeof schema.properties !== "object") throw new Error("it needs a \"properties\" object");
      fields = Object.entries(schema.properties).map(([name, prop]) => ({ name, prop }));
      if (current) current = { ...current, templateSchema: schema };
      renderFields();
      syncJson();
      announce(`${fields.length} fields taken from the JSON Schema.`);
    } catch (err) {
      showError(editorError, `The JSON Schema cannot be used: ${err.message}.`);
    }
  });
  document.getElementById("copy-template").addEventListener("click", () => {
    const copy = { ...current, id: null, builtin: false, name: `${current.name} (copy)` };
    open(null);
    current = { templateSchema: copy.templateSchema };
    form.elements.name.value = copy.name;
    form.elements.description.value = copy.description || "";
    form.elements.instructions.value = copy.instructions || "";
    fields = Object.entries(copy.templateSchema.properties || {}).map(([name, prop]) => ({ name, prop }));
    renderFields();
    syncJson();
  });

  function body() {
    return {
      name: form.elements.name.value.trim(),
      description: form.elements.description.value.trim(),
      instructions: form.elements.instructions.value.trim(),
      projectId: form.elements.projectId.value || null,
      templateSchema: schemaFromFields(),
      engine: (current && current.engine) || { mode: "local" },
    };
  }

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    hideError(editorError);
    const data = body();
    const problems = [];
    if (!data.name) problems.push("Give the template a name.");
    if (!fields.length) problems.push("Add at least one field.");
    if (fields.some((f) => !f.name.trim())) problems.push("Every field needs a name.");
    const names = fields.map((f) => f.name.trim());
    if (new Set(names).size !== names.length) problems.push("Two fields have the same name.");
    if (problems.length) { showError(editorError, problems.join(" ")); return; }
    try {
      const saved = current && current.id
        ? await api("PUT", `/templates/${org}/${encodeURIComponent(current.id)}`, data)
        : await api("POST", `/templates/${org}`, data);
      current = saved;
      announce(`Template ${saved.name} saved.`);
      document.getElementById("editor-title").textContent = `Edit template ${saved.name}`;
      deleteButton.hidden = !config.permissions.includes("admin");
      await loadList();
      document.getElementById("test-status").textContent = `Saved “${saved.name}”.`;
    } catch (err) {
      showError(editorError, `The template was not saved: ${err.message}`);
    }
  });

  deleteButton.addEventListener("click", async () => {
    if (!current || !current.id || !window.confirm(`Delete the template “${current.name}”? Batches made with it keep their results.`)) return;
    try {
      await api("DELETE", `/templates/${org}/${encodeURIComponent(current.id)}`);
      announce(`Template ${current.name} deleted.`);
      editor.hidden = true;
      await loadList();
    } catch (err) { showError(editorError, `The template was not deleted: ${err.message}`); }
  });

  document.getElementById("run-test").addEventListener("click", async () => {
    const status = document.getElementById("test-status");
    const out = document.getElementById("test-result");
    const file = document.getElementById("test-file").files[0];
    out.replaceChildren();
    if (!file) { status.textContent = "Choose a sample file first."; return; }
    const data = new FormData();
    const b = body();
    data.append("file", file, file.name);
    data.append("templateSchema", JSON.stringify(b.templateSchema));
    data.append("name", b.name || "test");
    data.append("instructions", b.instructions);
    data.append("engine", JSON.stringify(b.engine));
    status.textContent = `Testing on ${file.name}…`;
    try {
      const result = await api("POST", "/ui/templates/test", data);
      const found = Object.keys(result.fields).length - result.missing.length;
      status.textContent = `Found ${found} of ${Object.keys(result.fields).length} fields in ${result.fileName} (${result.pages} page${result.pages === 1 ? "" : "s"}, engine ${result.engine}).`;
      out.replaceChildren(el("div", { class: "table-wrap" }, el("table", { class: "responsive test-fields" },
        el("caption", { class: "visually-hidden" }, "Fields found in the sample"),
        el("thead", {}, el("tr", {}, ["Field", "Value", "Confidence", "Page"].map((h) => el("th", { scope: "col" }, h)))),
        el("tbody", {}, Object.entries(result.fields).map(([name, value]) => {
          const d = result.details[name] || {};
          const shown = value === null || value === undefined || value === "" ? el("span", { class: "muted" }, "not found")
            : typeof value === "object" ? JSON.stringify(value) : String(value);
          return el("tr", { dataset: { field: name } }, el("td", { "data-label": "Field" }, name), el("td", { "data-label": "Value" }, shown),
            el("td", { "data-label": "Confidence" }, d.confidence !== undefined ? `${Math.round(d.confidence * 100)}%` : "–"),
            el("td", { "data-label": "Page" }, d.page ? String(d.page) : "–"));
        })))));
    } catch (err) {
      status.textContent = "";
      out.replaceChildren(el("p", { class: "notice notice-error", role: "alert" }, `The test failed: ${err.message}`));
    }
  });

  loadList().catch((err) => showError(listError, `The templates could not be loaded: ${err.message}`));
})();

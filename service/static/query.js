// casegraph's query page: an editor, the named queries as examples, and a results table.
// Everything is built with textContent, so nothing in a result can become markup.
"use strict";

const form = document.getElementById("query-form");
const textarea = document.getElementById("query");
const statusLine = document.getElementById("status");
const results = document.getElementById("results");
const base = form.dataset.base;
const editor = window.CodeMirror
  ? window.CodeMirror.fromTextArea(textarea, { mode: "sparql", lineNumbers: true, viewportMargin: Infinity })
  : null;

function getQuery() { return editor ? editor.getValue() : textarea.value; }
function setQuery(text) { if (editor) { editor.setValue(text); } else { textarea.value = text; } }

function element(tag, text, attributes = {}) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

function cell(term) {
  const td = element("td");
  if (!term) return td;
  if (term.type === "uri") {
    const local = term.value.startsWith(base) ? "/" + term.value.slice(base.length) : term.value;
    td.appendChild(element("a", term.value, { href: local }));
  } else {
    td.textContent = term.value;
    if (term["xml:lang"]) td.setAttribute("lang", term["xml:lang"]);
  }
  return td;
}

function showTable(data) {
  const table = element("table", undefined, { class: "results" });
  const head = table.createTHead().insertRow();
  for (const variable of data.head.vars) head.appendChild(element("th", variable));
  const body = table.createTBody();
  for (const binding of data.results.bindings) {
    const row = body.insertRow();
    for (const variable of data.head.vars) row.appendChild(cell(binding[variable]));
  }
  results.replaceChildren(table);
  statusLine.textContent = `${data.results.bindings.length} row${data.results.bindings.length === 1 ? "" : "s"}`;
}

async function run(event) {
  if (event) event.preventDefault();
  statusLine.textContent = "Running…";
  results.replaceChildren();
  const response = await fetch("/sparql", {
    method: "POST",
    headers: { "Content-Type": "application/sparql-query",
               "Accept": "application/sparql-results+json, text/turtle;q=0.9" },
    body: getQuery(),
  });
  const type = response.headers.get("content-type") || "";
  if (!response.ok) {
    statusLine.textContent = `Error ${response.status}`;
    results.replaceChildren(element("pre", await response.text(), { class: "error" }));
  } else if (type.startsWith("text/turtle")) {
    statusLine.textContent = "Graph";
    results.replaceChildren(element("pre", await response.text()));
  } else {
    const data = await response.json();
    if ("boolean" in data) { statusLine.textContent = "Answer"; results.replaceChildren(element("p", String(data.boolean))); }
    else showTable(data);
  }
}

async function loadExamples() {
  const list = document.getElementById("examples");
  const queries = await (await fetch("/queries")).json();
  for (const query of queries) {
    const button = element("button", query.title, { type: "button", title: query.description });
    button.addEventListener("click", () => { setQuery(query.sparql); run(); });
    list.appendChild(button);
  }
}

form.addEventListener("submit", run);
loadExamples();
const params = new URLSearchParams(window.location.search);
if (params.has("query")) setQuery(params.get("query"));
if (params.has("run")) run();

// The network explorer: draws an ego network with Cytoscape.js (from npm, served locally), expands it
// on click, filters by link kind, explains each link on hover, and downloads what is shown.
"use strict";

const root = document.getElementById("explorer");
const statusLine = document.getElementById("status");
const expanded = new Set();
let cy = null;

function egoUrl(nodes, depth, format) {
  const params = new URLSearchParams();
  nodes.forEach((node) => params.append("node", node));
  params.set("depth", depth);
  params.set("format", format);
  return `/graph/ego?${params}`;
}

async function expand(node, depth) {
  const response = await fetch(egoUrl([node], depth, "cytoscape"));
  if (!response.ok) { statusLine.textContent = await response.text(); return; }
  const network = await response.json();
  const fresh = [...network.elements.nodes, ...network.elements.edges].filter((el) => cy.getElementById(el.data.id).empty());
  cy.add(fresh);
  expanded.add(node);
  cy.getElementById(node).addClass("expanded");
  applyFilter();
  cy.layout({ name: "cose", animate: false, randomize: false, nodeDimensionsIncludeLabels: true }).run();
  document.getElementById("download-graphml").href = egoUrl([...expanded], 1, "graphml");
  statusLine.textContent = `${cy.nodes().length} nodes, ${cy.edges().length} links`;
}

function applyFilter() {
  const shown = new Set([...document.querySelectorAll("#kinds input:checked")].map((box) => box.value));
  cy.edges().forEach((edge) => edge.style("display", shown.has(edge.data("kind")) ? "element" : "none"));
}

function explain(edge) {
  const sources = edge.data("sources").map((s) => s.split("/").pop()).join(", ");
  const via = edge.data("via_label") ? ` through “${edge.data("via_label")}”` : "";
  const ends = `${cy.getElementById(edge.data("subject")).data("label")} → ${cy.getElementById(edge.data("object")).data("label")}`;
  return `${ends}: ${edge.data("label")}${via}. Source: ${sources}`;
}

function showTip(event, text) {
  const tip = document.getElementById("tip");
  tip.textContent = text;
  tip.hidden = false;
  tip.style.left = `${event.renderedPosition.x + 280}px`;
  tip.style.top = `${event.renderedPosition.y}px`;
}

function svgOf() {
  // Cytoscape.js draws on a canvas; this writes the same picture as SVG from the laid-out positions.
  const box = cy.elements().boundingBox();
  const esc = (text) => String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
  const lines = cy.edges(":visible").map((e) => {
    const a = e.source().position(); const b = e.target().position();
    return `<line x1="${a.x}" y1="${a.y}" x2="${b.x}" y2="${b.y}" stroke="#999"><title>${esc(explain(e))}</title></line>`;
  });
  const dots = cy.nodes().map((n) => {
    const p = n.position();
    return `<circle cx="${p.x}" cy="${p.y}" r="10" fill="${n.style("background-color")}"/>` +
      `<text x="${p.x}" y="${p.y + 22}" font-size="9" text-anchor="middle">${esc(n.data("label"))}</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="${box.x1 - 40} ${box.y1 - 40} ${box.w + 80} ${box.h + 80}">` +
    `${lines.join("")}${dots.join("")}</svg>`;
}

async function search(text) {
  const hits = document.getElementById("add-hits");
  hits.replaceChildren();
  if (!text.trim()) return;
  const response = await fetch(`/search?${new URLSearchParams({ q: text, format: "json" })}`);
  for (const hit of (await response.json()).results.slice(0, 8)) {
    const item = document.createElement("li");
    item.textContent = hit.name;
    item.addEventListener("click", () => { hits.replaceChildren(); expand(hit.iri, 1); });
    hits.append(item);
  }
}

function start() {
  if (!window.cytoscape) return;
  cy = window.cytoscape({
    container: document.getElementById("canvas"),
    style: [
      { selector: "node", style: { label: "data(label)", "font-size": 9, "text-wrap": "wrap", "text-max-width": 160,
                                   "text-valign": "bottom", width: 18, height: 18, "background-color": "#7a8ca3" } },
      { selector: 'node[class = "Person"], node[class = "UnidentifiedPerson"]', style: { "background-color": "#0b5cad" } },
      { selector: 'node[class = "Court"], node[class = "DetentionFacility"]', style: { "background-color": "#8a4b00" } },
      { selector: "node.expanded", style: { "border-width": 3, "border-color": "#1d1d1f" } },
      { selector: "edge", style: { width: 1.5, "line-color": "#b0b0b8", "curve-style": "bezier" } },
    ],
  });
  window.explorer = { cy, expand };  // for the browser tests and the console
  cy.on("tap", "node", (event) => expand(event.target.id(), 1));
  cy.on("mouseover", "edge", (event) => showTip(event, explain(event.target)));
  cy.on("mouseout", "edge", () => { document.getElementById("tip").hidden = true; });
  document.getElementById("kinds").addEventListener("change", applyFilter);
  document.getElementById("add-q").addEventListener("input", (event) => search(event.target.value));
  document.getElementById("add-node").addEventListener("submit", (event) => event.preventDefault());
  document.getElementById("download-png").addEventListener("click", (event) => {
    event.currentTarget.href = cy.png({ full: true, scale: 2, bg: "#ffffff" });
  });
  document.getElementById("download-svg").addEventListener("click", (event) => {
    event.currentTarget.href = URL.createObjectURL(new Blob([svgOf()], { type: "image/svg+xml" }));
  });
  expand(root.dataset.node, Number(root.dataset.depth));
}

window.addEventListener("DOMContentLoaded", start);

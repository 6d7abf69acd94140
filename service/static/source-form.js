// The case form: records added from the shapes' templates, more values per field, dates that say their
// precision, and references found by searching the graph (or among this document's own records).
(function () {
  "use strict";
  const form = document.getElementById("source-form");
  if (!form) return;
  const records = document.getElementById("records");

  function nextKey() {
    const used = Array.from(form.querySelectorAll("fieldset.record[data-key^='r']"))
      .map((f) => parseInt(f.dataset.key.slice(1), 10));
    return "r" + (used.length ? Math.max(...used) + 1 : 0);
  }

  document.getElementById("add-record").addEventListener("click", () => {
    const cls = document.getElementById("new-kind").value;
    const template = Array.from(document.querySelectorAll("template")).find((t) => t.dataset.class === cls);
    const key = nextKey();
    const holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.split("__KEY__").join(key);
    const block = holder.firstElementChild;
    records.appendChild(block);
    block.querySelector(".record-name").focus();
  });

  const PRECISION = [[/^\d{4}$/, "year"], [/^\d{4}-\d{2}$/, "year and month"], [/^\d{4}-\d{2}-\d{2}$/, "full date"]];
  function showPrecision(input) {
    const found = PRECISION.find(([pattern]) => pattern.test(input.value.trim()));
    const output = input.parentElement.querySelector(".precision");
    output.textContent = input.value.trim() === "" ? "" : found ? found[1] : "write 2009, 2009-07 or 2009-07-14";
  }

  function ownRecords(text) {
    const wanted = text.toLowerCase();
    return Array.from(form.querySelectorAll("fieldset.record[data-key^='r']"))
      .map((f) => ({ value: f.dataset.key, name: f.querySelector(".record-name").value,
                     kind: f.querySelector("legend").textContent + " (in this document)" }))
      .filter((r) => r.name && r.name.toLowerCase().includes(wanted));
  }

  const pending = new WeakMap();
  function search(input) {
    clearTimeout(pending.get(input));
    pending.set(input, setTimeout(async () => {
      const text = input.value.trim();
      const list = input.parentElement.querySelector(".suggestions");
      input.parentElement.querySelector(".ref-value").value = "";
      if (!text) { list.hidden = true; return; }
      let found = ownRecords(text);
      const answer = await fetch("/search?format=json&q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } });
      if (answer.ok) {
        found = found.concat((await answer.json()).results.map((h) => ({ value: h.iri, name: h.name, kind: h.kind })));
      }
      list.replaceChildren(...found.slice(0, 12).map((hit) => {
        const item = document.createElement("li");
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = hit.name + " · " + hit.kind;
        button.dataset.value = hit.value;
        button.dataset.name = hit.name;
        item.appendChild(button);
        return item;
      }));
      list.hidden = found.length === 0;
    }, 200));
  }

  form.addEventListener("input", (event) => {
    const target = event.target;
    if (target.classList.contains("date")) showPrecision(target);
    if (target.classList.contains("ref-label")) search(target);
  });

  form.addEventListener("click", (event) => {
    const target = event.target;
    if (target.closest(".suggestions") && target.dataset.value) {
      const reference = target.closest(".reference");
      reference.querySelector(".ref-value").value = target.dataset.value;
      reference.querySelector(".ref-label").value = target.dataset.name;
      reference.querySelector(".suggestions").hidden = true;
    } else if (target.classList.contains("another")) {
      const values = target.parentElement.querySelector(".values");
      const copy = values.lastElementChild.cloneNode(true);
      copy.querySelectorAll("input").forEach((i) => { i.value = ""; });
      copy.querySelectorAll("select").forEach((s) => { s.selectedIndex = 0; });
      copy.querySelectorAll(".suggestions").forEach((l) => { l.replaceChildren(); l.hidden = true; });
      values.appendChild(copy);
    } else if (target.classList.contains("remove")) {
      target.closest("fieldset.record").remove();
    }
  });

  form.querySelectorAll("input.date").forEach(showPrecision);
})();

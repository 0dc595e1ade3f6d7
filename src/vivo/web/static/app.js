// vivo serve: sortable and filterable tables, live job progress. No framework, no network but
// this server's own API; user text is only ever inserted with textContent.
"use strict";

function cellValue(td) {
  const t = td.textContent.trim();
  const n = Number(t.replace(/,/g, ""));
  return t !== "" && !Number.isNaN(n) ? n : t.toLowerCase();
}

function makeSortable(table) {
  const heads = table.tHead ? table.tHead.rows[0].cells : [];
  Array.from(heads).forEach((th, i) => {
    th.addEventListener("click", () => {
      const asc = th.getAttribute("aria-sort") !== "ascending";
      Array.from(heads).forEach((h) => h.removeAttribute("aria-sort"));
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      const body = table.tBodies[0];
      const rows = Array.from(body.rows);
      rows.sort((a, b) => {
        const x = cellValue(a.cells[i]), y = cellValue(b.cells[i]);
        if (x === y) return 0;
        if (typeof x === typeof y) return (x < y ? -1 : 1) * (asc ? 1 : -1);
        return (typeof x === "number" ? -1 : 1) * (asc ? 1 : -1);
      });
      rows.forEach((r) => body.appendChild(r));
    });
  });
}

function makeFilter(input) {
  const table = document.getElementById(input.dataset.table);
  if (!table) return;
  input.addEventListener("input", () => {
    const q = input.value.trim().toLowerCase();
    Array.from(table.tBodies[0].rows).forEach((r) => {
      r.hidden = q !== "" && !r.textContent.toLowerCase().includes(q);
    });
  });
}

function pollJob(box) {
  const id = box.dataset.job;
  let seen = -1;
  const tick = async () => {
    let data;
    try {
      const r = await fetch("/api/jobs/" + encodeURIComponent(id), { headers: { Accept: "application/json" } });
      if (!r.ok) return setTimeout(tick, 2000);
      data = await r.json();
    } catch (e) {
      return setTimeout(tick, 2000);
    }
    const status = document.getElementById("job-status");
    if (status) status.textContent = data.status;
    const p = data.progress || {};
    const bar = document.getElementById("job-progress");
    if (bar && p.total) { bar.max = p.total; bar.value = p.done; }
    const text = document.getElementById("job-progress-text");
    if (text && p.what) {
      text.textContent = p.what + (p.total > 1 ? " (" + p.done + "/" + p.total + " " + (p.unit || "") + ")" : "");
    }
    const done = data.partial ? data.partial.done : -1;
    if (["done", "failed", "cancelled"].includes(data.status) || (seen >= 0 && done !== seen)) {
      window.location.reload();
      return;
    }
    seen = done;
    setTimeout(tick, 500);
  };
  setTimeout(tick, 300);
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("table.sortable").forEach(makeSortable);
  document.querySelectorAll("input.filter").forEach(makeFilter);
  document.querySelectorAll("form").forEach((f) => {
    f.addEventListener("submit", () => {
      const b = f.querySelector("button[type=submit]");
      if (b && f.method.toLowerCase() === "post") { setTimeout(() => { b.disabled = true; }, 0); }
    });
  });
  const box = document.getElementById("job");
  if (box && !["done", "failed", "cancelled"].includes(box.dataset.status)) pollJob(box);
});

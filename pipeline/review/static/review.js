/* nianbao review: keyboard-driven checking of a run. No dependencies, no network beyond this server. */
"use strict";
const Review = (() => {
  const $ = (s, el = document) => el.querySelector(s);
  const $$ = (s, el = document) => Array.from(el.querySelectorAll(s));
  const typing = (e) => ["INPUT", "SELECT", "TEXTAREA"].includes(e.target.tagName);

  function toast(text) {
    const t = $("#toast");
    t.textContent = text;
    t.classList.add("show");
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => t.classList.remove("show"), 2500);
  }

  async function post(url, body) {
    const r = await fetch(url, {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)});
    const j = await r.json();
    if (!r.ok || !j.ok) throw new Error(j.error || r.statusText);
    return j;
  }

  function moveRows(rows, sel, step) {
    let i = rows.findIndex((r) => r.classList.contains("sel"));
    i = Math.max(0, Math.min(rows.length - 1, i < 0 ? 0 : i + step));
    rows.forEach((r) => r.classList.remove("sel"));
    if (rows[i]) { rows[i].classList.add("sel"); rows[i].scrollIntoView({block: "nearest"}); }
    return rows[i];
  }

  function listPage() {
    const rows = $$("#reports tbody tr");
    rows.forEach((r) => r.addEventListener("click", (e) => { if (!e.target.closest("a")) location.href = r.dataset.href; }));
    moveRows(rows, null, 0);
    document.addEventListener("keydown", (e) => {
      if (typing(e)) return;
      if (e.key === "j" || e.key === "ArrowDown") { moveRows(rows, null, 1); e.preventDefault(); }
      else if (e.key === "k" || e.key === "ArrowUp") { moveRows(rows, null, -1); e.preventDefault(); }
      else if (e.key === "Enter") { const r = $("#reports tr.sel"); if (r) location.href = r.dataset.href; }
    });
  }

  function reportPage(data) {
    const base = location.pathname;
    let current = null;
    const cellEl = (f) => $(`td.cell[data-f="${CSS.escape(f)}"]`);

    function showImage(fields, page) {
      const box = $("#ev-image");
      box.innerHTML = "";
      if (!data.has_pages || !page) return;
      const img = document.createElement("img");
      img.alt = `page ${page} with ${fields.join(", ")}`;
      img.id = "ev-crop";
      img.src = `${base}/page/${page}.png?crop=1&f=${encodeURIComponent(fields.join(","))}`;
      box.appendChild(img);
      $("#ev-full").href = `${base}/page/${page}.png?f=${encodeURIComponent(fields.join(","))}`;
    }

    async function select(f) {
      current = f;
      $$("td.cell.sel").forEach((el) => el.classList.remove("sel"));
      const el = cellEl(f);
      if (el) { el.classList.add("sel"); el.scrollIntoView({block: "nearest", inline: "nearest"}); }
      const c = data.cells[f] || {status: "absent"};
      $("#evidence").hidden = false;
      $("#ev-title").textContent = `${data.labels[f] || f}`;
      const prev = c.previous ? ` · was ${c.previous.value} (${c.previous.status})` : "";
      const cand = c.candidates && c.candidates.length ? ` · readings ${JSON.stringify(c.candidates)}` : "";
      const conf = c.confidence != null ? ` · OCR confidence ${c.confidence}` : "";
      const fails = data.failing[f] ? ` · fails ${data.failing[f].join(", ")}` : "";
      $("#ev-meta").textContent = `${f} = ${data.fields[f]} · ${c.status}${c.confirmed ? " (confirmed)" : ""}${prev}${cand}${conf}${fails}` +
        (c.page ? ` · page ${c.page}` : "");
      $("#ev-value").value = data.fields[f] == null ? "" : data.fields[f];
      $("#ev-note").value = "";
      $("#ev-lines").href = `${base}/lines/${c.page || 1}`;
      showImage([f], c.page);
      $("#ev-text").textContent = "";
      if (!data.has_pages || !c.box) {
        const r = await fetch(`${base}/text?f=${encodeURIComponent(f)}`);
        const j = await r.json();
        const w = j.window, p = $("#ev-text");
        p.textContent = "";
        if (w) {
          p.append(document.createTextNode(w.before));
          const m = document.createElement("mark"); m.textContent = w.hit; p.append(m);
          p.append(document.createTextNode(w.after));
        } else if (j.text) { p.textContent = `read: ${j.text}`; }
      }
      history.replaceState(null, "", `${base}#f=${f}`);
    }

    function step(dir) {
      const list = data.doubtful.length ? data.doubtful : Object.keys(data.fields);
      let i = list.indexOf(current);
      i = i < 0 ? (dir > 0 ? 0 : list.length - 1) : (i + dir + list.length) % list.length;
      select(list[i]);
    }

    function nextOf(f) {
      const list = data.doubtful.filter((x) => x !== f);
      const after = data.doubtful.indexOf(f);
      return after >= 0 && after < data.doubtful.length - 1 ? data.doubtful[after + 1] : (list[0] || f);
    }

    async function save(value) {
      if (!current) return;
      try {
        await post("/api/cell", {sha256: data.sha256, field: current, value: value, note: $("#ev-note").value});
        toast(`${current}: ${value === "" ? "null" : value} saved`);
        location.replace(`${base}?f=${encodeURIComponent(nextOf(current))}`);  // on to the next doubtful cell
      } catch (err) { toast(`not saved: ${err.message}`); }
    }

    async function mark(li) {
      try {
        await post("/api/check", {sha256: data.sha256, rule: li.dataset.rule, where: li.dataset.where, note: ""});
        toast(`${li.dataset.key} marked as printed in the report`);
        location.reload();
      } catch (err) { toast(`not saved: ${err.message}`); }
    }

    function showCheck(li) {
      $$("li.check.sel").forEach((x) => x.classList.remove("sel"));
      li.classList.add("sel");
      const fields = li.dataset.fields.split(",").filter(Boolean);
      if (!fields.length) return;
      select(fields[0]).then(() => {
        const page = (data.cells[fields[0]] || {}).page;
        showImage(fields.filter((f) => (data.cells[f] || {}).page === page), page);
      });
    }

    $$("td.cell").forEach((el) => el.addEventListener("click", () => select(el.dataset.f)));
    $$("li.check .show-check").forEach((b) => b.addEventListener("click", () => showCheck(b.closest("li"))));
    $$("li.check .mark-check").forEach((b) => b.addEventListener("click", () => mark(b.closest("li"))));
    $("#ev-form").addEventListener("submit", (e) => { e.preventDefault(); save($("#ev-value").value.trim()); });
    $("#ev-accept").addEventListener("click", () => save(data.fields[current] == null ? "" : String(data.fields[current])));

    document.addEventListener("keydown", (e) => {
      if (e.key === "Escape") { e.target.blur && e.target.blur(); return; }
      if (typing(e)) return;
      if (e.key === "j" || e.key === "n") { step(1); e.preventDefault(); }
      else if (e.key === "k" || e.key === "p") { step(-1); e.preventDefault(); }
      else if ((e.key === "a" || e.key === "Enter") && current) { $("#ev-accept").click(); e.preventDefault(); }
      else if (/^[0-9.\-]$/.test(e.key) && current) {
        const v = $("#ev-value"); v.value = e.key; v.focus(); e.preventDefault();
      } else if (e.key === "i") {
        const key = current && data.failing[current] ? data.failing[current][0] : null;
        const li = key ? $$("li.check").find((x) => x.dataset.key === key) : $("li.check.sel");
        if (li && li.querySelector(".mark-check")) mark(li);
      } else if (e.key === "l" && current) { location.href = $("#ev-lines").href; }
      else if (e.key === "u") { location.href = "/"; }
    });

    const m = location.hash.match(/^#f=(.+)$/);
    const f = new URLSearchParams(location.search).get("f") || (m ? decodeURIComponent(m[1]) : null);
    if (f && data.fields.hasOwnProperty(f)) select(f);
    else if (data.doubtful.length) select(data.doubtful[0]);
  }

  function linesPage(data) {
    const rows = $$("#lines tbody tr");
    const base = location.pathname.replace(/\/lines\/\d+$/, "");
    async function setLabel(tr, label) {
      try {
        await post("/api/line", {sha256: data.sha256, page: data.page, line: Number(tr.dataset.line), label: label, text: tr.dataset.text});
        tr.className = `lab-${label} corrected sel`;
        $("select.label", tr).value = label;
        toast(`line ${tr.dataset.line}: ${label}`);
      } catch (err) { toast(`not saved: ${err.message}`); }
    }
    rows.forEach((tr) => {
      $("select.label", tr).addEventListener("change", (e) => setLabel(tr, e.target.value));
      tr.addEventListener("click", () => { rows.forEach((r) => r.classList.remove("sel")); tr.classList.add("sel"); });
    });
    moveRows(rows, null, 0);
    const go = (d) => {
      const i = data.pages.indexOf(data.page) + d;
      if (i >= 0 && i < data.pages.length) location.href = `${base}/lines/${data.pages[i]}`;
    };
    document.addEventListener("keydown", (e) => {
      if (typing(e) && e.target.tagName !== "SELECT") return;
      if (e.key === "j" || e.key === "ArrowDown") { moveRows(rows, null, 1); e.preventDefault(); }
      else if (e.key === "k" || e.key === "ArrowUp") { moveRows(rows, null, -1); e.preventDefault(); }
      else if (/^[1-9]$/.test(e.key) && Number(e.key) <= data.labels.length) {
        const tr = $("#lines tr.sel"); if (tr) setLabel(tr, data.labels[Number(e.key) - 1]); e.preventDefault();
      } else if (e.key === "]") go(1);
      else if (e.key === "[") go(-1);
      else if (e.key === "u") location.href = base;
    });
  }

  return {listPage, reportPage, linesPage};
})();

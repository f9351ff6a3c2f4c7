// Vigil web UI: the CSRF header for htmx, keyboard shortcuts for the review queue and the case
// page, the audited media reveal, and the bank import's upload progress. Everything here is an
// addition: every page also works with plain links and form posts.
"use strict";

(function () {
  const csrf = document.querySelector('meta[name="csrf-token"]');

  // htmx requests carry the session's CSRF token in a header; forms carry it in a field.
  document.addEventListener("htmx:configRequest", function (e) {
    if (csrf) e.detail.headers["X-CSRF-Token"] = csrf.content;
  });

  // typing reports whether a key press belongs to a form field rather than to a shortcut.
  function typing(e) {
    const t = e.target;
    return e.ctrlKey || e.metaKey || e.altKey ||
      t.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(t.tagName);
  }

  const verdictKeys = { c: "confirm", f: "false_positive", e: "escalate" };

  // The queue: j and k move the selection, enter opens the case, c, f and e open it with that
  // decision chosen.
  function queueKeys() {
    const rows = Array.from(document.querySelectorAll("#queue tbody tr[data-href]"));
    if (rows.length === 0) return;
    let at = 0;
    const select = function (i) {
      rows[at].classList.remove("selected");
      rows[at].removeAttribute("aria-selected");
      at = Math.max(0, Math.min(rows.length - 1, i));
      rows[at].classList.add("selected");
      rows[at].setAttribute("aria-selected", "true");
      rows[at].scrollIntoView({ block: "nearest" });
    };
    select(0);
    document.addEventListener("keydown", function (e) {
      if (typing(e)) return;
      const href = rows[at].dataset.href;
      if (e.key === "j") select(at + 1);
      else if (e.key === "k") select(at - 1);
      else if (e.key === "Enter") window.location.assign(href);
      else if (verdictKeys[e.key]) window.location.assign(href + "?decide=" + verdictKeys[e.key]);
      else return;
      e.preventDefault();
    });
  }

  // The case page: c, f and e choose the verdict, r reveals the media, h blurs it again.
  function caseKeys(media) {
    document.addEventListener("keydown", function (e) {
      if (typing(e)) return;
      const verdict = verdictKeys[e.key];
      if (verdict) {
        const radio = document.getElementById("verdict-" + verdict);
        if (!radio) return;
        radio.checked = true;
        const next = document.getElementById(verdict === "confirm" ? "category" : "decide-submit");
        if (next) next.focus();
      } else if (e.key === "r" && media) media.reveal();
      else if (e.key === "h" && media) media.hide();
      else return;
      e.preventDefault();
    });
  }

  function show(id, on) {
    const el = document.getElementById(id);
    if (el) el.hidden = !on;
  }

  // errorMessage reads the message of a JSON error answer, or falls back to the status line.
  async function errorMessage(resp) {
    try {
      const body = await resp.json();
      if (body && body.error && body.error.message) return body.error.message;
    } catch (_) { /* not JSON: use the status */ }
    return resp.status + " " + resp.statusText;
  }

  // revealer fetches the media only when the reviewer asks: the server records the view and
  // counts it against the hourly cap. The image arrives under the blurred, greyscale cover and
  // then fades in; "blur again" puts the cover back without fetching anything.
  function revealer(fig) {
    const img = document.getElementById("media-img");
    const revealBtn = document.getElementById("reveal");
    const hideBtn = document.getElementById("hide");
    const status = document.createElement("p");
    status.className = "error";
    status.setAttribute("role", "alert");
    status.hidden = true;
    fig.appendChild(status);
    let loading = false;

    const uncover = function () {
      fig.classList.add("revealed");
      revealBtn.hidden = true;
      hideBtn.hidden = false;
    };

    const load = async function () {
      loading = true;
      revealBtn.disabled = true;
      try {
        const resp = await fetch(fig.dataset.src, { credentials: "same-origin", cache: "no-store" });
        if (!resp.ok) {
          const msg = await errorMessage(resp);
          if (resp.status === 429) show("cap-message", true);
          status.textContent = "Cannot reveal: " + msg;
          status.hidden = false;
          return;
        }
        const used = Number(resp.headers.get("Vigil-Reveals"));
        const cap = Number(resp.headers.get("Vigil-Reveal-Cap"));
        document.getElementById("reveals-used").textContent = used;
        if (cap) document.getElementById("reveals-cap").textContent = cap;
        show("break-prompt", used >= Number(fig.dataset.breakEvery));
        const url = URL.createObjectURL(await resp.blob());
        window.addEventListener("pagehide", function () { URL.revokeObjectURL(url); });
        img.addEventListener("load", function () {
          fig.classList.add("loaded");
          // Paint once under the cover, then lift it, so the image fades in from blurred.
          requestAnimationFrame(function () { requestAnimationFrame(uncover); });
        }, { once: true });
        img.src = url;
      } catch (err) {
        status.textContent = "Cannot reveal: " + err;
        status.hidden = false;
      } finally {
        loading = false;
        revealBtn.disabled = false;
      }
    };

    const api = {
      reveal: function () {
        if (loading) return;
        if (fig.classList.contains("loaded")) uncover();
        else load();
      },
      hide: function () {
        fig.classList.remove("revealed");
        revealBtn.hidden = false;
        hideBtn.hidden = true;
      },
    };
    revealBtn.addEventListener("click", api.reveal);
    hideBtn.addEventListener("click", api.hide);
    return api;
  }

  // importer sends a hash-list file to the bank import API, the format options in the query as
  // the API takes them, and shows the upload's progress and the import's summary.
  function importer(form) {
    const bar = form.querySelector("progress");
    const out = form.querySelector("output");
    const done = function (xhr) {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch (_) { /* not JSON: report the status */ }
      if (xhr.status >= 200 && xhr.status < 300 && body) {
        out.textContent = "Imported " + body.added + " entries; " + body.present + " were already present; " +
          body.bad + " bad lines" + (body.bad_lines && body.bad_lines.length ? ": " + body.bad_lines.join("; ") : ".");
        out.className = "ok";
      } else {
        out.textContent = "Import failed: " + (body && body.error ? body.error.message : xhr.status + " " + xhr.statusText);
        out.className = "error";
      }
    };
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      const query = new URLSearchParams();
      for (const name of ["format", "type"]) {
        if (form.elements[name].value) query.set(name, form.elements[name].value);
      }
      if (form.elements.strict.checked) query.set("strict", "true");
      const body = new FormData();
      body.append("file", form.elements.file.files[0]);
      const xhr = new XMLHttpRequest();
      xhr.open("POST", form.dataset.api + "?" + query);
      if (csrf) xhr.setRequestHeader("X-CSRF-Token", csrf.content);
      xhr.upload.addEventListener("progress", function (p) {
        if (p.lengthComputable) { bar.max = p.total; bar.value = p.loaded; }
      });
      xhr.upload.addEventListener("load", function () {
        out.textContent = "Uploaded; checking and indexing the entries…";
      });
      xhr.addEventListener("load", function () { done(xhr); });
      xhr.addEventListener("error", function () {
        out.textContent = "Import failed: network error";
        out.className = "error";
      });
      out.textContent = "Uploading…";
      out.className = "";
      xhr.send(body);
    });
  }

  // Forms with data-confirm ask before they post: deleting is not undone.
  document.addEventListener("submit", function (e) {
    const msg = e.target.dataset && e.target.dataset.confirm;
    if (msg && !window.confirm(msg)) e.preventDefault();
  });

  document.addEventListener("DOMContentLoaded", function () {
    queueKeys();
    const fig = document.getElementById("media");
    const media = fig ? revealer(fig) : null;
    if (document.getElementById("decide") || media) caseKeys(media);
    const imp = document.getElementById("import");
    if (imp) importer(imp);
  });
})();

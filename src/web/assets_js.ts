/**
 * The page script, served at `/static/app.js` (CSP `script-src 'self'`: no inline script).
 * Embedded as a string so a compiled binary serves it. Untrusted text only ever reaches the DOM
 * through `textContent`; the CSRF token is read from the meta tag and sent as `X-CSRF-Token`.
 */
export const APP_JS = String.raw`"use strict";
(function () {
  var ANSI = /\x1b\[[0-?]*[ -\/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]|\x9b[0-?]*[ -\/]*[@-~]/g;
  var CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;
  var TAIL_CHARS = 65536;
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var live = document.getElementById("live");

  function clean(s) { return String(s).replace(ANSI, "").replace(/\r\n/g, "\n").replace(CONTROLS, ""); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = clean(text);
    return e;
  }
  function setLive(state, label) { if (live) { live.dataset.state = state; live.textContent = label; } }
  function duration(sec) {
    sec = Math.max(0, Math.floor(sec));
    var d = Math.floor(sec / 86400), h = Math.floor(sec / 3600) % 24, m = Math.floor(sec / 60) % 60, r = sec % 60;
    function two(n) { return (n < 10 ? "0" : "") + n; }
    if (d > 0) return d + "d " + two(h) + "h";
    if (h > 0) return h + "h " + two(m) + "m";
    if (m > 0) return m + "m " + two(r) + "s";
    return r + "s";
  }
  function uptime(p) {
    if (p.state !== "RUNNING") return "-";
    var t = Date.parse(p.since);
    return isNaN(t) ? "-" : duration((Date.now() - t) / 1000);
  }
  function lastExit(p) { return p.signal ? p.signal : (p.exitCode === null ? "-" : "exit " + p.exitCode); }
  function stream(url, handlers) {
    var es = new EventSource(url);
    es.onopen = function () { setLive("on", "live"); };
    es.onerror = function () { setLive("off", "reconnecting"); };
    Object.keys(handlers).forEach(function (k) { es.addEventListener(k, handlers[k]); });
    return es;
  }

  // ---- dashboard ----
  function dashboard() {
    var tbody = document.getElementById("procs");
    var outputs = document.getElementById("outputs");
    var flash = document.getElementById("flash");
    var pending = null;

    function buttons(td, name) {
      ["start", "stop", "restart"].forEach(function (a) {
        var b = el("button", "btn btn-" + a, a);
        b.type = "button"; b.dataset.action = a; b.dataset.name = name;
        b.setAttribute("aria-label", a + " " + name);
        td.appendChild(b);
      });
    }
    function row(p) {
      var tr = document.createElement("tr");
      tr.dataset.name = p.name; tr.dataset.state = p.state;
      function cell(label, cls, content) {
        var td = el("td", cls); td.dataset.label = label;
        if (content instanceof Node) td.appendChild(content); else td.textContent = clean(content === null ? "-" : content);
        tr.appendChild(td); return td;
      }
      cell("Name", "c-name", el("span", "pname", p.name));
      var st = cell("State", "", el("span", "badge st-" + p.state, p.state));
      // Health badge (docs/web.md): only with a health check and a verdict.
      if (p.health && p.health.state !== "unknown") {
        st.appendChild(document.createTextNode(" "));
        st.appendChild(el("span", "badge hl-" + p.health.state,
          p.health.state === "healthy"
            ? "healthy"
            : "unhealthy " + p.health.failures + "/" + p.health.threshold));
      }
      cell("PID", "num", p.pid);
      var up = cell("Uptime", "num c-uptime", uptime(p));
      if (p.state === "RUNNING") up.dataset.since = p.since;
      cell("Restarts", "num", p.restarts);
      cell("Last exit", "", lastExit(p));
      cell("Description", "c-desc", (p.held ? "held " + p.desired + (p.description ? ", " : "") : "") + (p.description || ""));
      buttons(cell("Actions", "c-actions", ""), p.name);
      return tr;
    }
    function render(list) {
      var frag = document.createDocumentFragment();
      list.forEach(function (p) { frag.appendChild(row(p)); });
      if (!list.length) { var tr = el("tr", "empty"); var td = el("td", "", "No programs configured."); td.colSpan = 8; tr.appendChild(td); frag.appendChild(tr); }
      tbody.replaceChildren(frag);
      syncPanes(list.map(function (p) { return p.name; }));
    }
    function refresh() {
      pending = null;
      fetch("/api/status", { headers: { accept: "application/json" } })
        .then(function (r) { if (!r.ok) throw new Error("status " + r.status); return r.json(); })
        .then(render)
        .catch(function (e) { setLive("off", "error: " + e.message); });
    }
    function soon() { if (!pending) pending = setTimeout(refresh, 100); }
    function show(msg, bad) { flash.hidden = false; flash.textContent = clean(msg); flash.className = "flash" + (bad ? " bad" : ""); }

    document.addEventListener("click", function (ev) {
      var b = ev.target.closest && ev.target.closest("button[data-action]");
      if (!b) return;
      var action = b.dataset.action, name = b.dataset.name;
      b.disabled = true; b.classList.add("busy");
      show(action + " " + name + "…", false);
      fetch("/api/" + action + "/" + encodeURIComponent(name), {
        method: "POST", headers: { "X-CSRF-Token": csrf, accept: "application/json" },
      }).then(function (r) {
        return r.json().then(function (body) {
          if (!r.ok) throw new Error((body.error && body.error.message) || ("HTTP " + r.status));
          var bad = body.some(function (x) { return !x.ok; });
          show(body.map(function (x) { return x.name + ": " + x.message; }).join(" · ") || "nothing to do", bad);
        });
      }).catch(function (e) { show(action + " " + name + " failed: " + e.message, true); })
        .then(function () { b.disabled = false; b.classList.remove("busy"); soon(); });
    });

    // Output panes: load the tail when opened, then follow it until closed.
    function paneFor(name) {
      var found = null;
      outputs.querySelectorAll("details.out").forEach(function (d) { if (d.dataset.name === name) found = d; });
      return found;
    }
    function newPane(name) {
      var d = el("details", "out"); d.dataset.name = name;
      var s = el("summary"); s.appendChild(el("span", "pname", name)); d.appendChild(s);
      var bar = el("div", "out-bar"), tabs = el("span", "tabs");
      ["stdout", "stderr"].forEach(function (st) {
        var b = el("button", "", st); b.type = "button"; b.dataset.stream = st;
        b.setAttribute("aria-pressed", st === "stdout" ? "true" : "false"); tabs.appendChild(b);
      });
      var raw = el("a", "raw", "raw"); raw.href = "/api/output/" + encodeURIComponent(name) + "?stream=stdout";
      bar.appendChild(tabs); bar.appendChild(raw); d.appendChild(bar);
      var pre = el("pre", "tail"); pre.tabIndex = 0; d.appendChild(pre);
      wire(d); return d;
    }
    function syncPanes(names) {
      var keep = {};
      names.forEach(function (n, i) {
        keep[n] = true;
        var d = paneFor(n) || newPane(n);
        if (outputs.children[i] !== d) outputs.insertBefore(d, outputs.children[i] || null);
      });
      Array.prototype.slice.call(outputs.children).forEach(function (d) {
        if (!keep[d.dataset.name]) { stopPane(d); d.remove(); }
      });
    }
    function current(d) { var b = d.querySelector("button[aria-pressed=true]"); return b ? b.dataset.stream : "stdout"; }
    function append(pre, text) {
      var atBottom = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 8;
      var s = pre.textContent + text;
      pre.textContent = s.length > TAIL_CHARS ? s.slice(s.length - TAIL_CHARS) : s;
      if (atBottom) pre.scrollTop = pre.scrollHeight;
    }
    function stopPane(d) { if (d._es) { d._es.close(); d._es = null; } }
    function startPane(d) {
      stopPane(d);
      var pre = d.querySelector("pre"), st = current(d), base = "/api/output/" + encodeURIComponent(d.dataset.name) + "?stream=" + st;
      d.querySelector("a.raw").href = base;
      pre.textContent = "";
      fetch(base).then(function (r) { return r.ok ? r.text() : ""; }).then(function (t) {
        if (!d.open || current(d) !== st) return;
        pre.textContent = clean(t); pre.scrollTop = pre.scrollHeight;
        d._es = stream(base + "&follow=1", { output: function (e) { append(pre, clean(JSON.parse(e.data))); } });
      });
    }
    function wire(d) {
      d.addEventListener("toggle", function () { if (d.open) startPane(d); else stopPane(d); });
      d.querySelectorAll("button[data-stream]").forEach(function (b) {
        b.addEventListener("click", function () {
          d.querySelectorAll("button[data-stream]").forEach(function (x) { x.setAttribute("aria-pressed", x === b ? "true" : "false"); });
          if (d.open) startPane(d);
        });
      });
    }
    outputs.querySelectorAll("details.out").forEach(wire);

    stream("/api/events", { log: soon, ready: soon });
    setInterval(function () {
      tbody.querySelectorAll("td[data-since]").forEach(function (td) {
        td.textContent = duration((Date.now() - Date.parse(td.dataset.since)) / 1000);
      });
    }, 1000);
    refresh();
  }

  // ---- event log ----
  function logs() {
    var list = document.getElementById("events");
    var follow = document.getElementById("follow");
    var none = document.getElementById("no-events");
    var form = document.querySelector("form.filters");
    form.querySelectorAll("select").forEach(function (s) { s.addEventListener("change", function () { form.submit(); }); });
    function item(e) {
      var li = el("li", "ev"); li.dataset.seq = e.seq; li.dataset.level = e.level;
      var t = el("time", "", e.time.replace("T", " ").replace("Z", "")); t.dateTime = e.time; t.title = e.time;
      li.appendChild(t);
      li.appendChild(el("span", "badge lvl-" + e.level, e.level));
      li.appendChild(el("span", "proc", e.process));
      li.appendChild(el("span", "evn", e.event));
      var f = el("span", "fields");
      Object.keys(e.fields).forEach(function (k, i) {
        if (i) f.appendChild(document.createTextNode(" "));
        var kv = el("span", "kv"); kv.appendChild(el("span", "k", k));
        var v = e.fields[k]; kv.appendChild(document.createTextNode("=" + clean(v === null ? "-" : v)));
        f.appendChild(kv);
      });
      li.appendChild(f);
      return li;
    }
    var url = "/api/events?after=" + encodeURIComponent(list.dataset.after || "0") +
      "&program=" + encodeURIComponent(list.dataset.program || "") + "&level=" + encodeURIComponent(list.dataset.level || "DEBUG");
    stream(url, {
      log: function (m) {
        var e = JSON.parse(m.data);
        list.appendChild(item(e));
        while (list.children.length > 1000) list.firstElementChild.remove();
        if (none) none.hidden = true;
        if (follow.checked) window.scrollTo(0, document.documentElement.scrollHeight);
      },
    });
    if (follow.checked) window.scrollTo(0, document.documentElement.scrollHeight);
  }

  if (document.body.dataset.page === "dashboard") dashboard();
  else if (document.body.dataset.page === "logs") logs();
})();
`;

// agw dashboard: small progressive enhancements over pages that work without
// this script: countdowns that tick, times in the viewer's zone, the accounts
// table kept fresh, new requests streamed into the log, a confirmation before
// removing an account. No framework, no build step, no network beyond agw.
"use strict";

(function () {
  function formatDuration(ms) {
    if (ms < 1000) return Math.max(0, Math.round(ms)) + " ms";
    var s = ms / 1000;
    if (s < 60) return (s < 10 ? s.toFixed(1) : Math.floor(s)) + " s";
    var t = Math.floor(s);
    if (t < 3600) return Math.floor(t / 60) + " min " + String(t % 60).padStart(2, "0") + " s";
    if (t < 86400) return Math.floor(t / 3600) + " h " + String(Math.floor((t % 3600) / 60)).padStart(2, "0") + " min";
    return Math.floor(t / 86400) + " d " + Math.floor((t % 86400) / 3600) + " h";
  }

  // Times arrive in UTC; show them in the viewer's own zone.
  function localizeTimes(root) {
    root.querySelectorAll("time[data-local]").forEach(function (el) {
      var date = new Date(el.getAttribute("datetime"));
      if (isNaN(date)) return;
      el.textContent = el.dataset.local === "datetime" ? date.toLocaleString() : date.toLocaleTimeString();
      el.title = el.getAttribute("datetime");
    });
  }

  // Countdowns count from the time left when their markup was made.
  function armCountdowns(root) {
    var made = performance.now();
    root.querySelectorAll(".countdown[data-remaining-ms]").forEach(function (el) {
      el.dataset.deadline = String(made + Number(el.dataset.remainingMs));
    });
  }
  function tickCountdowns() {
    var now = performance.now();
    var expired = false;
    document.querySelectorAll(".countdown[data-deadline]").forEach(function (el) {
      var left = Number(el.dataset.deadline) - now;
      if (left <= 0) {
        if (el.dataset.done !== "1") expired = true;
        el.dataset.done = "1";
        el.textContent = "free now";
      } else {
        el.textContent = formatDuration(left < 10000 ? left : Math.ceil(left / 1000) * 1000);
      }
    });
    if (expired) refreshAccounts();
  }

  // The accounts table is re-read every few seconds (and when a countdown ends).
  var refreshing = false;
  function refreshAccounts() {
    var section = document.querySelector("[data-refresh]");
    if (!section || refreshing) return;
    refreshing = true;
    fetch(section.dataset.refresh, { credentials: "same-origin", headers: { accept: "text/html" } })
      .then(function (response) {
        if (response.status === 401) {
          location.href = "/ui/sign-in?next=" + encodeURIComponent(location.pathname);
          return null;
        }
        return response.ok ? response.text() : null;
      })
      .then(function (markup) {
        if (markup === null) return;
        // Markup from agw's own renderer, every value escaped there.
        section.innerHTML = markup;
        prepare(section);
      })
      .catch(function () {})
      .finally(function () {
        refreshing = false;
      });
  }

  // A form with data-confirm asks first (removing an account deletes its credentials).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) event.preventDefault();
  });

  // The add-account form shows the fields of the chosen kind of credentials.
  function showCredentialFields(form) {
    var checked = form.querySelector('input[name="kind"]:checked');
    form.querySelectorAll("fieldset[data-kind]").forEach(function (set) {
      set.hidden = !checked || set.dataset.kind !== checked.value;
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.name === "kind") showCredentialFields(event.target.form);
  });

  // The live request log: each finished request arrives as its table row.
  function followRequests() {
    var table = document.querySelector("table[data-events]");
    if (!table || !window.EventSource) return;
    var status = document.getElementById("live-status");
    var body = table.tBodies[0];
    var source = new EventSource(table.dataset.events);
    source.onopen = function () {
      if (status) {
        status.dataset.state = "open";
        status.textContent = "Live: new requests appear as they finish.";
      }
    };
    source.onerror = function () {
      if (status) {
        status.dataset.state = "closed";
        status.textContent = "Live updates paused; reconnecting…";
      }
    };
    source.addEventListener("row", function (event) {
      var data = JSON.parse(event.data);
      if (body.querySelector('tr[data-request-id="' + CSS.escape(data.id) + '"]')) return;
      var holder = document.createElement("tbody");
      holder.innerHTML = data.html;
      var row = holder.firstElementChild;
      if (!row) return;
      row.classList.add("fresh");
      localizeTimes(row);
      body.insertBefore(row, body.firstChild);
      while (body.rows.length > 500) body.deleteRow(body.rows.length - 1);
      var empty = document.querySelector(".empty");
      if (empty) empty.remove();
    });
  }

  function prepare(root) {
    localizeTimes(root);
    armCountdowns(root);
  }

  document.addEventListener("DOMContentLoaded", function () {
    prepare(document);
    document.querySelectorAll("form.add-account").forEach(showCredentialFields);
    if (document.querySelector(".countdown")) tickCountdowns();
    setInterval(tickCountdowns, 1000);
    if (document.querySelector("[data-refresh]")) setInterval(refreshAccounts, 5000);
    followRequests();
  });
})();

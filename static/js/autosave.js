// Autosave for forms marked data-autosave. The page works without it; with it, nothing typed is
// lost: each change is kept in this browser (localStorage) at once and saved to the server after a
// pause, and when the tab is hidden or closed. The server refuses a stale save (409) and says so.
(function () {
  "use strict";
  var DELAY = 2500;
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.FormData) { return; }
  var status = form.querySelector(".autosave-status");
  var versionInput = form.querySelector("input[name=version]");
  // Kept per user, and forgotten at logout (portal.js), so a shared computer shows nobody's drafts.
  var storagePrefix = "tilskudd-autosave:" + (document.body.dataset.user || "anonymous") + ":";
  var storageKey = storagePrefix + location.pathname;
  var timer = null, dirty = false, stopped = false, inFlight = false;
  // The messages come translated from the template (data attributes on the status line).
  var text = status ? status.dataset : {};


  function say(message) { if (status) { status.textContent = message; } }

  function fieldValues() {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "file" || el.name === "csrfmiddlewaretoken" || el.name === "version") { return; }
      if (el.type === "checkbox" || el.type === "radio") {
        values[el.name] = values[el.name] || [];
        if (el.checked) { values[el.name].push(el.value); }
      } else { values[el.name] = el.value; }
    });
    return values;
  }

  function keepLocally() {
    try {
      localStorage.setItem(storageKey, JSON.stringify({ version: versionInput ? versionInput.value : "", values: fieldValues() }));
    } catch (e) { /* storage full or disabled: the server save still runs */ }
  }

  function forgetLocally() { try { localStorage.removeItem(storageKey); } catch (e) { /* ignore */ } }

  function restore() {
    var saved;
    try { saved = JSON.parse(localStorage.getItem(storageKey) || "null"); } catch (e) { saved = null; }
    if (!saved || !versionInput || saved.version !== versionInput.value) { return; }
    var changed = false;
    Object.keys(saved.values).forEach(function (name) {
      var value = saved.values[name];
      Array.prototype.forEach.call(form.elements, function (el) {
        if (el.name !== name) { return; }
        if (el.type === "checkbox" || el.type === "radio") {
          var on = value.indexOf(el.value) !== -1;
          if (el.checked !== on) { el.checked = on; changed = true; }
        } else if (el.value !== value) { el.value = value; changed = true; }
      });
    });
    if (changed) { dirty = true; say(text.restored); schedule(); }
  }

  function payload() {
    var data = new FormData(form);
    data.set("_autosave", "1");
    return data;
  }

  function save() {
    timer = null;
    if (!dirty || stopped || inFlight) { return; }
    inFlight = true;
    dirty = false;
    say(text.saving);
    fetch(form.getAttribute("action") || location.href, {
      method: "POST", body: payload(), credentials: "same-origin", headers: { "X-Autosave": "1" }
    }).then(function (response) {
      return response.json().then(function (body) { return { status: response.status, body: body }; });
    }).then(function (result) {
      inFlight = false;
      if (result.status === 200) {
        if (versionInput && result.body.version !== null) { versionInput.value = result.body.version; }
        if (result.body.edit_url && result.body.edit_url !== location.pathname) {
          forgetLocally();
          history.replaceState(null, "", result.body.edit_url);
          form.setAttribute("action", result.body.edit_url);
          storageKey = storagePrefix + result.body.edit_url;
        }
        if (!dirty) { forgetLocally(); } else { schedule(); }
        say(text.saved + result.body.saved_at);
      } else if (result.status === 409) {
        stopped = true;
        say(text.conflict);
      } else {
        say(text.invalid);
      }
    }).catch(function () { inFlight = false; dirty = true; say(text.offline); });
  }

  function schedule() { if (timer) { clearTimeout(timer); } timer = setTimeout(save, DELAY); }

  function changed() { dirty = true; keepLocally(); schedule(); }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", function () { stopped = true; if (timer) { clearTimeout(timer); } forgetLocally(); });
  function flush() {
    if (!dirty || stopped || !navigator.sendBeacon) { return; }
    if (navigator.sendBeacon(form.getAttribute("action") || location.href, payload())) { dirty = false; }
  }
  window.addEventListener("pagehide", flush);
  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "hidden") { flush(); } });
  restore();
})();

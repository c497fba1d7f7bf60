// Small improvements on pages that work without JavaScript.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // Focus the first error summary or conflict notice, so keyboard and screen-reader users hear it.
    var summary = document.querySelector("#conflict, #error-summary");
    if (summary) { summary.focus(); }
    // Logging out forgets every draft kept in this browser by autosave.
    document.querySelectorAll("form[action$='/logout/']").forEach(function (form) {
      form.addEventListener("submit", function () {
        try {
          Object.keys(localStorage).forEach(function (key) {
            if (key.indexOf("tilskudd-autosave:") === 0) { localStorage.removeItem(key); }
          });
        } catch (e) { /* storage disabled: nothing kept */ }
      });
    });
    // A double click submits once: the server is idempotent too, this only spares a second request.
    document.querySelectorAll("form.submit-form").forEach(function (form) {
      form.addEventListener("submit", function () {
        var button = form.querySelector("button[type=submit]");
        if (button) { setTimeout(function () { button.disabled = true; }, 0); }
      });
    });
  });
})();

/* The charter form re-renders itself on the server when a choice changes (free start times, price), so the
   page never computes availability or prices in the browser. Without JavaScript the form's own GET button
   does the same. */
(function () {
  "use strict";
  var container = document.getElementById("charter-form");
  if (!container) { return; }
  var pending = null;
  var timer = null;

  function refresh(form) {
    var data = new FormData(form);
    data.delete("csrfmiddlewaretoken");
    data.delete("action");
    var params = new URLSearchParams(data);
    params.set("fragment", "1");
    if (pending) { pending.abort(); }
    pending = new AbortController();
    var active = document.activeElement && document.activeElement.name;
    fetch(container.getAttribute("data-fragment-url") + "?" + params.toString(),
          {credentials: "same-origin", signal: pending.signal, headers: {"X-Requested-With": "XMLHttpRequest"}})
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        container.innerHTML = html;
        if (active) {
          var el = container.querySelector('[name="' + active + '"]:checked') ||
                   container.querySelector('[name="' + active + '"]');
          if (el) { el.focus(); }
        }
      })
      .catch(function () { /* keep the current form; submitting still works */ });
  }

  container.addEventListener("change", function (e) {
    var form = e.target.form;
    if (!form) { return; }
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { refresh(form); }, 150);
  });
})();

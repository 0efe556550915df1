// Progressive enhancement for the map: a change to the filters fetches the same page the form would
// load and swaps in its results (count, map, legend and list), so they always come from the server's
// one FilterSet and stay in step. Without JavaScript the form submits and the server draws the map.
(function () {
  "use strict";
  var form = document.getElementById("map-filters");
  var results = document.getElementById("map-results");
  if (!form || !results || !window.fetch || !window.DOMParser) return;
  var pending = null;

  function query() {
    var params = new URLSearchParams(new FormData(form));
    Array.from(params.keys()).forEach(function (key) {
      if (params.getAll(key).every(function (v) { return v === ""; })) params.delete(key);
    });
    return params.toString();
  }

  function load() {
    var q = query();
    var url = form.action + (q ? "?" + q : "");
    if (pending) pending.abort();
    pending = new AbortController();
    results.setAttribute("aria-busy", "true");
    fetch(url, { signal: pending.signal, headers: { "Accept": "text/html" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("map-results");
        if (!fresh) { window.location.assign(url); return; }
        results.replaceChildren.apply(results, Array.from(fresh.childNodes).map(function (n) { return document.importNode(n, true); }));
        results.removeAttribute("aria-busy");
        history.replaceState(null, "", q ? "?" + q : location.pathname);
      })
      .catch(function (error) {
        if (error && error.name === "AbortError") return;
        window.location.assign(url);  // fall back to an ordinary page load
      });
  }

  form.addEventListener("change", load);
  form.addEventListener("submit", function (event) { event.preventDefault(); load(); });
  form.dataset.enhanced = "true";
})();

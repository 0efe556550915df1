// Progressive enhancement for the map: the status and country filters apply instantly, without
// reloading. Without JavaScript the same form submits and the server draws the filtered map.
(function () {
  "use strict";
  var form = document.getElementById("map-filters");
  var count = document.getElementById("map-count");
  var dataEl = document.getElementById("pairings-geojson");
  if (!form || !dataEl) return;
  var features = JSON.parse(dataEl.textContent).features;

  function apply() {
    var statuses = Array.prototype.map.call(form.querySelectorAll("input[name=status]:checked"), function (el) { return el.value; });
    var country = form.querySelector("select[name=country]").value;
    var shown = 0;
    document.querySelectorAll(".pairing-line").forEach(function (line) {
      var okStatus = statuses.length === 0 || statuses.indexOf(line.dataset.status) !== -1;
      var okCountry = !country || line.dataset.countries.split(" ").indexOf(country) !== -1;
      var visible = okStatus && okCountry;
      if (visible) { line.removeAttribute("hidden"); shown++; } else { line.setAttribute("hidden", ""); }
    });
    if (count) count.dataset.shown = String(shown);
    var params = new URLSearchParams();
    statuses.forEach(function (s) { params.append("status", s); });
    if (country) params.set("country", country);
    if (form.querySelector("input[name=listed]:checked")) params.set("listed", "1");
    var query = params.toString();
    history.replaceState(null, "", query ? "?" + query : location.pathname);
    params.delete("listed");  // the API has no such filter: its GeoJSON holds every matching pairing
    var api = document.getElementById("map-geojson");
    query = params.toString();
    if (api) api.href = "/api/v1/pairings/?format=geojson" + (query ? "&" + query : "");
  }
  // Only lines already on the page can be toggled: a page the server filtered reloads to widen the set.
  var serverFiltered = location.search.length > 1;
  // Pairings listed by Wikidata only are left out by the server unless asked for: the toggle reloads.
  form.addEventListener("change", function (event) {
    if (serverFiltered || event.target.name === "listed") { form.submit(); } else { apply(); }
  });
  form.dataset.enhanced = "true";
  form.dataset.features = String(features.length);
})();

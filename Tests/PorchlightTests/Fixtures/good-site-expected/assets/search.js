// Search without a server: fetch search.json once, match every word of the query, show the hits.
(function () {
  "use strict";
  var form = document.querySelector(".search-form");
  var input = document.getElementById("search-q");
  var results = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var all = document.getElementById("search-all");
  if (!form || !window.fetch) return;
  var index = null;
  var root = form.getAttribute("action").replace(/search\/$/, "");

  function words(text) { return text.toLowerCase().split(/\s+/).filter(Boolean); }

  function show(query) {
    var terms = words(query);
    results.textContent = "";
    if (!terms.length) { results.hidden = true; all.hidden = false; status.textContent = ""; return; }
    var hits = index.filter(function (item) {
      var text = (item.title + " " + (item.summary || "")).toLowerCase();
      return terms.every(function (t) { return text.indexOf(t) !== -1; });
    }).slice(0, 50);
    hits.forEach(function (item) {
      var li = document.createElement("li");
      var h = document.createElement("h3");
      var a = document.createElement("a");
      a.href = item.url;
      a.textContent = item.title;
      h.appendChild(a);
      li.appendChild(h);
      if (item.summary) { var p = document.createElement("p"); p.textContent = item.summary; li.appendChild(p); }
      results.appendChild(li);
    });
    results.hidden = false;
    all.hidden = true;
    status.textContent = hits.length === 1 ? "1 result" : hits.length + " results" + (hits.length === 50 ? " (the first 50)" : "");
  }

  fetch(root + "search.json").then(function (r) { return r.json(); }).then(function (data) {
    index = data;
    var query = new URLSearchParams(location.search).get("q") || "";
    input.value = query;
    show(query);
    input.addEventListener("input", function () { show(input.value); });
    form.addEventListener("submit", function (e) { e.preventDefault(); show(input.value); });
  });
})();

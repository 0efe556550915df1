/* Suggestions as you type, for every search box with data-suggest="<url of the JSON endpoint>".
   Progressive enhancement: the form still submits to the results page without it. Links only (a tap
   goes straight to the pairing or place); arrow keys move through them, Escape closes. */
(function () {
  "use strict";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function setUp(input, index) {
    var url = input.getAttribute("data-suggest");
    var box = el("div", "suggest");
    var status = el("p", "visually-hidden");
    var timer = null;
    var asked = "";
    var controller = null;
    box.id = "suggest-" + index;
    box.hidden = true;
    status.setAttribute("role", "status");
    // A text box with a list of suggestions is a combobox (ARIA 1.2), which may carry aria-expanded.
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", box.id);
    input.setAttribute("aria-expanded", "false");
    input.parentNode.classList.add("has-suggest");
    input.parentNode.appendChild(box);
    input.parentNode.appendChild(status);

    function close() {
      box.hidden = true;
      input.setAttribute("aria-expanded", "false");
    }

    function links() {
      return Array.prototype.slice.call(box.querySelectorAll("a"));
    }

    function group(title, items, className) {
      if (!items.length) return;
      box.appendChild(el("p", "suggest-title", title));
      var list = el("ul", className);
      items.forEach(function (item) {
        var li = el("li");
        var a = el("a", "", item.title);
        a.href = item.url;
        if (item.detail) a.appendChild(el("span", "suggest-detail", item.detail));
        li.appendChild(a);
        list.appendChild(li);
      });
      box.appendChild(list);
    }

    function render(data) {
      if (!data || input.value.trim() !== asked) return;
      box.textContent = "";
      group(data.labels.did_you_mean, data.did_you_mean, "suggest-dym");
      group(data.labels.pairings, data.pairings, "suggest-pairings");
      group(data.labels.places, data.places, "suggest-places");
      if (!data.pairings.length && !data.places.length && !data.did_you_mean.length) {
        box.appendChild(el("p", "suggest-none", data.labels.none));
      }
      var all = el("a", "suggest-all", data.labels.all);
      all.href = data.search_url;
      box.appendChild(all);
      box.hidden = false;
      input.setAttribute("aria-expanded", "true");
      status.textContent = data.labels.count;
    }

    function ask() {
      var q = input.value.trim();
      if (q.length < 2) {
        asked = "";
        close();
        return;
      }
      if (q === asked && !box.hidden) return;
      asked = q;
      if (controller) controller.abort();
      controller = typeof AbortController === "function" ? new AbortController() : null;
      fetch(url + "?q=" + encodeURIComponent(q), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        signal: controller ? controller.signal : undefined
      })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(render)
        .catch(function () { /* offline or aborted: the form still works */ });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, 150);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && !box.hidden && links().length) {
        event.preventDefault();
        links()[0].focus();
      } else if (event.key === "Escape") {
        close();
      }
    });
    box.addEventListener("keydown", function (event) {
      var all = links();
      var at = all.indexOf(document.activeElement);
      if (event.key === "ArrowDown" && at < all.length - 1) {
        event.preventDefault();
        all[at + 1].focus();
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (at > 0) all[at - 1].focus(); else input.focus();
      } else if (event.key === "Escape") {
        close();
        input.focus();
      }
    });
    document.addEventListener("click", function (event) {
      if (!input.parentNode.contains(event.target)) close();
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("input[data-suggest]"), setUp);
})();

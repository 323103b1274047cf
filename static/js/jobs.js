// 求人検索: focus after htmx swaps, so keyboard and screen-reader users land on what changed.
// Everything works without this file: links and forms are plain GET/POST.
(function () {
  "use strict";

  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.target;
    if (!target || !target.id) return;
    if (target.id === "search") {
      // A new search: go to the result count (app.js already handles the error summary).
      // The region was swapped outerHTML: the event's target is the old, detached one.
      var search = document.getElementById("search");
      if (!search || search.querySelector(".error-summary")) return;
      var heading = search.querySelector("#results-heading");
      if (heading) heading.focus();
    } else if (target.id === "result-list") {
      // もっと見る: continue at the first posting that was just added.
      var starts = target.querySelectorAll("[data-page-start]");
      var first = starts.length ? starts[starts.length - 1].querySelector("a") : null;
      if (first) first.focus();
    }
  });
})();

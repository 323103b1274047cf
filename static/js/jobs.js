// 求人検索: focus after htmx swaps, so keyboard and screen-reader users land on what changed.
// Everything works without this file: links and forms are plain GET/POST.
(function () {
  "use strict";

  // 「中分類を選ぶ」 is the two-step for browsers without JavaScript: here the 中分類 list
  // follows the 大分類 by itself (htmx), so the button is hidden, in new content too.
  function hideStepButtons(root) {
    var buttons = (root || document).querySelectorAll("[data-step-button]");
    for (var i = 0; i < buttons.length; i++) buttons[i].hidden = true;
  }
  hideStepButtons(document);
  document.addEventListener("htmx:load", function (event) {
    hideStepButtons(event.detail.elt);
  });

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

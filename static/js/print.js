// 「印刷する」 buttons (registration sheet, 紹介状): shown only when this script runs; pages
// tell everyone else to use the browser's print menu.
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();

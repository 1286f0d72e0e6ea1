/* Places the timeline's blocks: positions come as data attributes (percent of the day) because the back
   office's Content-Security-Policy does not allow inline style attributes. */
(function () {
  "use strict";
  document.querySelectorAll(".timeline [data-left]").forEach(function (el) {
    el.style.left = el.getAttribute("data-left") + "%";
    if (el.hasAttribute("data-width")) { el.style.width = el.getAttribute("data-width") + "%"; }
  });
})();

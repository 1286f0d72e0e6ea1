/*
 * The catalogue's filters: folded behind "Filters" on a phone (the <details> element works without this
 * script), unfolded at once on wider screens, where they fit beside the results. Loaded right after the
 * form, so the page does not jump; a separate file because pretix's Content-Security-Policy forbids inline
 * scripts.
 */
(function () {
    "use strict";
    var box = document.getElementById("tw-filter-more");
    if (box && window.matchMedia && window.matchMedia("(min-width: 768px)").matches) {
        box.open = true;
    }
}());

/* Prichal: print button of the occupancy page (no inline scripts in the back office). */
(function () {
    "use strict";
    var b = document.getElementById("ts-print");
    if (b) { b.addEventListener("click", function () { window.print(); }); }
}());

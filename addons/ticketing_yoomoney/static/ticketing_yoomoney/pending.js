/* Polls the payment's state while the order page says "being confirmed", and reloads once it is final. */
(function () {
    "use strict";
    var box = document.querySelector(".ticketing-yookassa-pending");
    if (!box || !window.fetch) {
        return;
    }
    var url = box.getAttribute("data-status-url");
    var delay = 2000, waited = 0;

    function poll() {
        fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
            .then(function (r) { return r.ok ? r.json() : {final: false}; })
            .catch(function () { return {final: false}; })
            .then(function (data) {
                if (data.final) {
                    window.location.reload();
                    return;
                }
                waited += delay;
                if (waited > 60000) {
                    box.querySelector(".ticketing-yookassa-slow").hidden = false;
                }
                delay = Math.min(delay * 1.5, 15000);
                if (waited < 30 * 60000) {
                    window.setTimeout(poll, delay);
                }
            });
    }
    window.setTimeout(poll, delay);
})();

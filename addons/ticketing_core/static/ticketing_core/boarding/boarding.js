/* The crew's boarding page: camera scan (html5-qrcode) or search, then pretix's check-in on the server.
   window.prichalBoarding.onScan(text) is the scanner's callback (tests inject a QR text through it). */
(function () {
    "use strict";
    var cfg = JSON.parse(document.getElementById("tb-config").textContent);
    var csrf = document.querySelector("input[name=csrfmiddlewaretoken]").value;
    var box = document.getElementById("tb-result");
    var last = {text: null, at: 0};
    var sent = 0;  // scans answer out of order on a slow network: only the newest one's answer is shown
    var camera = null;

    function countBoarded() {
        var n = document.getElementById("tb-boarded");
        n.textContent = String(parseInt(n.textContent, 10) + 1);
    }

    function show(data) {
        box.className = "tb-result " + (data.ok ? "tb-ok" : "tb-refused");
        box.querySelector(".tb-verdict").textContent = data.ok ? cfg.texts.ok : cfg.texts.refused;
        var p = data.passenger || {};
        box.querySelector(".tb-name").textContent = p.name || "";
        var detail = [p.category, p.seat ? cfg.texts.seat + " " + p.seat : "", p.ticket].filter(Boolean);
        box.querySelector(".tb-detail").textContent = detail.join(" · ");
        box.querySelector(".tb-message").textContent = data.message || "";
        if (data.ok) { countBoarded(); }
        if (navigator.vibrate) { navigator.vibrate(data.ok ? 80 : [200, 100, 200]); }
    }

    function post(payload) {
        var mine = ++sent;
        return fetch(cfg.scan, {
            method: "POST", credentials: "same-origin",
            headers: {"Content-Type": "application/json", "X-CSRFToken": csrf},
            body: JSON.stringify(payload)
        }).then(function (r) { return r.json(); }).then(function (data) {
            // An older scan's late answer must not replace the passenger now in front of the crew; a boarding it
            // confirmed still counts.
            if (mine === sent) { show(data); } else if (data.ok) { countBoarded(); }
        }).catch(function () {
            if (mine === sent) { show({ok: false, message: cfg.texts.error}); }
        });
    }

    function onScan(text) {
        var t = Date.now();
        if (text === last.text && t - last.at < 3000) { return null; }  // the camera sees one code many times
        last = {text: text, at: t};
        return post({secret: text});
    }

    function startCamera() {
        var button = document.getElementById("tb-camera");
        if (camera) {
            camera.stop().then(function () { camera = null; button.classList.remove("active"); });
            return;
        }
        if (!window.Html5Qrcode) { show({ok: false, message: cfg.texts.noCamera}); return; }
        camera = new window.Html5Qrcode("tb-reader");
        camera.start({facingMode: "environment"}, {fps: 10, qrbox: 220}, onScan, function () {})
            .then(function () { button.classList.add("active"); })
            .catch(function () { camera = null; show({ok: false, message: cfg.texts.noCamera}); });
    }

    function search(ev) {
        ev.preventDefault();
        var q = document.getElementById("tb-q").value;
        fetch(cfg.search + "?q=" + encodeURIComponent(q), {credentials: "same-origin"})
            .then(function (r) { return r.json(); }).then(function (data) {
                var list = document.getElementById("tb-found");
                list.textContent = "";
                if (!data.results.length) {
                    var li = document.createElement("li");
                    li.className = "list-group-item text-muted";
                    li.textContent = cfg.texts.nothing;
                    list.appendChild(li);
                }
                data.results.forEach(function (p) {
                    var li = document.createElement("li");
                    li.className = "list-group-item tb-hit";
                    var text = document.createElement("span");
                    text.textContent = p.name + " · " + p.category + (p.seat ? " · " + p.seat : "") + " · " + p.ticket +
                        (p.boarded_at ? " · " + cfg.texts.boardedAt + " " + p.boarded_at : "");
                    var b = document.createElement("button");
                    b.type = "button";
                    b.className = "btn btn-success tb-board";
                    b.textContent = cfg.texts.board;
                    b.addEventListener("click", function () { post({position: p.id}); });
                    li.appendChild(text);
                    li.appendChild(b);
                    list.appendChild(li);
                });
            }).catch(function () { show({ok: false, message: cfg.texts.error}); });
    }

    window.prichalBoarding = {onScan: onScan};
    document.getElementById("tb-camera").addEventListener("click", startCamera);
    document.getElementById("tb-search").addEventListener("submit", search);
}());

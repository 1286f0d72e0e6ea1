/*
 * Prichal seat picker: an SVG seat map inside pretix's cart form. No libraries, no outside requests.
 * Mouse: click a seat, wheel to zoom, drag to pan. Touch: tap, pinch, drag.
 * Keyboard: arrows move between seats, Enter/Space choose, + and - zoom, Shift+arrows pan, 0 resets.
 * Chosen seats become pretix's own "seat_<product>[_<variation>]" fields; pretix's cart holds them.
 * While seats are chosen, the add button sits in a <pretix-seating-checkout-button> element, the element of
 * pretix's own seating front end that pretix's "you did not select any ticket" check (presale main.js) counts
 * as a choice: a date page that also sells products without a seat then lets seats alone into the cart.
 */
(function () {
    "use strict";
    var root = document.getElementById("ts-picker");
    if (!root) { return; }
    var SVGNS = "http://www.w3.org/2000/svg";
    var data = JSON.parse(document.getElementById("ts-data").textContent);
    var T = data.texts;
    /* an amount written as pretix writes every other price on the page (services/picker.py money_format) */
    function money(value) {
        var m = data.money, parts = value.toFixed(m.places).split(".");
        var whole = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, m.group);
        return m.prefix + whole + (m.places ? m.decimal + parts[1] : "") + m.suffix;
    }
    var states = data.availability.seats;
    var seats = data.seats;
    var byGuid = {};
    var selected = {};      // guid -> variation id ("" when the product has no variations)
    var order = [];         // guids in the order they were chosen
    var deck = 0;
    var view = null;
    var focusGuid = null;
    var elements = {};      // guid -> <g> of the shown deck
    var svg = root.querySelector(".ts-svg");
    var stage = root.querySelector(".ts-stage");
    var live = root.querySelector(".ts-live");
    var errorBox = root.querySelector(".ts-error");
    var form = root.closest("form");
    var addButton = root.querySelector(".ts-add");
    var checkoutMark = document.createElement("pretix-seating-checkout-button");
    var checkedSubmit = false;

    seats.forEach(function (s) { byGuid[s.g] = s; });

    function fmt(text, values) {
        return text.replace(/\{(\w+)\}/g, function (m, k) { return values[k] !== undefined ? values[k] : m; });
    }
    function say(text) { live.textContent = ""; window.setTimeout(function () { live.textContent = text; }, 30); }
    function showError(text) {
        if (!text) { errorBox.hidden = true; errorBox.textContent = ""; return; }
        errorBox.textContent = text;
        errorBox.hidden = false;
    }
    function category(s) { return data.categories[s.c] || {}; }
    function stateOf(guid) {
        if (selected.hasOwnProperty(guid)) { return "selected"; }
        return {f: "free", x: "taken", b: "unsold", m: "mine"}[states[guid]] || "unsold";
    }
    function statusWord(st) {
        return {free: T.available, taken: T.taken, unsold: T.notForSale, selected: T.selected, mine: T.inCart}[st];
    }
    function ariaLabel(s) {
        var c = category(s);
        var parts = [s.l, c.label];
        if (c.wheelchair && (c.label || "").toLowerCase() !== T.wheelchair.toLowerCase()) { parts.push(T.wheelchair); }
        if (c.price_text) { parts.push(c.price_text); }
        parts.push(statusWord(stateOf(s.g)));
        return parts.filter(Boolean).join(", ");
    }
    function el(name, attrs, parent) {
        var e = document.createElementNS(SVGNS, name);
        Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
        if (parent) { parent.appendChild(e); }
        return e;
    }

    /* ---------- drawing ---------- */
    function drawArea(a, parent) {
        var p = a.position || {x: 0, y: 0};
        var style = {fill: a.color || "none", stroke: a.border_color || "none", "stroke-width": 2};
        var shape = null;
        if (a.shape === "rectangle" && a.rectangle) {
            shape = el("rect", Object.assign({x: p.x, y: p.y, width: a.rectangle.width, height: a.rectangle.height,
                rx: 24}, style), parent);
        } else if (a.shape === "circle" && a.circle) {
            shape = el("circle", Object.assign({cx: p.x, cy: p.y, r: a.circle.radius}, style), parent);
        } else if (a.shape === "ellipse" && a.ellipse) {
            shape = el("ellipse", Object.assign({cx: p.x, cy: p.y, rx: a.ellipse.radius.x, ry: a.ellipse.radius.y},
                style), parent);
        } else if (a.shape === "polygon" && a.polygon) {
            shape = el("polygon", Object.assign({points: a.polygon.points.map(function (q) {
                return (p.x + q.x) + "," + (p.y + q.y);
            }).join(" ")}, style), parent);
        } else if (a.shape === "text" && a.text) {
            var tp = a.text.position || {x: 0, y: 0};
            shape = el("text", {x: p.x + tp.x, y: p.y + tp.y, "font-size": a.text.size || 16,
                fill: a.text.color || "#333", "class": "ts-area-text"}, parent);
            shape.textContent = a.text.text;
        }
        if (shape && a.rotation) { shape.setAttribute("transform", "rotate(" + a.rotation + " " + p.x + " " + p.y + ")"); }
        if (shape) { shape.setAttribute("aria-hidden", "true"); }
    }

    function draw() {
        while (svg.firstChild) { svg.removeChild(svg.firstChild); }
        elements = {};
        var d = data.decks[deck];
        svg.setAttribute("aria-label", T.seatMap + ": " + d.label);
        var bg = el("g", {"aria-hidden": "true"}, svg);
        d.areas.forEach(function (a) { drawArea(a, bg); });
        var rowsDrawn = {};
        var group = el("g", {"class": "ts-seats"}, svg);
        seats.forEach(function (s) {
            if (s.d !== deck) { return; }
            var rowKey = s.row;
            if (!rowsDrawn[rowKey] || s.x < rowsDrawn[rowKey].x) { rowsDrawn[rowKey] = s; }
            var g = el("g", {"class": "ts-seat", role: "checkbox", tabindex: "-1", "data-guid": s.g}, group);
            el("circle", {cx: s.x, cy: s.y, r: s.r, "class": "ts-dot"}, g);
            el("title", {}, g);  // the tooltip on hover (screen readers use the aria-label)
            var label = el("text", {x: s.x, y: s.y + 3.5, "class": "ts-num", "aria-hidden": "true"}, g);
            label.textContent = s.n;
            if (category(s).wheelchair) {
                var w = el("text", {x: s.x + s.r * 0.75, y: s.y - s.r * 0.55, "class": "ts-wheelchair",
                    "aria-hidden": "true"}, g);
                w.textContent = "\u267F";
            }
            elements[s.g] = g;
            paint(s.g);
        });
        Object.keys(rowsDrawn).forEach(function (k) {
            var s = rowsDrawn[k];
            var t = el("text", {x: s.x - s.r - 10, y: s.y + 4, "class": "ts-row", "aria-hidden": "true"}, svg);
            t.textContent = k;
        });
        if (!focusGuid || !elements[focusGuid]) {
            var first = seats.filter(function (s) { return s.d === deck && states[s.g] === "f"; })[0] ||
                seats.filter(function (s) { return s.d === deck; })[0];
            focusGuid = first ? first.g : null;
        }
        if (focusGuid && elements[focusGuid]) { elements[focusGuid].setAttribute("tabindex", "0"); }
        resetView();
    }

    function paint(guid) {
        var g = elements[guid];
        if (!g) { return; }
        var s = byGuid[guid];
        var st = stateOf(guid);
        var dot = g.firstChild;
        g.setAttribute("class", "ts-seat ts-" + st);
        dot.setAttribute("fill", st === "free" ? category(s).color : "");
        g.setAttribute("aria-checked", st === "selected" ? "true" : "false");
        g.setAttribute("aria-disabled", (st === "free" || st === "selected") ? "false" : "true");
        var text = ariaLabel(s);
        g.setAttribute("aria-label", text);
        g.childNodes[1].textContent = text;
    }

    /* ---------- view: zoom and pan ---------- */
    function box() { var b = data.decks[deck].box; return {x: b[0], y: b[1], w: b[2], h: b[3]}; }
    function applyView() {
        svg.setAttribute("viewBox", [view.x, view.y, view.w, view.h].join(" "));
    }
    function resetView() { view = box(); applyView(); }
    function zoom(factor, cx, cy, announce) {
        var b = box();
        var w = Math.min(Math.max(view.w / factor, b.w / 8), b.w * 1.5);
        var h = w * (view.h / view.w);
        if (cx === undefined) { cx = view.x + view.w / 2; cy = view.y + view.h / 2; }
        var rx = (cx - view.x) / view.w, ry = (cy - view.y) / view.h;
        view = {x: cx - rx * w, y: cy - ry * h, w: w, h: h};
        applyView();
        if (announce) { say(fmt(T.zoom, {percent: Math.round(100 * b.w / view.w)})); }
    }
    function pan(dx, dy) { view.x += dx * view.w; view.y += dy * view.h; applyView(); }
    function toSvg(clientX, clientY) {
        var r = svg.getBoundingClientRect();
        // the SVG keeps its aspect ratio (xMidYMid meet): one scale for both axes, centred
        var scale = Math.min(r.width / view.w, r.height / view.h);
        var ox = (r.width - view.w * scale) / 2, oy = (r.height - view.h * scale) / 2;
        return {x: view.x + (clientX - r.left - ox) / scale, y: view.y + (clientY - r.top - oy) / scale};
    }
    function keepVisible(s) {
        var m = s.r * 2;
        if (s.x - m < view.x) { view.x = s.x - m; } else if (s.x + m > view.x + view.w) { view.x = s.x + m - view.w; }
        if (s.y - m < view.y) { view.y = s.y - m; } else if (s.y + m > view.y + view.h) { view.y = s.y + m - view.h; }
        applyView();
    }

    /* ---------- choosing ---------- */
    function count() { return order.length + seats.filter(function (s) { return states[s.g] === "m"; }).length; }
    function toggle(guid) {
        var s = byGuid[guid];
        showError("");
        if (selected.hasOwnProperty(guid)) {
            delete selected[guid];
            order = order.filter(function (g) { return g !== guid; });
            paint(guid);
            renderSelection();
            say(fmt(T.unchosen, {seat: s.l}));
            return;
        }
        if (states[guid] !== "f") { showError(fmt(T.notFree, {seat: s.l})); return; }
        if (data.maxSeats && count() >= data.maxSeats) { showError(fmt(T.max, {max: data.maxSeats})); return; }
        var item = data.items[String(s.i)] || {variations: []};
        // the first passenger type (adult) until the buyer chooses another for this seat
        selected[guid] = item.variations.length ? String(item.variations[0].id) : "";
        order.push(guid);
        paint(guid);
        renderSelection();
        say(fmt(T.chosen, {seat: s.l}));
        refresh();
    }

    function renderSelection() {
        var list = root.querySelector(".ts-selection-list");
        var inputs = root.querySelector(".ts-inputs");
        list.innerHTML = "";
        inputs.innerHTML = "";
        var total = 0;
        if (!order.length) {
            var li0 = document.createElement("li");
            li0.className = "ts-empty";
            li0.textContent = T.none;
            list.appendChild(li0);
        }
        order.forEach(function (guid) {
            var s = byGuid[guid], c = category(s), item = data.items[String(s.i)] || {variations: []};
            var li = document.createElement("li");
            var text = document.createElement("span");
            var price = c.price_text, amount = parseFloat(c.price || "0");
            if (item.variations.length && selected[guid]) {
                item.variations.forEach(function (v) {
                    if (String(v.id) === selected[guid]) { price = v.price_text; amount = parseFloat(v.price); }
                });
            }
            total += amount;
            text.textContent = s.l + " · " + c.label + " · " + price;
            li.appendChild(text);
            if (item.variations.length > 1) {
                var sel = document.createElement("select");
                sel.className = "form-control input-sm ts-variation";
                sel.setAttribute("aria-label", T.variation + ": " + s.l);
                var blank = document.createElement("option");
                blank.value = "";
                blank.textContent = T.variation;
                sel.appendChild(blank);
                item.variations.forEach(function (v) {
                    var o = document.createElement("option");
                    o.value = String(v.id);
                    o.textContent = v.name + " — " + v.price_text;
                    if (String(v.id) === selected[guid]) { o.selected = true; }
                    sel.appendChild(o);
                });
                sel.addEventListener("change", function () { selected[guid] = sel.value; renderSelection(); });
                li.appendChild(sel);
            }
            var rm = document.createElement("button");
            rm.type = "button";
            rm.className = "btn btn-link btn-sm ts-remove";
            rm.textContent = T.remove;
            rm.setAttribute("aria-label", T.remove + ": " + s.l);
            rm.addEventListener("click", function () { toggle(guid); });
            li.appendChild(rm);
            list.appendChild(li);
            var input = document.createElement("input");
            input.type = "hidden";
            input.name = "seat_" + s.i + (selected[guid] ? "_" + selected[guid] : "");
            input.value = guid;
            inputs.appendChild(input);
        });
        var sum = root.querySelector(".ts-total");
        sum.textContent = order.length ? T.total + ": " + money(total) : "";
        addButton.disabled = !order.length;
        markCheckout(order.length > 0);
    }

    /* pretix's check sees a choice exactly while seats are chosen: with none, its own dialog still says so */
    function markCheckout(on) {
        if (on && addButton.parentNode !== checkoutMark) {
            addButton.parentNode.insertBefore(checkoutMark, addButton);
            checkoutMark.appendChild(addButton);
        } else if (!on && addButton.parentNode === checkoutMark) {
            checkoutMark.parentNode.insertBefore(addButton, checkoutMark);
            checkoutMark.parentNode.removeChild(checkoutMark);
        }
    }

    /* ---------- live availability ---------- */
    function applyStates(next) {
        var lost = [];
        Object.keys(next).forEach(function (guid) {
            if (selected.hasOwnProperty(guid) && next[guid] !== "f") { lost.push(guid); }
        });
        states = next;
        lost.forEach(function (guid) {
            delete selected[guid];
            order = order.filter(function (g) { return g !== guid; });
        });
        Object.keys(elements).forEach(paint);
        if (lost.length) {
            renderSelection();
            showError(lost.map(function (g) { return fmt(T.takenNow, {seat: byGuid[g].l}); }).join(" "));
        }
        return lost;
    }
    function refresh() {
        return fetch(root.getAttribute("data-availability-url"), {credentials: "same-origin",
            headers: {"Accept": "application/json"}})
            .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
            .then(function (j) { return applyStates(j.seats); })
            .catch(function () { return null; });
    }
    window.setInterval(function () { if (!document.hidden) { refresh(); } }, Math.max(5, data.refresh || 15) * 1000);
    document.addEventListener("visibilitychange", function () { if (!document.hidden) { refresh(); } });

    /* ---------- submit: ask the server first, then pretix's cart ---------- */
    document.addEventListener("submit", function (e) {
        if (e.target !== form || checkedSubmit || !order.length) { return; }
        e.preventDefault();
        e.stopPropagation();
        var missing = order.filter(function (g) {
            return (data.items[String(byGuid[g].i)] || {variations: []}).variations.length > 1 && !selected[g];
        });
        if (missing.length) { showError(fmt(T.chooseVariation, {seat: byGuid[missing[0]].l})); return; }
        say(T.checking);
        var url = root.getAttribute("data-check-url") + order.map(function (g) {
            return "&seat=" + encodeURIComponent(g);
        }).join("");
        fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
            .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
            .then(function (j) {
                if (j.ok) {
                    checkedSubmit = true;
                    if (form.requestSubmit) { form.requestSubmit(addButton); } else { form.submit(); }
                    window.setTimeout(function () { checkedSubmit = false; }, 500);
                    return;
                }
                if (j.taken && j.taken.length) {
                    var next = Object.assign({}, states);
                    j.taken.forEach(function (g) { next[g] = "x"; });
                    applyStates(next);
                    refresh();
                } else {
                    showError(j.errors.join(" "));
                }
            })
            .catch(function () { showError(T.failed); });
    }, true);

    /* ---------- mouse, touch, keyboard ---------- */
    var pointers = {}, dragStart = null, pinchStart = null, moved = false;
    svg.addEventListener("pointerdown", function (e) {
        pointers[e.pointerId] = {x: e.clientX, y: e.clientY};
        try { svg.setPointerCapture(e.pointerId); } catch (err) { /* a pointer the browser no longer tracks */ }
        moved = false;
        var ids = Object.keys(pointers);
        if (ids.length === 1) {
            dragStart = {x: e.clientX, y: e.clientY, view: Object.assign({}, view)};
        } else if (ids.length === 2) {
            var a = pointers[ids[0]], b = pointers[ids[1]];
            pinchStart = {dist: Math.hypot(a.x - b.x, a.y - b.y), view: Object.assign({}, view),
                centre: toSvg((a.x + b.x) / 2, (a.y + b.y) / 2)};
            dragStart = null;
        }
    });
    svg.addEventListener("pointermove", function (e) {
        if (!pointers[e.pointerId]) { return; }
        pointers[e.pointerId] = {x: e.clientX, y: e.clientY};
        var ids = Object.keys(pointers);
        var r = svg.getBoundingClientRect();
        var scale = Math.min(r.width / view.w, r.height / view.h);
        if (ids.length === 2 && pinchStart) {
            var a = pointers[ids[0]], b = pointers[ids[1]];
            var dist = Math.hypot(a.x - b.x, a.y - b.y);
            if (dist > 0) {
                view = Object.assign({}, pinchStart.view);
                zoom(dist / pinchStart.dist, pinchStart.centre.x, pinchStart.centre.y);
                moved = true;
            }
        } else if (dragStart) {
            var dx = e.clientX - dragStart.x, dy = e.clientY - dragStart.y;
            if (Math.abs(dx) + Math.abs(dy) > 6) { moved = true; }
            if (moved) {
                view.x = dragStart.view.x - dx / scale;
                view.y = dragStart.view.y - dy / scale;
                applyView();
            }
        }
    });
    function pointerEnd(e) {
        var wasPinch = Object.keys(pointers).length > 1;
        delete pointers[e.pointerId];
        if (!Object.keys(pointers).length) {
            if (!moved && !wasPinch && e.type === "pointerup") {
                var target = document.elementFromPoint(e.clientX, e.clientY);
                var g = target && target.closest ? target.closest(".ts-seat") : null;
                if (g && svg.contains(g)) { focusSeat(g.getAttribute("data-guid"), false); toggle(g.getAttribute("data-guid")); }
            }
            dragStart = null;
            pinchStart = null;
        }
    }
    svg.addEventListener("pointerup", pointerEnd);
    svg.addEventListener("pointercancel", pointerEnd);
    svg.addEventListener("wheel", function (e) {
        e.preventDefault();
        var p = toSvg(e.clientX, e.clientY);
        zoom(e.deltaY < 0 ? 1.2 : 1 / 1.2, p.x, p.y);
    }, {passive: false});

    function focusSeat(guid, scroll) {
        if (!elements[guid]) { return; }
        if (focusGuid && elements[focusGuid]) { elements[focusGuid].setAttribute("tabindex", "-1"); }
        focusGuid = guid;
        elements[guid].setAttribute("tabindex", "0");
        elements[guid].focus({preventScroll: true});
        if (scroll !== false) { keepVisible(byGuid[guid]); }
    }
    function neighbour(guid, dx, dy) {
        var s = byGuid[guid], best = null, bestScore = Infinity;
        seats.forEach(function (o) {
            if (o.d !== deck || o.g === guid) { return; }
            var px = (o.x - s.x) * dx + (o.y - s.y) * dy;           // along the direction
            var off = Math.abs((o.x - s.x) * dy) + Math.abs((o.y - s.y) * dx);  // sideways
            if (px <= 0.5) { return; }
            var score = px + off * 3;
            if (score < bestScore) { bestScore = score; best = o; }
        });
        return best;
    }
    svg.addEventListener("keydown", function (e) {
        var dirs = {ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1]};
        if (dirs[e.key]) {
            e.preventDefault();
            if (e.shiftKey) { pan(dirs[e.key][0] * 0.15, dirs[e.key][1] * 0.15); return; }
            var n = focusGuid && neighbour(focusGuid, dirs[e.key][0], dirs[e.key][1]);
            if (n) { focusSeat(n.g); }
        } else if (e.key === "Enter" || e.key === " ") {
            e.preventDefault();
            if (focusGuid) { toggle(focusGuid); }
        } else if (e.key === "+" || e.key === "=") {
            e.preventDefault(); zoom(1.25, undefined, undefined, true);
        } else if (e.key === "-" || e.key === "_") {
            e.preventDefault(); zoom(1 / 1.25, undefined, undefined, true);
        } else if (e.key === "0") {
            e.preventDefault(); resetView(); say(fmt(T.zoom, {percent: 100}));
        }
    });
    svg.addEventListener("focusin", function (e) {
        var g = e.target.closest && e.target.closest(".ts-seat");
        if (g) { focusGuid = g.getAttribute("data-guid"); }
    });

    root.querySelector(".ts-zoom-in").addEventListener("click", function () { zoom(1.25, undefined, undefined, true); });
    root.querySelector(".ts-zoom-out").addEventListener("click", function () { zoom(1 / 1.25, undefined, undefined, true); });
    root.querySelector(".ts-zoom-reset").addEventListener("click", function () { resetView(); say(fmt(T.zoom, {percent: 100})); });

    var tabs = root.querySelectorAll(".ts-deck");
    Array.prototype.forEach.call(tabs, function (tab) {
        tab.addEventListener("click", function () {
            deck = parseInt(tab.getAttribute("data-deck"), 10);
            Array.prototype.forEach.call(tabs, function (t) {
                var on = t === tab;
                t.setAttribute("aria-selected", on ? "true" : "false");
                t.classList.toggle("active", on);
                t.setAttribute("tabindex", on ? "0" : "-1");
            });
            focusGuid = null;
            draw();
            say(fmt(T.deckShown, {deck: data.decks[deck].label}));
        });
        tab.addEventListener("keydown", function (e) {
            if (e.key !== "ArrowLeft" && e.key !== "ArrowRight") { return; }
            e.preventDefault();
            var i = Array.prototype.indexOf.call(tabs, tab) + (e.key === "ArrowRight" ? 1 : -1);
            var next = tabs[(i + tabs.length) % tabs.length];
            next.focus();
            next.click();
        });
    });

    Array.prototype.forEach.call(root.querySelectorAll(".ts-swatch[data-color]"), function (sw) {
        sw.style.background = sw.getAttribute("data-color");
    });
    root.classList.add("ts-ready");
    draw();
    renderSelection();
    stage.removeAttribute("hidden");
}());

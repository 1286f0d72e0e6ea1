/*
 * Prichal seat-map editor: live SVG preview of the JSON (category colours, seat numbers, rows, decks),
 * click-to-paint categories, category flags and translated names, and the generator form.
 */
(function () {
    "use strict";
    var SVGNS = "http://www.w3.org/2000/svg";
    var config = JSON.parse(document.getElementById("ts-editor-config").textContent);
    var T = config.texts;
    var textarea = document.getElementById("ts-layout");
    var svg = document.getElementById("ts-preview");
    var metaInput = document.getElementById("ts-meta");
    var paintSelect = document.getElementById("ts-paint");
    var jsonError = document.getElementById("ts-json-error");
    var meta = {flags: {}, labels: {zones: {}, categories: {}}};
    try { meta = Object.assign(meta, JSON.parse(metaInput.value || "{}")); } catch (e) { /* keep defaults */ }
    meta.flags = meta.flags || {};
    meta.labels = meta.labels || {};
    meta.labels.zones = meta.labels.zones || {};
    meta.labels.categories = meta.labels.categories || {};
    var layout = null;

    function el(name, attrs, parent) {
        var e = document.createElementNS(SVGNS, name);
        Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
        if (parent) { parent.appendChild(e); }
        return e;
    }
    function saveMeta() { metaInput.value = JSON.stringify(meta); }

    /* ---------- preview ---------- */
    function render() {
        while (svg.firstChild) { svg.removeChild(svg.firstChild); }
        if (!layout) { return; }
        var size = layout.size || {width: 800, height: 600};
        svg.setAttribute("viewBox", "0 0 " + size.width + " " + size.height);
        var colours = {};
        (layout.categories || []).forEach(function (c) { colours[c.name] = c.color || "#3b82c4"; });
        var count = 0;
        (layout.zones || []).forEach(function (z, zi) {
            var zp = z.position || {x: 0, y: 0};
            (z.areas || []).forEach(function (a) {
                var p = a.position || {x: 0, y: 0};
                if (a.shape === "rectangle" && a.rectangle) {
                    el("rect", {x: zp.x + p.x, y: zp.y + p.y, width: a.rectangle.width, height: a.rectangle.height,
                        rx: 24, fill: a.color || "none", stroke: a.border_color || "#9aa9b8"}, svg);
                } else if (a.shape === "text" && a.text) {
                    var t = el("text", {x: zp.x + p.x, y: zp.y + p.y, "font-size": a.text.size || 16}, svg);
                    t.textContent = a.text.text;
                }
            });
            var title = el("text", {x: zp.x + 8, y: zp.y + 20, "class": "ts-p-deck"}, svg);
            title.textContent = z.name;
            (z.rows || []).forEach(function (r, ri) {
                var rp = r.position || {x: 0, y: 0};
                var minX = null, rowY = null;
                (r.seats || []).forEach(function (s, si) {
                    var sp = s.position || {x: 0, y: 0};
                    var x = zp.x + rp.x + sp.x, y = zp.y + rp.y + sp.y;
                    var flags = meta.flags[s.category] || {};
                    var c = el("circle", {cx: x, cy: y, r: s.radius || 10, fill: colours[s.category] || "#999",
                        "class": "ts-p-seat" + (flags.sellable === false ? " ts-p-unsold" : "")}, svg);
                    c.addEventListener("click", function () { paint(zi, ri, si); });
                    var title2 = el("title", {}, c);
                    title2.textContent = z.name + ", " + r.row_number + ", " + s.seat_number + " — " + s.category;
                    var n = el("text", {x: x, y: y + 3.5, "class": "ts-p-num"}, svg);
                    n.textContent = s.seat_number;
                    if (flags.wheelchair) {
                        var w = el("text", {x: x + 8, y: y - 6, "class": "ts-p-wc"}, svg);
                        w.textContent = "\u267F";
                    }
                    if (minX === null || x < minX) { minX = x; rowY = y; }
                    count += 1;
                });
                if (minX !== null) {
                    var rt = el("text", {x: minX - 16, y: rowY + 4, "class": "ts-p-row"}, svg);
                    rt.textContent = r.row_number;
                }
            });
        });
        document.getElementById("ts-stats").textContent = count + " " + T.seats + ", " +
            (layout.zones || []).length + " " + T.decks;
    }

    function paint(zi, ri, si) {
        var cat = paintSelect.value;
        if (!cat || textarea.readOnly) { return; }
        layout.zones[zi].rows[ri].seats[si].category = cat;
        textarea.value = JSON.stringify(layout, null, 2);
        render();
    }

    /* ---------- category flags and names, deck names ---------- */
    function nameInputs(tr, kind, name) {
        config.locales.forEach(function (lang) {
            var td = document.createElement("td");
            var input = document.createElement("input");
            input.type = "text";
            input.className = "form-control input-sm";
            input.setAttribute("aria-label", name + " (" + lang + ")");
            input.value = ((meta.labels[kind][name] || {})[lang]) || "";
            input.addEventListener("input", function () {
                meta.labels[kind][name] = meta.labels[kind][name] || {};
                meta.labels[kind][name][lang] = input.value;
                saveMeta();
            });
            td.appendChild(input);
            tr.appendChild(td);
        });
    }
    function checkbox(tr, name, key, dflt) {
        var td = document.createElement("td");
        var input = document.createElement("input");
        input.type = "checkbox";
        var flags = meta.flags[name] || {};
        input.checked = flags[key] === undefined ? dflt : !!flags[key];
        input.setAttribute("aria-label", name + ": " + key);
        input.addEventListener("change", function () {
            meta.flags[name] = meta.flags[name] || {};
            meta.flags[name][key] = input.checked;
            saveMeta();
            render();
        });
        td.appendChild(input);
        tr.appendChild(td);
    }
    function tables() {
        var cats = document.getElementById("ts-cats"), decks = document.getElementById("ts-decks");
        cats.innerHTML = "";
        decks.innerHTML = "";
        var current = paintSelect.value;
        paintSelect.innerHTML = "";
        paintSelect.appendChild(new Option(paintSelect.getAttribute("data-none") || "—", ""));
        if (!layout) { return; }
        (layout.categories || []).forEach(function (c) {
            var tr = document.createElement("tr");
            var td = document.createElement("td");
            var sw = document.createElement("span");
            sw.className = "ts-swatch";
            sw.textContent = "\u25CF ";
            sw.style.color = c.color || "#3b82c4";
            td.appendChild(sw);
            td.appendChild(document.createTextNode(c.name));
            tr.appendChild(td);
            checkbox(tr, c.name, "wheelchair", false);
            checkbox(tr, c.name, "sellable", true);
            nameInputs(tr, "categories", c.name);
            cats.appendChild(tr);
            paintSelect.appendChild(new Option(c.name, c.name, false, c.name === current));
        });
        (layout.zones || []).forEach(function (z) {
            var tr = document.createElement("tr");
            var td = document.createElement("td");
            td.textContent = z.name;
            tr.appendChild(td);
            nameInputs(tr, "zones", z.name);
            decks.appendChild(tr);
        });
    }

    var timer = null;
    function parse() {
        try {
            layout = textarea.value.trim() ? JSON.parse(textarea.value) : null;
            jsonError.textContent = "";
        } catch (e) {
            jsonError.textContent = T.invalid + " " + e.message;
            return;
        }
        tables();
        render();
    }
    paintSelect.setAttribute("data-none", paintSelect.options[0] ? paintSelect.options[0].text : "—");
    textarea.addEventListener("input", function () { window.clearTimeout(timer); timer = window.setTimeout(parse, 300); });
    parse();
    saveMeta();

    /* ---------- generator ---------- */
    var gen = document.getElementById("ts-generator");
    if (!gen) { return; }
    var catBody = document.getElementById("ts-g-cats"), deckBox = document.getElementById("ts-g-decks");
    var palette = ["#3b82c4", "#2e9e6a", "#c9712d", "#8e5bb5", "#c2416b", "#6b7a8f"];

    function field(label, type, value, attrs) {
        var wrap = document.createElement("label");
        wrap.className = "ts-g-field";
        wrap.appendChild(document.createTextNode(label + " "));
        var input = document.createElement("input");
        input.type = type;
        input.className = "form-control input-sm";
        input.value = value;
        Object.keys(attrs || {}).forEach(function (k) { input.setAttribute(k, attrs[k]); });
        wrap.appendChild(input);
        return {wrap: wrap, input: input};
    }
    function addCategory(name, color) {
        var tr = document.createElement("tr");
        var n = field("", "text", name || ""), c = field("", "color", color || palette[catBody.children.length % 6]);
        n.input.setAttribute("aria-label", T.category);
        c.input.setAttribute("aria-label", T.category + " colour");
        var td1 = document.createElement("td"), td2 = document.createElement("td"), td3 = document.createElement("td");
        td1.appendChild(n.input); td2.appendChild(c.input);
        var rm = document.createElement("button");
        rm.type = "button"; rm.className = "btn btn-link btn-sm"; rm.textContent = T.remove;
        rm.addEventListener("click", function () { tr.remove(); });
        td3.appendChild(rm);
        tr.appendChild(td1); tr.appendChild(td2); tr.appendChild(td3);
        tr.tsName = n.input; tr.tsColor = c.input;
        catBody.appendChild(tr);
    }
    function addSection(list, s) {
        s = s || {};
        var div = document.createElement("div");
        div.className = "form-inline ts-g-section";
        var rows = field(T.rows, "number", s.rows || 6, {min: 1, max: 200});
        var seats = field(T.seatsPerRow, "number", s.seats || 10, {min: 1, max: 200});
        var aisles = field(T.aisles, "text", (s.aisles_after || []).join(", "));
        var first = field(T.firstRow, "number", s.first_row || "", {min: 1, max: 999});
        var cat = field(T.category, "text", s.category || T.defaultCategory);
        var numbering = document.createElement("select");
        numbering.className = "form-control input-sm";
        numbering.setAttribute("aria-label", T.numbering);
        numbering.appendChild(new Option(T.ltr, "ltr"));
        numbering.appendChild(new Option(T.rtl, "rtl", false, s.numbering === "rtl"));
        var rm = document.createElement("button");
        rm.type = "button"; rm.className = "btn btn-link btn-sm"; rm.textContent = T.remove;
        rm.addEventListener("click", function () { div.remove(); });
        [rows, seats, aisles, first, cat].forEach(function (f) { div.appendChild(f.wrap); div.appendChild(document.createTextNode(" ")); });
        div.appendChild(numbering);
        div.appendChild(rm);
        div.tsRead = function () {
            return {rows: rows.input.value, seats: seats.input.value, first_row: first.input.value || null,
                aisles_after: aisles.input.value.split(",").map(function (x) { return x.trim(); }).filter(Boolean),
                category: cat.input.value, numbering: numbering.value};
        };
        list.appendChild(div);
    }
    function addDeck(name, sections) {
        var box = document.createElement("div");
        box.className = "ts-g-deck";
        var n = field(T.deckName, "text", name || T.defaultDeck);
        box.appendChild(n.wrap);
        var list = document.createElement("div");
        box.appendChild(list);
        (sections && sections.length ? sections : [null]).forEach(function (s) { addSection(list, s); });
        var add = document.createElement("button");
        add.type = "button"; add.className = "btn btn-default btn-xs"; add.textContent = T.addSection;
        add.addEventListener("click", function () { addSection(list); });
        var rm = document.createElement("button");
        rm.type = "button"; rm.className = "btn btn-link btn-xs"; rm.textContent = T.remove;
        rm.addEventListener("click", function () { box.remove(); });
        box.appendChild(add); box.appendChild(rm);
        box.tsRead = function () {
            return {name: n.input.value, sections: Array.prototype.map.call(list.children, function (d) { return d.tsRead(); })};
        };
        deckBox.appendChild(box);
    }
    if (layout && layout.categories) {
        layout.categories.forEach(function (c) { addCategory(c.name, c.color); });
    } else {
        addCategory(T.defaultCategory, palette[0]);
    }
    addDeck(T.defaultDeck);
    document.getElementById("ts-g-add-cat").addEventListener("click", function () { addCategory("", null); });
    document.getElementById("ts-g-add-deck").addEventListener("click", function () { addDeck("", null); });
    document.getElementById("ts-g-run").addEventListener("click", function () {
        var errors = document.getElementById("ts-g-errors");
        var spec = {
            name: document.getElementById("ts-g-name").value,
            categories: Array.prototype.map.call(catBody.children, function (tr) {
                return {name: tr.tsName.value, color: tr.tsColor.value};
            }),
            decks: Array.prototype.map.call(deckBox.children, function (b) { return b.tsRead(); })
        };
        var csrf = document.querySelector("#ts-editor-form input[name=csrfmiddlewaretoken]").value;
        fetch(config.generateUrl, {method: "POST", credentials: "same-origin", body: JSON.stringify(spec),
            headers: {"Content-Type": "application/json", "X-CSRFToken": csrf}})
            .then(function (r) { return r.json(); })
            .then(function (j) {
                if (j.errors) {
                    errors.innerHTML = "";
                    j.errors.forEach(function (m) { var p = document.createElement("p"); p.textContent = m; errors.appendChild(p); });
                    errors.hidden = false;
                    return;
                }
                errors.hidden = true;
                textarea.value = JSON.stringify(j.layout, null, 2);
                parse();
            });
    });
}());

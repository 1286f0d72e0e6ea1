/*
 * Live SMS length counter for the notification texts (Settings → Notifications).
 *
 * The rules are those of ticketing_core/notifications/sms/segments.py (tests compare the two):
 * GSM 7-bit when every character is in the GSM 03.38 basic or extension table, else UCS-2;
 * GSM-7: 160 septets in one SMS, 153 per part, extension characters count 2;
 * UCS-2: 70 UTF-16 units in one SMS, 67 per part, characters outside the BMP count 2;
 * a 2-unit character is never split between two parts.
 * Placeholders are filled with the page's sample values for the textarea's language and whitespace is
 * collapsed, as service.render does, so the count is that of a typical real message.
 * No external scripts; the texts come translated from the page (json_script).
 */
(function () {
    "use strict";

    var GSM7_BASIC = "@\u00a3$\u00a5\u00e8\u00e9\u00f9\u00ec\u00f2\u00c7\n\u00d8\u00f8\r\u00c5\u00e5" +
        "\u0394_\u03a6\u0393\u039b\u03a9\u03a0\u03a8\u03a3\u0398\u039e\u00c6\u00e6\u00df\u00c9" +
        " !\"#\u00a4%&'()*+,-./0123456789:;<=>?" +
        "\u00a1ABCDEFGHIJKLMNOPQRSTUVWXYZ\u00c4\u00d6\u00d1\u00dc\u00a7" +
        "\u00bfabcdefghijklmnopqrstuvwxyz\u00e4\u00f6\u00f1\u00fc\u00e0";
    var GSM7_EXTENSION = "\f[\\]^{|}~\u20ac";
    var GSM7_SINGLE = 160, GSM7_PART = 153, UCS2_SINGLE = 70, UCS2_PART = 67;
    var MAX_SEGMENTS = 2;

    function isGsm7(chars) {
        for (var i = 0; i < chars.length; i++) {
            if (GSM7_BASIC.indexOf(chars[i]) < 0 && GSM7_EXTENSION.indexOf(chars[i]) < 0) {
                return false;
            }
        }
        return true;
    }

    function countSegments(text) {
        var chars = Array.from(text);  // code points, like len() of a Python str
        var gsm = isGsm7(chars);
        var single = gsm ? GSM7_SINGLE : UCS2_SINGLE, perPart = gsm ? GSM7_PART : UCS2_PART;
        var costs = chars.map(function (ch) {
            if (gsm) {
                return GSM7_EXTENSION.indexOf(ch) >= 0 ? 2 : 1;
            }
            return ch.codePointAt(0) > 0xFFFF ? 2 : 1;
        });
        var units = costs.reduce(function (a, b) { return a + b; }, 0);
        var result = {encoding: gsm ? "GSM-7" : "UCS-2", characters: chars.length, units: units};
        if (units <= single) {
            result.segments = chars.length ? 1 : 0;
            result.per_segment = single;
            result.remaining = single - units;
            return result;
        }
        var parts = 1, used = 0;
        costs.forEach(function (cost) {
            if (used + cost > perPart) {
                parts += 1;
                used = cost;
            } else {
                used += cost;
            }
        });
        result.segments = parts;
        result.per_segment = perPart;
        result.remaining = perPart - used;
        return result;
    }

    // pretix's format_map: {name} is replaced when known, kept otherwise; {{ and }} are literal braces.
    function fill(template, values) {
        var filled = template.replace(/\{\{|\}\}|\{([^{}]*)\}/g, function (match, name) {
            if (match === "{{") { return "{"; }
            if (match === "}}") { return "}"; }
            return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : match;
        });
        return filled.split(/\s+/).filter(function (s) { return s.length; }).join(" ");
    }

    function format(template, values) {
        return template.replace(/\{(\w+)\}/g, function (match, name) {
            return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : match;
        });
    }

    function readJson(id) {
        var el = document.getElementById(id);
        return el ? JSON.parse(el.textContent) : null;
    }

    function attach(textarea, samples, labels) {
        var out = document.createElement("p");
        out.className = "small ticketing-sms-count";
        out.setAttribute("aria-live", "polite");
        textarea.parentNode.insertBefore(out, textarea.nextSibling);
        var lang = textarea.getAttribute("lang") || "";
        function update() {
            var values = samples[lang] || samples[Object.keys(samples)[0]] || {};
            var seg = countSegments(fill(textarea.value, values));
            var text = format(labels.count, seg) + " · " + format(labels.remaining, seg);
            out.textContent = text;
            out.classList.toggle("text-danger", seg.segments > MAX_SEGMENTS);
            out.classList.toggle("text-muted", seg.segments <= MAX_SEGMENTS);
            if (seg.segments > MAX_SEGMENTS) {
                out.textContent = text + " · " + labels.too_long;
            }
        }
        textarea.addEventListener("input", update);
        update();
    }

    function init() {
        var samples = readJson("ticketing-sms-samples");
        var labels = readJson("ticketing-sms-labels");
        if (!samples || !labels) {
            return;
        }
        document.querySelectorAll("textarea[data-sms-counter]").forEach(function (textarea) {
            attach(textarea, samples, labels);
        });
    }

    window.TicketingSms = {countSegments: countSegments, fill: fill};
    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", init);
    } else {
        init();
    }
}());

#!/usr/bin/env python3
"""Build the catalogues that complete pretix's own translations: i18n/<lang>/LC_MESSAGES/django.po and djangojs.po.

pretix.cfg sets ``[languages] path=i18n``; pretix puts that directory first in LOCALE_PATHS, so a
message translated there wins over pretix's own catalogue (and fills in what pretix has left
untranslated or fuzzy, which gettext ignores).

The catalogues hold only the pretix messages of selected source files: the entries of pretix's
template (pretix/locale/django.pot, and djangojs.pot for the JavaScript catalogue that pretix's
/jsi18n/<lang>/ view serves, also from LOCALE_PATHS) whose ``#:`` references name one of those files
(DEFAULT_SOURCES and DEFAULT_JS_SOURCES below). For each entry
the translation comes from

1. pretix's own catalogue for the language, when it is translated there (non-empty, not fuzzy);
2. otherwise our catalogue, when it already has one (also a fuzzy one, which stays fuzzy);
3. otherwise the entry is written untranslated for a translator to fill in.

To replace a translation of pretix deliberately (pretix's wording is wrong for us), put a translator
comment ``# override`` on our entry: then our translation wins over pretix's.

Re-runnable: our translations are kept. An entry that is no longer selected (pretix dropped or changed
the msgid, or the source list got shorter) is kept at the end of the file as an obsolete ``#~`` entry if
it was translated, and is taken up again when it comes back. References, extracted comments and flags
(python-format, ...) are copied from pretix's template, so ``msgfmt --check`` checks the placeholders.

Usage (from the repository root, with the project's virtualenv):

    .venv/bin/python tools/make_pretix_overrides.py                 # the default sources below
    .venv/bin/python tools/make_pretix_overrides.py pretix/presale/  # a directory: all files under it
    .venv/bin/python tools/make_pretix_overrides.py --check         # exit 1 if out of date/untranslated
    .venv/bin/python tools/make_pretix_overrides.py --stats         # translated/total per catalogue
    .venv/bin/python tools/make_pretix_overrides.py --domain djangojs pretix/static/pretixpresale/

Sources are paths as in pretix's ``#:`` comments (pretix/base/services/cart.py); a path ending in "/"
selects every file under it, and ``*``/``?`` match within one path segment
(pretix/presale/templates/pretixpresale/event/fragment_*.html). Afterwards translate the empty entries
and run ``make messages``.
"""
import argparse
import datetime
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "i18n"

# Extend this list for further slices (the catalogues keep what is already translated).
_CONTROL_TPL = "pretix/control/templates/pretixcontrol/"
_PRESALE_TPL = "pretix/presale/templates/pretixpresale/"
DEFAULT_SOURCES = [
    # What a buyer sees when putting tickets in the cart, ordering, paying, changing or cancelling
    # fails or succeeds.
    "pretix/base/services/cart.py",
    "pretix/base/services/orders.py",
    "pretix/base/services/cancelevent.py",
    "pretix/presale/views/cart.py",
    "pretix/presale/views/order.py",
    # The back office's main frame: navigation, login, dashboards, the event and date editors, the
    # action log, and the form widgets every settings page uses (event/base.html has no messages of
    # its own: it extends base.html).
    "pretix/control/navigation.py",
    _CONTROL_TPL + "base.html",
    _CONTROL_TPL + "organizers/base.html",
    _CONTROL_TPL + "event/settings_base.html",
    _CONTROL_TPL + "event/index.html",
    _CONTROL_TPL + "auth/login.html",
    _CONTROL_TPL + "dashboard.html",
    _CONTROL_TPL + "includes/logs.html",
    _CONTROL_TPL + "subevents/",
    "pretix/base/forms/__init__.py",
    "pretix/base/forms/widgets.py",
    # The storefront's main pages and the checkout: organizer and event pages, product list, cart,
    # checkout steps and their forms (names, e-mail, questions), the order page and cancelling.
    _PRESALE_TPL + "base.html",
    _PRESALE_TPL + "organizers/base.html",
    _PRESALE_TPL + "organizers/index.html",
    _PRESALE_TPL + "event/base.html",
    _PRESALE_TPL + "event/index.html",
    _PRESALE_TPL + "event/fragment_*.html",
    _PRESALE_TPL + "event/checkout_*.html",
    _PRESALE_TPL + "event/order.html",
    _PRESALE_TPL + "event/order_cancel.html",
    "pretix/presale/checkoutflow.py",
    "pretix/presale/forms/checkout.py",
    "pretix/base/forms/questions.py",
    # Orders in the back office: order list, search and filters, the order page and its actions
    # (payments, refunds, changes, cancellation), order and payment status names, and the texts of
    # the payment providers (including manual payment) that customers and staff see.
    _CONTROL_TPL + "order/",
    _CONTROL_TPL + "orders/",
    "pretix/control/views/orders.py",
    "pretix/control/forms/orders.py",
    "pretix/control/forms/filter.py",
    "pretix/base/models/orders.py",
    "pretix/base/payment.py",
    "pretix/plugins/manualpayment/",
    # Dates and products: the product, category, question and quota editors, the date editors of an
    # event series (templates in subevents/, listed above), and the product, date and event models.
    _CONTROL_TPL + "items/",
    "pretix/control/forms/item.py",
    "pretix/control/forms/subevents.py",
    "pretix/control/views/item.py",
    "pretix/control/views/subevents.py",
    "pretix/base/models/items.py",
    "pretix/base/models/event.py",
    # Event settings: every settings page of an event (general, payment, tickets, e-mail, invoices,
    # taxes, plugins, ...), their forms and views, and the labels and help texts of all settings.
    _CONTROL_TPL + "event/",
    "pretix/control/forms/event.py",
    "pretix/control/views/event.py",
    "pretix/base/settings.py",
    # Organizer pages and teams: the organizer's settings, teams, members and their permissions,
    # customers, gift cards, devices, webhooks and other organizer-level pages (organizers/base.html,
    # listed above, is part of this directory).
    _CONTROL_TPL + "organizers/",
    "pretix/control/forms/organizer.py",
    "pretix/control/views/organizer.py",
    "pretix/base/permissions.py",
    # E-mails customers receive: the mail frame and its templates, the placeholders of mail texts (the
    # default mail texts themselves are in pretix/base/settings.py, listed above), and the texts of
    # invoice PDFs and invoice transmission.
    "pretix/base/email.py",
    "pretix/base/services/mail.py",
    "pretix/base/services/placeholders.py",
    "pretix/base/templates/pretixbase/email/",
    "pretix/base/services/invoices.py",
    "pretix/base/invoicing/",
    # The pretix plugins the operator uses: sending e-mails to customers, statistics, check-in lists
    # and their exports, PDF ticket output and its editor, reports, web check-in and bank transfer
    # (manual payment is listed above; Stripe and PayPal are not used).
    "pretix/plugins/sendmail/",
    "pretix/plugins/statistics/",
    "pretix/plugins/checkinlists/",
    "pretix/plugins/ticketoutputpdf/",
    "pretix/plugins/reports/",
    "pretix/plugins/webcheckin/",
    "pretix/plugins/banktransfer/",
    # The remaining back-office pages staff use: vouchers, the waiting list, check-in lists and the
    # check-in simulator, the user's account settings and two-factor authentication, login, password
    # reset and invitations, the PDF editor, the e-mails pretix sends to staff (confirmation codes,
    # password reset, invitations, sign-in and security notices), and the exporters (their names,
    # options and column headers) with the export service.
    _CONTROL_TPL + "vouchers/",
    _CONTROL_TPL + "waitinglist/",
    _CONTROL_TPL + "checkin/",
    _CONTROL_TPL + "user/",
    _CONTROL_TPL + "auth/",
    _CONTROL_TPL + "pdf/",
    _CONTROL_TPL + "email/",
    "pretix/control/views/vouchers.py",
    "pretix/control/views/checkin.py",
    "pretix/control/views/waitinglist.py",
    "pretix/control/views/user.py",
    "pretix/control/views/auth.py",
    "pretix/control/forms/vouchers.py",
    "pretix/control/forms/checkin.py",
    "pretix/base/exporters/",
    "pretix/base/services/export.py",
    # Everything else the customer sees: all storefront templates (organizer and event pages, order
    # and position pages, the customer account pages, widgets, fragments), all storefront views and
    # forms, the customer login forms, and pretix's base templates (ticket PDF defaults, mail layouts).
    _PRESALE_TPL,
    "pretix/presale/views/",
    "pretix/presale/forms/",
    "pretix/base/forms/auth.py",
    "pretix/base/templates/pretixbase/",
    # The action log of orders, events and organizers ("Order history" and the logs of every other
    # object): the texts of all log entries, the names of the objects they link to, and the note
    # about log entries of inactive plugins (the log texts of the plugins we use are in their
    # directories, listed above).
    "pretix/control/logdisplay.py",
    "pretix/base/logentrytypes.py",
    "pretix/base/logentrytype_registry.py",
    # The rest of what customers can meet: every model's messages (order, position, payment and refund
    # states, customer accounts, vouchers, memberships, gift cards, tax rules such as "incl. 22% VAT",
    # seats, check-ins, discounts), every service (check-in, pricing, tickets, notifications, refunds,
    # memberships, shredder, ...), the ticket PDF layout's texts and variables, sales channels, address
    # and other validators, the error pages and pretix's views shared by shop and back office, country
    # names pretix adds, relative dates of the "sell until"/"refund until" settings, and the calendar
    # files (ical) of the shop.
    "pretix/presale/",
    "pretix/base/models/",
    "pretix/base/services/",
    "pretix/base/pdf.py",
    "pretix/base/ticketoutput.py",
    "pretix/base/context.py",
    "pretix/base/channels.py",
    "pretix/base/validators.py",
    "pretix/base/addressvalidation.py",
    "pretix/base/views/",
    "pretix/base/forms/",
    "pretix/base/reldate.py",
    "pretix/helpers/",
    "pretix/base/exporter.py",
    # The rest of the staff's daily screens: the product editor's remaining pages (item/), the event
    # list and creation wizard, pagination, search, quota boxes, widgets, the dashboard widgets,
    # automatic discounts, the recurrence rules that create the dates of a series, the waiting list
    # form, the PDF editor's view, the time frames of filters and exports, the event timeline, the
    # staff notifications, and the data shredder (deleting personal data, 152-FZ).
    _CONTROL_TPL + "item/",
    _CONTROL_TPL + "events/",
    _CONTROL_TPL + "pagination.html",
    _CONTROL_TPL + "pagination_huge.html",
    _CONTROL_TPL + "fragment_*.html",
    _CONTROL_TPL + "search/",
    _CONTROL_TPL + "select2_widget.html",
    _CONTROL_TPL + "multi_languages_widget.html",
    _CONTROL_TPL + "shredder/",
    "pretix/control/views/dashboards.py",
    "pretix/control/views/discounts.py",
    "pretix/control/views/typeahead.py",
    "pretix/control/views/main.py",
    "pretix/control/views/mail.py",
    "pretix/control/views/pdf.py",
    "pretix/control/views/__init__.py",
    "pretix/control/views/shredder.py",
    "pretix/control/forms/rrule.py",
    "pretix/control/forms/waitinglist.py",
    "pretix/control/forms/__init__.py",
    "pretix/control/middleware.py",
    "pretix/control/templatetags/",
    "pretix/base/timeframes.py",
    "pretix/base/timeline.py",
    "pretix/base/notifications.py",
    "pretix/base/shredder.py",
    # Error pages (bad request, forbidden, not found, server error, CSRF failure, unknown host name), the
    # language names and other global texts, the e-mail server set-up of organizers and events, the import
    # of orders and vouchers from CSV files (promo-code batches), custom domains, plugin categories, the
    # rest of the control forms and templates staff meet in these pages.
    "pretix/base/templates/",
    "pretix/settings.py",
    "pretix/_base_settings.py",
    "pretix/base/auth.py",
    "pretix/base/plugins.py",
    "pretix/base/secrets.py",
    "pretix/base/media.py",
    "pretix/multidomain/models.py",
    _CONTROL_TPL + "email_setup*.html",
    _CONTROL_TPL + "font_option.html",
    "pretix/control/forms/mailsetup.py",
    "pretix/control/views/mailsetup.py",
    "pretix/control/forms/exports.py",
    "pretix/control/permissions.py",
    "pretix/base/modelimport.py",
    "pretix/base/modelimport_orders.py",
    "pretix/base/modelimport_vouchers.py",
    "pretix/control/forms/modelimport.py",
    "pretix/control/forms/mapping.py",
    "pretix/control/views/modelimport.py",
]

# The JavaScript catalogue (djangojs): the shop's scripts (cart expiry timer, questions, wallet
# detection, asynchronous tasks, address form, lightbox), the embeddable widget, and the back office's
# scripts (editor, check-in rules, mail, statistics, web check-in, bank transfer). Stripe and PayPal
# are not used.
DEFAULT_JS_SOURCES = [
    "pretix/static/pretixpresale/",
    "pretix/static/pretixbase/",
    "pretix/static/lightbox/",
    "pretix/static/pretixcontrol/",
    "pretix/plugins/webcheckin/",
    "pretix/plugins/statistics/",
    "pretix/plugins/banktransfer/",
]

DOMAINS = {"django": DEFAULT_SOURCES, "djangojs": DEFAULT_JS_SOURCES}

LANGUAGES = {
    "ru": (
        "Russian",
        "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    ),
    "zh_Hans": ("Chinese (Simplified)", "nplurals=1; plural=0;"),
}

OVERRIDE_MARK = "override"
WIDTH = 79


def pretix_dir() -> Path:
    try:
        import pretix
    except ImportError:
        found = sorted(ROOT.glob(".venv/lib/python*/site-packages/pretix/__init__.py"))
        if not found:
            sys.exit("pretix not found: run with the project's virtualenv (.venv/bin/python)")
        return found[-1].parent
    return Path(pretix.__file__).resolve().parent


# --- reading and writing .po files -----------------------------------------------------------------

class Entry:
    def __init__(self):
        self.comments = []    # "# ..." translator comments (text after "# ")
        self.extracted = []   # "#. ..."
        self.refs = []        # "#: ..." (each reference separately)
        self.flags = []       # "#, ..."
        self.previous = []    # "#| ..." raw lines
        self.msgctxt = None
        self.msgid = ""
        self.msgid_plural = None
        self.msgstr = {}      # index -> text; index 0 only for singular entries
        self.obsolete = False

    @property
    def key(self):
        return (self.msgctxt, self.msgid)

    @property
    def fuzzy(self):
        return "fuzzy" in self.flags

    def forms(self, nplurals):
        n = nplurals if self.msgid_plural is not None else 1
        return [self.msgstr.get(i, "") for i in range(n)]

    def translated(self, nplurals):
        return not self.fuzzy and all(self.forms(nplurals))

    def has_text(self):
        return any(self.msgstr.values())


_UNESCAPE = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


def unquote(s):
    s = s.strip()
    if not (len(s) >= 2 and s[0] == s[-1] == '"'):
        raise ValueError(f"not a quoted string: {s!r}")
    return re.sub(r'\\(.)', lambda m: _UNESCAPE.get(m.group(1), "\\" + m.group(1)), s[1:-1])


def parse_po(path):
    """The entries of a .po/.pot file in order; the header is the entry with msgid ""."""
    entries = []
    cur = Entry()
    field = None  # (attribute, plural index) that continuation lines extend
    started = False  # cur has a keyword line

    def finish():
        nonlocal cur, started, field
        if started:
            entries.append(cur)
        cur, started, field = Entry(), False, None

    with open(path, encoding="utf-8") as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            obsolete = False
            if line.startswith("#~"):
                obsolete = True
                line = line[2:].lstrip(" ")
                if line.startswith("|"):  # "#~|" previous of an obsolete entry
                    line = "#" + line
            stripped = line.strip()
            if not stripped:
                if not obsolete:
                    finish()
                continue
            try:
                if stripped.startswith("#"):
                    if started:
                        finish()
                    tag = stripped[1:2]
                    text = stripped[2:].strip() if tag in ".:,|" else stripped[1:].lstrip(" ")
                    if tag == ".":
                        cur.extracted.append(text)
                    elif tag == ":":
                        cur.refs.extend(text.split())
                    elif tag == ",":
                        cur.flags.extend(x.strip() for x in text.split(",") if x.strip())
                    elif tag == "|":
                        cur.previous.append(stripped)
                    else:
                        cur.comments.append(stripped[1:].lstrip(" ") if stripped != "#" else "")
                    continue
                if stripped.startswith('"'):
                    if field is None:
                        raise ValueError("continuation line without a keyword")
                    attr, idx = field
                    if attr == "msgstr":
                        cur.msgstr[idx] += unquote(stripped)
                    else:
                        setattr(cur, attr, getattr(cur, attr) + unquote(stripped))
                    continue
                m = re.match(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$', stripped)
                if not m:
                    raise ValueError("unrecognised line")
                keyword, idx, value = m.group(1), m.group(2), unquote(m.group(3))
                if keyword in ("msgctxt", "msgid") and cur.msgstr:
                    finish()  # a new entry without a blank line in between
                started = True
                cur.obsolete = obsolete
                if keyword.startswith("msgstr"):
                    i = int(idx) if idx is not None else 0
                    cur.msgstr[i] = value
                    field = ("msgstr", i)
                else:
                    setattr(cur, keyword, value)
                    field = (keyword, None)
            except ValueError as e:
                sys.exit(f"{path}:{lineno}: {e}: {raw.rstrip()!r}")
    finish()
    return entries


def escape(s):
    return (s.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\r", "\\r")
            .replace("\n", "\\n"))


def wrap_string(keyword, s, prefix=""):
    """gettext-style lines for `keyword "s"`: split after each \\n, wrap long lines at spaces."""
    single = f'{prefix}{keyword} "{escape(s)}"'
    if len(single) <= WIDTH and "\n" not in s[:-1]:
        return [single]
    room = WIDTH - len(prefix) - 2
    lines = [f'{prefix}{keyword} ""']
    for segment in re.findall(r"[^\n]*\n|[^\n]+", s):
        chunk = ""
        for word in re.findall(r"\S*\s*|\s+", escape(segment)):
            if not word:
                continue
            if chunk and len(chunk) + len(word) > room:
                lines.append(f'{prefix}"{chunk}"')
                chunk = ""
            chunk += word
        if chunk:
            lines.append(f'{prefix}"{chunk}"')
    return lines


def format_entry(e, nplurals):
    out = [f"# {c}" if c else "#" for c in e.comments]
    if not e.obsolete:
        out += [f"#. {c}" for c in e.extracted]
        line = "#:"
        for ref in e.refs:
            if len(line) + 1 + len(ref) > WIDTH and line != "#:":
                out.append(line)
                line = "#:"
            line += " " + ref
        if line != "#:":
            out.append(line)
    if e.flags:
        out.append("#, " + ", ".join(e.flags))
    prefix = "#~ " if e.obsolete else ""
    if e.msgctxt is not None:
        out += wrap_string("msgctxt", e.msgctxt, prefix)
    out += wrap_string("msgid", e.msgid, prefix)
    if e.msgid_plural is not None:
        out += wrap_string("msgid_plural", e.msgid_plural, prefix)
        for i, text in enumerate(e.forms(nplurals)):
            out += wrap_string(f"msgstr[{i}]", text, prefix)
    else:
        out += wrap_string("msgstr", e.msgstr.get(0, ""), prefix)
    return "\n".join(out)


# --- building the catalogues -----------------------------------------------------------------------

def normalise_source(src, pdir):
    p = Path(src)
    if p.is_absolute():
        try:
            src = "pretix/" + p.resolve().relative_to(pdir).as_posix() + ("/" if p.is_dir() else "")
        except ValueError:
            sys.exit(f"not inside pretix ({pdir}): {src}")
    src = src.replace(os.sep, "/")
    if not src.startswith("pretix/"):
        src = "pretix/" + src
    return src


def source_pattern(src):
    """A regex for the pretix paths that a source selects: a file, a directory ending in "/" (every file
    under it) or a glob whose ``*`` and ``?`` stay within one path segment."""
    rx = "".join("[^/]*" if c == "*" else "[^/]" if c == "?" else re.escape(c) for c in src)
    return re.compile(rx + (".*" if src.endswith("/") else "") + r"\Z")


def selected(entry, patterns):
    for ref in entry.refs:
        path = re.sub(r":\d+$", "", ref)
        if any(p.match(path) for p in patterns):
            return True
    return False


def header_text(lang, pot_header, old_header, stamp):
    name, plural = LANGUAGES[lang]
    fields = {}
    if old_header is not None:
        for ln in old_header.msgstr.get(0, "").splitlines():
            k, sep, v = ln.partition(":")
            if sep:
                fields[k.strip()] = v.strip()
    pot_date = ""
    for ln in pot_header.msgstr.get(0, "").splitlines():
        if ln.startswith("POT-Creation-Date:"):
            pot_date = ln.partition(":")[2].strip()
    wanted = {
        "Project-Id-Version": fields.get("Project-Id-Version", "Prichal pretix overrides"),
        "Report-Msgid-Bugs-To": fields.get("Report-Msgid-Bugs-To", ""),
        "POT-Creation-Date": pot_date,
        "PO-Revision-Date": stamp,
        "Last-Translator": fields.get("Last-Translator", "Prichal team"),
        "Language-Team": fields.get("Language-Team", name),
        "Language": lang,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": plural,
    }
    return "".join(f"{k}: {v}\n" for k, v in wanted.items())


def build(lang, pot, patterns, pdir, stamp, domain="django"):
    nplurals = int(re.search(r"nplurals=(\d+)", LANGUAGES[lang][1]).group(1))
    pretix_po = pdir / "locale" / lang / "LC_MESSAGES" / f"{domain}.po"
    ours_po = OUT_DIR / lang / "LC_MESSAGES" / f"{domain}.po"
    theirs = {e.key: e for e in parse_po(pretix_po) if not e.obsolete and e.msgid} if pretix_po.exists() else {}
    ours_list = parse_po(ours_po) if ours_po.exists() else []
    ours = {}
    for e in ours_list:
        if e.msgid and (e.key not in ours or ours[e.key].obsolete):
            ours[e.key] = e
    old_header = next((e for e in ours_list if e.msgid == "" and e.msgctxt is None), None)

    stats = {"entries": 0, "pretix": 0, "ours": 0, "fuzzy": 0, "untranslated": 0, "obsolete": 0}
    notes = []
    out = []
    for pe in pot:
        if not pe.msgid or not selected(pe, patterns):
            continue
        e = Entry()
        e.msgctxt, e.msgid, e.msgid_plural = pe.msgctxt, pe.msgid, pe.msgid_plural
        e.extracted, e.refs = list(pe.extracted), list(pe.refs)
        e.flags = [f for f in pe.flags if f != "fuzzy"]
        t, o = theirs.get(e.key), ours.get(e.key)
        if o is not None:
            e.comments = list(o.comments)
        keep_ours = o is not None and OVERRIDE_MARK in o.comments and o.has_text()
        if (t is not None and t.translated(nplurals) and (t.msgid_plural is None) == (e.msgid_plural is None)
                and not keep_ours):
            e.msgstr = dict(enumerate(t.forms(nplurals)))
            stats["pretix"] += 1
            if o is not None and o.has_text() and o.forms(nplurals) != t.forms(nplurals):
                notes.append(f"{lang}: pretix's translation replaces ours (mark ours '# {OVERRIDE_MARK}' to keep "
                             f"it): {e.msgid[:60]!r}")
        elif o is not None and o.has_text():
            e.msgstr = dict(enumerate(o.forms(nplurals)))
            if o.fuzzy or o.obsolete and not o.translated(nplurals):
                e.flags.insert(0, "fuzzy")
            if e.translated(nplurals):
                stats["ours"] += 1
            elif e.fuzzy:
                stats["fuzzy"] += 1
            else:
                stats["untranslated"] += 1
        else:
            stats["untranslated"] += 1
        stats["entries"] += 1
        out.append(e)

    taken = {e.key for e in out}
    obsolete = []
    for o in ours_list:
        if o.msgid and o.key not in taken and o.has_text():
            o.obsolete = True
            o.extracted, o.refs, o.previous = [], [], []
            obsolete.append(o)
            stats["obsolete"] += 1

    name = LANGUAGES[lang][0]
    title = (f"# Prichal: {name} translations of pretix messages ({domain}), ahead of pretix's own catalogue\n"
             f"# (pretix.cfg [languages] path=i18n). Generated and merged by tools/make_pretix_overrides.py;\n"
             f"# translate the empty entries, keep the rest. '# {OVERRIDE_MARK}' on an entry: ours beats pretix's.\n")

    def render(stamp_):
        head = Entry()
        head.msgstr = {0: header_text(lang, pot[0], old_header, stamp_)}
        body = [format_entry(head, nplurals)] + [format_entry(e, nplurals) for e in out + obsolete]
        return title + "\n\n".join(body) + "\n"

    # Only a change of content gives a new PO-Revision-Date (re-running changes nothing otherwise).
    old_text = ours_po.read_text(encoding="utf-8") if ours_po.exists() else None
    old_stamp = None
    if old_header is not None:
        m = re.search(r"^PO-Revision-Date: (.*)$", old_header.msgstr.get(0, ""), re.M)
        old_stamp = m.group(1) if m else None
    text = render(old_stamp) if old_stamp else None
    if text is None or text != old_text:
        text = render(stamp)
    return ours_po, old_text, text, stats, notes


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("sources", nargs="*", help="pretix source files, directories ending in / or globs "
                                               "(fragment_*.html); default: DEFAULT_SOURCES (django, "
                                               f"{len(DEFAULT_SOURCES)} paths) and DEFAULT_JS_SOURCES "
                                               f"(djangojs, {len(DEFAULT_JS_SOURCES)} paths) in this script")
    ap.add_argument("--lang", action="append", choices=sorted(LANGUAGES), help="default: all")
    ap.add_argument("--domain", action="append", choices=sorted(DOMAINS),
                    help="default: all; exactly one when sources are given")
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true",
                      help="write nothing; exit 1 if a catalogue is out of date or has untranslated/fuzzy entries")
    mode.add_argument("--stats", action="store_true",
                      help="write nothing; print translated/total of the selected messages per catalogue")
    args = ap.parse_args()

    domains = args.domain or list(DOMAINS)
    if args.sources and len(domains) != 1:
        ap.error("sources given: name their catalogue with one --domain (django or djangojs)")
    pdir = pretix_dir()
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M+0000")

    status = 0
    if args.stats:
        print(f"{'catalogue':<40} {'translated':>10} / {'total':<6} {'of them ours':>12}")
    for domain in domains:
        sources = [normalise_source(s, pdir) for s in (args.sources or DOMAINS[domain])]
        pot = parse_po(pdir / "locale" / f"{domain}.pot")
        if not pot or pot[0].msgid != "":
            sys.exit(f"pretix's {domain}.pot has no header")
        patterns = [source_pattern(s) for s in sources]
        if not any(selected(e, patterns) for e in pot if e.msgid):
            sys.exit(f"no message of pretix's {domain}.pot refers to: " + " ".join(sources))
        for src, pat in zip(sources, patterns, strict=True):
            if not any(selected(e, [pat]) for e in pot if e.msgid):
                print(f"warning: no message of pretix's {domain}.pot refers to {src}", file=sys.stderr)

        for lang in args.lang or list(LANGUAGES):
            path, old_text, text, stats, notes = build(lang, pot, patterns, pdir, stamp, domain)
            rel = path.relative_to(ROOT)
            changed = text != old_text
            done = stats["pretix"] + stats["ours"]
            if args.stats:
                print(f"{str(rel):<40} {done:>10} / {stats['entries']:<6} {stats['ours']:>12}"
                      + ("" if done == stats["entries"] else
                         f"   {stats['untranslated']} untranslated, {stats['fuzzy']} fuzzy")
                      + ("   (out of date: run the tool)" if changed else ""))
                continue
            for n in notes:
                print(n, file=sys.stderr)
            if args.check:
                if changed:
                    print(f"{rel}: out of date, run {Path(__file__).relative_to(ROOT)}")
                    status = 1
                if stats["untranslated"] or stats["fuzzy"]:
                    status = 1
            elif changed:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
            print(f"{rel}: {stats['entries']} entries: {stats['pretix']} from pretix, {stats['ours']} ours, "
                  f"{stats['fuzzy']} fuzzy, {stats['untranslated']} untranslated"
                  + (f"; {stats['obsolete']} obsolete kept" if stats["obsolete"] else "")
                  + ("" if changed else " (unchanged)"))
    return status


if __name__ == "__main__":
    sys.exit(main())

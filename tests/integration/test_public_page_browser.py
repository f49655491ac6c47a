#!/usr/bin/env python3
"""The public case-pool page in a real browser: headless Chromium loads
/case-pool at a phone's width, and its rendered DOM must list every member
serving in the case pool (and no private value), and its screenshot must be
an image of that size with real content on it — not blank, not an error
page. Skipped when Chromium is not installed (.ci/run installs it)."""

import csv
import os
import shutil
import struct
import subprocess
import sys
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import REPO, Stack, check, done, note  # noqa: E402

WIDTH, HEIGHT = 390, 844  # a phone's viewport, CSS pixels

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if not CHROMIUM:
    print("ok - the public page in headless Chromium # SKIP chromium not installed")
    done()
    sys.exit(0)


def chromium(*args, timeout=60):
    return subprocess.run([CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu",
                           "--disable-dev-shm-usage", "--hide-scrollbars", "--no-first-run",
                           "--user-data-dir=" + os.path.join(s.dir, "chromium")] + list(args),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout,
                          universal_newlines=True)


def png_pixels(path):
    """(width, height, distinct grey levels seen) of an 8-bit RGB/RGBA PNG."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    w = h = depth = ctype = 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    channels = {2: 3, 6: 4}.get(ctype, 1)
    stride = w * channels + 1
    levels = set()
    for y in range(0, h, max(1, h // 60)):  # sampled rows: enough to tell text from a blank page
        row = raw[y * stride + 1:(y + 1) * stride]
        levels.update(row[0:len(row):channels * 7])
    return w, h, depth, len(levels)


with open(os.path.join(REPO, "deploy", "demo", "lawyers.csv"), encoding="utf-8") as f:
    rows = list(csv.DictReader(f))
case = [r for r in rows if "case" in r["pools"].split(";")]

with Stack(daemons="all") as s:
    check("demo pool imported", s.ctl("import", "lawyers", "deploy/demo/lawyers.csv")[0] == 0)
    url = "http://127.0.0.1:%d/case-pool" % s.http_port
    s.wait_until(lambda: all(r["name"] in s.request("GET", "/case-pool")[1] for r in case), 15,
                 "the page lists the case pool")

    r = chromium("--dump-dom", url)
    dom = r.stdout
    check("Chromium renders the page, titled with the center's name",
          r.returncode == 0 and "<title>温州市法律援助中心办案人员资源库名单</title>" in dom, r.stderr[-2000:])
    check("the rendered page lists every case-pool member",
          all(r_["name"] in dom for r_ in case), [r_["name"] for r_ in case if r_["name"] not in dom])
    private = [v for r_ in rows for v in (r_["licence"], r_["phone"], r_["email"], r_["firm"]) if v]
    check("no licence, phone, e-mail or firm in the rendered page", not [v for v in private if v in dom])

    shot = os.path.join(s.dir, "case-pool.png")
    r = chromium("--screenshot=" + shot, "--window-size=%d,%d" % (WIDTH, HEIGHT), url)
    check("a screenshot at a phone's width", r.returncode == 0 and os.path.exists(shot), r.stderr[-2000:])
    if os.path.exists(shot):
        w, h, depth, levels = png_pixels(shot)
        note("screenshot %dx%d, %d sampled grey levels" % (w, h, levels))
        check("the screenshot is the phone's viewport", (w, h) == (WIDTH, HEIGHT), (w, h))
        check("the screenshot has content (text on a background, not a blank page)", levels >= 8, levels)
done()

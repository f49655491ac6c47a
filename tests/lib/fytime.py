"""Dates for tests, in the center's local time (UTC+8), relative to now, so the
suite means the same thing whatever day it runs."""

import datetime

CST = datetime.timezone(datetime.timedelta(hours=8))


def now_local():
    return datetime.datetime.now(CST)


def quarter_of(d):
    return "%dQ%d" % (d.year, (d.month - 1) // 3 + 1)


def quarter_start(year, q):
    return datetime.date(year, 3 * (q - 1) + 1, 1)


def previous_quarter(today=None):
    """(label, first day, last day) of the quarter before today's."""
    today = today or now_local().date()
    q = (today.month - 1) // 3 + 1
    y, q = (today.year, q - 1) if q > 1 else (today.year - 1, 4)
    first = quarter_start(y, q)
    nxt = quarter_start(y + (q == 4), 1 if q == 4 else q + 1)
    return "%dQ%d" % (y, q), first, nxt - datetime.timedelta(days=1)


def days_of(first, last, weekday):
    """Dates in [first, last] with the given weekday (Monday = 0)."""
    d = first + datetime.timedelta(days=(weekday - first.weekday()) % 7)
    out = []
    while d <= last:
        out.append(d)
        d += datetime.timedelta(days=7)
    return out


def at(d, hh, mm=0):
    """RFC 3339 for local date d at hh:mm (+08:00)."""
    return "%04d-%02d-%02dT%02d:%02d:00+08:00" % (d.year, d.month, d.day, hh, mm)

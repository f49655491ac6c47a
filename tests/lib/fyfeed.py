"""Generated pool and hotline feeds for integration and fault tests: a lawyer
CSV, and sign-in/sign-out pairs whose points are known in advance (weekday
mornings in working hours = 2.1, weekday evenings = 2.2)."""

import datetime
import random

from fytime import at, days_of, previous_quarter

HEADER = "licence,name,gender,birth_date,firm,licensed_since,pools,specialties,phone,email\n"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["建国", "丽华", "志强", "晓东", "秀兰", "国庆", "美玲", "文斌", "丽娟", "海燕", "振华", "立新"]


def licences(n, prefix="13303201"):
    return ["%s%09d" % (prefix, i + 1) for i in range(n)]


def lawyers_csv(lics):
    rows = []
    for i, lic in enumerate(lics):
        name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i // len(SURNAMES)) % len(GIVEN)]
        rows.append("%s,%s,%s,1985-0%d-1%d,温州测试律师事务所,2012-07-01,duty;case,婚姻家事,139%08d,t%d@example.com"
                    % (lic, name, "男" if i % 2 else "女", 1 + i % 9, i % 10, i, i))
    return HEADER + "\n".join(rows) + "\n"


def shifts(lics, per_lawyer, seed=7):
    """A list of (lawyer, sign_in record, sign_out record, points) on Mondays to
    Thursdays of the previous quarter (complete, so every date is in the past).
    Tests using it configure no public holidays ([roster] holidays empty)."""
    rng = random.Random(seed)
    _, first, last = previous_quarter()
    days = sorted(sum((days_of(first, last, wd) for wd in range(4)), []))
    out = []
    for li, lic in enumerate(lics):
        picked = rng.sample(days, per_lawyer)
        for k, d in enumerate(picked):
            evening = rng.random() < 0.5
            hh = 19 if evening else 9
            sid = "f-%d-%d" % (li, k)
            out.append((lic,
                        {"id": sid + "-in", "lawyer": lic, "event": "sign_in", "at": at(d, hh)},
                        {"id": sid + "-out", "lawyer": lic, "event": "sign_out", "at": at(d, hh + 2)},
                        1.5 if evening else 1.0))
    return out


def expected_totals(shift_list):
    tot = {}
    for lic, _, _, pts in shift_list:
        tot[lic] = tot.get(lic, 0) + int(round(pts * 100))
    return tot


def feed(shift_list, seed=11, dup_rate=0.3):
    """The records of every shift, shuffled (so many sign-outs come before their
    sign-ins), with a share of them sent twice."""
    rng = random.Random(seed)
    recs = [r for _, a, b, _ in shift_list for r in (a, b)]
    recs += [r for r in recs if rng.random() < dup_rate]
    rng.shuffle(recs)
    return recs

#!/usr/bin/env python3
"""Quarter close end to end, through fayuanctl and the real daemons.

Part 1 (close by command): twenty lawyers earn points in the previous quarter through
12348 sessions posted to the gateway; closing the current quarter is refused; the previous
quarter is closed by `fayuanctl quarter close`; its frozen list (`tiers --json`) is checked
against an independent computation of the ranking policy; a second close is refused and
changes nothing, a repeated request id returns the first answer; the outbox holds a final
TierChanged per ranked member, QuarterClosed and SanctionDue. For the red-red path the
frozen list of the quarter before (and its closed_quarters row) is inserted directly in
SQL, since a real close of it would need records dated two quarters back to have been
posted before the previous quarter closed. Staff then record one suspension as refused (a
removal follows) and one as rectified. A record dated in the closed quarter that arrives
afterwards counts in the current quarter and leaves the frozen list as it was.

Part 2 (automatic close): a fresh stack with ten lawyers; the previous quarter's totals and
two earlier suspensions whose month is over are written in SQL; with [score]
close_after_hours = 0 and scored restarted, the previous quarter is closed without a
command, and the suspended lawyer who is red again in it is due for removal.

Part 1 runs with close_after_hours = 2160 (the largest allowed), so the timer stays away
from the previous quarter unless the run falls in the last hour before its due time (the
last day or two of a quarter): then the timer may close it first and part 1 fails."""

import datetime
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from fyfeed import lawyers_csv, licences  # noqa: E402
from fyproto import pb_fields  # noqa: E402
from fytime import at, days_of, now_local, previous_quarter, quarter_of  # noqa: E402
from harness import Stack, check, done, note  # noqa: E402


# ---- the policy, computed independently of the C code ---------------------------------------

def expected_list(points, green=300, red=900):
    """{licence: (position, tier)}: competition ranking, ties share the better position;
    green if p/N <= 0.30, red if p/N > 0.90."""
    ordered = sorted(points.values(), reverse=True)
    n = len(ordered)
    out = {}
    for lic, p in points.items():
        pos = ordered.index(p) + 1
        tier = "green" if pos * 1000 <= green * n else "red" if pos * 1000 > red * n else "blue"
        out[lic] = (pos, tier)
    return out


def quarter_add(label, k):
    y, q = int(label[:4]), int(label[5])
    i = y * 4 + (q - 1) + k
    return "%dQ%d" % (i // 4, i % 4 + 1)


def points_json(centi):
    return centi // 100 if centi % 100 == 0 else centi / 100


# ---- protobuf payloads, decoded by hand ---------------------------------------------------------

def outbox(s, type_):
    return [pb_fields(bytes.fromhex(h)) for (h,) in
            s.sql("select encode(payload, 'hex') from score.outbox where type = %s order by seq", type_)]


def text(f, num):
    return f.get(num, [b""])[0].decode("utf-8")


# ---- the plan -----------------------------------------------------------------------------------

prev_q, first, last = previous_quarter()
pp_q = quarter_add(prev_q, -1)
cur_q = quarter_of(now_local())
next_q = quarter_add(cur_q, 1)
workdays = sorted(sum((days_of(first, last, wd) for wd in range(4)), []))  # Mon-Thu
fridays = days_of(first, last, 4)

N = 20
LICS = licences(N, prefix="13303230")
# (weekday mornings = Annex 1 2.1, 1 point; weekday evenings = 2.2, 1.5 points) per lawyer:
# two lawyers tie at the top, two at zero (positions 19 and 20 of 20: red).
PLAN = [(6, 0), (4, 1), (0, 4), (5, 0), (5, 0), (3, 1), (4, 0), (4, 0), (2, 1), (3, 0),
        (3, 0), (1, 1), (2, 0), (2, 0), (0, 1), (1, 0), (1, 0), (1, 0), (0, 0), (0, 0)]


def plan_sessions():
    recs, points, k = [], {}, 0
    for i, (mornings, evenings) in enumerate(PLAN):
        lic = LICS[i]
        points[lic] = 100 * mornings + 150 * evenings
        for j in range(mornings + evenings):
            d = workdays[(k * 5) % len(workdays)]  # spread out; one shift a day per lawyer
            k += 1
            hh = 9 if j < mornings else 19
            sid = "qc-%d-%d" % (i, j)
            recs.append({"id": sid + "-in", "lawyer": lic, "event": "sign_in", "at": at(d, hh)})
            recs.append({"id": sid + "-out", "lawyer": lic, "event": "sign_out", "at": at(d, hh + 2)})
    return recs, points


def import_pool(s, lics):
    path = os.path.join(s.dir, "lawyers.csv")
    with open(path, "w", encoding="utf-8") as f:
        f.write(lawyers_csv(lics))
    rc, out, err = s.ctl("import", "lawyers", path)
    check("pool of %d imported" % len(lics), rc == 0, (rc, out, err))
    s.wait_until(lambda: s.sql1("select count(*) from score.lawyers") == str(len(lics))
                 and s.sql1("select count(*) from gateway.lawyers") == str(len(lics)), 20,
                 "read-models of the pool")


def names_of(s):
    return dict(s.sql("select licence, name from score.lawyers"))


def counts(s):
    return dict(s.sql("select type, count(*) from score.outbox group by 1"))


# ================================================================================================
# Part 1: close by command
# ================================================================================================

conf1 = {"roster": {"holidays": "", "workdays": ""}, "score": {"close_after_hours": "2160"}}
with Stack(daemons="all", conf=conf1) as s:
    import_pool(s, LICS)
    names = names_of(s)
    recs, want_points = plan_sessions()
    for i in range(0, len(recs), 100):
        st, body = s.post("/v1/hotline/sessions", recs[i:i + 100])
        check("sessions accepted (%d..)" % i, st == 207 and all(a["status"] == "accepted" for a in body),
              (st, body))

    def totals(q):
        return {l: int(p) for l, p in s.sql("select lawyer, points_centi from score.totals "
                                             "where quarter = %s", q)}
    want_nonzero = {l: p for l, p in want_points.items() if p}
    s.wait_until(lambda: totals(prev_q) == want_nonzero, 30, "points of %s" % prev_q)
    check("every point of %s booked in that quarter" % prev_q, totals(prev_q) == want_nonzero)

    # The quarter before, closed earlier (inserted here, see the docstring): a pool of 25,
    # the last three lawyers of today's list tied at 23 of 25 (red), the others green/blue.
    pp_rows = []
    for i, lic in enumerate(LICS):
        pos = 23 if i >= 17 else i + 1
        tier = "red" if pos * 1000 > 900 * 25 else "green" if pos * 1000 <= 300 * 25 else "blue"
        pp_rows.append((lic, names[lic], 1000 - 10 * pos, pos, tier))
    s.sql("insert into score.closed_quarters (center, quarter, ranked, green, blue, red, closed_by) "
          "values ('wz', %s, 25, 7, 15, 3, 'test')", pp_q)
    for lic, name, pts, pos, tier in pp_rows:
        s.sql("insert into score.frozen_tiers (center, quarter, lawyer, name, points_centi, "
              "position, ranked, tier) values ('wz', %s, %s, %s, %s, %s, 25, %s)",
              pp_q, lic, name, pts, pos, tier)

    # ---- refusals: nothing closes but a quarter that is over ----------------------------------
    before = counts(s)
    rc, out, err = s.ctl("quarter", "close", cur_q)
    check("closing the current quarter is refused", rc == 1 and "尚未结束" in err, (rc, out, err))
    rc, out, err = s.ctl("quarter", "close", next_q)
    check("closing a future quarter is refused", rc == 1 and "尚未结束" in err, (rc, out, err))
    rc, out, err = s.ctl("quarter", "close", "2026Q5")
    check("a malformed quarter is refused with the format", rc == 1 and "2026Q4" in err, (rc, err))
    rc, out, err = s.ctl("quarter", "close")
    check("quarter close without a quarter is a usage error", rc == 2, (rc, err))
    rc, out, err = s.ctl("tiers", "--quarter", prev_q)
    check("tiers of a quarter not closed is refused", rc == 1 and "尚未结算" in err, (rc, err))
    rc, out, err = s.ctl("tiers")
    check("tiers without --quarter is a usage error", rc == 2, (rc, err))
    check("refusals wrote nothing", counts(s) == before
          and s.sql1("select count(*) from score.closed_quarters") == "1"
          and s.sql1("select count(*) from score.frozen_tiers where quarter = %s", prev_q) == "0")

    # ---- the close ------------------------------------------------------------------------------
    rc, js, err = s.ctl_json("--request-id", "close-1", "--json", "quarter", "close", prev_q)
    exp = expected_list(want_points)
    ntier = {t: sum(1 for p, tt in exp.values() if tt == t) for t in ("green", "blue", "red")}
    check("quarter close answers the counts",
          rc == 0 and js == {"center": "wz", "quarter": prev_q, "ranked": N, **ntier}, (rc, js, err, ntier))
    check("the plan has ties and both red lawyers at the bottom",
          ntier == {"green": 6, "blue": 12, "red": 2} and exp[LICS[18]] == (19, "red"), ntier)
    rc, out, err = s.ctl("--request-id", "close-1", "quarter", "close", prev_q)
    check("repeating the request id returns the first answer (in Chinese)",
          rc == 0 and "已结算" in out and "参与排名 20 人" in out and "绿色 6 人" in out
          and "红色 2 人" in out, (rc, out, err))

    rc, tiers, err = s.ctl_json("tiers", "--quarter", prev_q, "--json")
    check("tiers --json has the standings shape, final",
          rc == 0 and set(tiers) == {"center", "quarter", "final", "members"}
          and tiers["center"] == "wz" and tiers["quarter"] == prev_q and tiers["final"] is True
          and all(set(m) == {"licence", "name", "points", "position", "tier"} for m in tiers["members"]),
          tiers)
    members = tiers["members"] if rc == 0 else []
    check("the frozen list has every member of the pool", sorted(m["licence"] for m in members) == sorted(LICS))
    check("positions, tiers and points follow the policy",
          all((m["position"], m["tier"]) == exp[m["licence"]] and m["points"] == points_json(want_points[m["licence"]])
              and m["name"] == names[m["licence"]] for m in members), members)
    check("sorted by position then licence",
          [(m["position"], m["licence"]) for m in members]
          == sorted((m["position"], m["licence"]) for m in members))
    check("points are JSON numbers (1.5 stays 1.5)",
          any(isinstance(m["points"], float) for m in members)
          and all(isinstance(m["points"], (int, float)) for m in members))
    rc, out, err = s.ctl("tiers", "--quarter", prev_q)
    check("tiers for staff: a Chinese table marked as the frozen list",
          rc == 0 and "季末清单" in out and "绿色" in out and "红色" in out and names[LICS[0]] in out,
          out)

    # ---- every member is told their tier on the frozen list ----------------------------------
    s.wait_until(lambda: sum(1 for n in s.notifications() if n.get("template") == "tier_final") == N,
                 15, "final-tier messages")
    finals = {n["lawyer"]: n["message"] for n in s.notifications() if n.get("template") == "tier_final"}
    check("each member gets one message with their final tier, position and quarter",
          sorted(finals) == sorted(LICS)
          and all("积分排名已确定" in finals[lic] and "第 %d 名" % exp[lic][0] in finals[lic]
                  and {"green": "绿色", "blue": "蓝色", "red": "红色"}[exp[lic][1]] in finals[lic]
                  for lic in LICS), list(finals.items())[:3])

    # ---- closing twice changes nothing ----------------------------------------------------------
    after_close = counts(s)
    frozen_before = s.sql("select * from score.frozen_tiers order by quarter, lawyer")
    rc, out, err = s.ctl("quarter", "close", prev_q)
    check("a second close is refused", rc == 1 and "不能重复结算" in err, (rc, out, err))
    check("the second close changed nothing", counts(s) == after_close
          and s.sql("select * from score.frozen_tiers order by quarter, lawyer") == frozen_before)
    rc, out, err = s.ctl("quarter", "close", pp_q)
    check("closing the earlier, closed quarter is refused", rc == 1 and "已于" in err, (rc, err))
    row = s.sql("select ranked, green, blue, red, closed_by from score.closed_quarters "
                "where quarter = %s", prev_q)
    check("closed_quarters records the close", row == [("20", "6", "12", "2", "command")], row)

    # ---- what the outbox carries ------------------------------------------------------------------
    tc = [f for f in outbox(s, "TierChanged") if text(f, 2) == prev_q and f.get(8) == [1]]
    check("a final TierChanged for every ranked member (assigned: no old tier)",
          sorted(text(f, 1) for f in tc) == sorted(LICS) and all(3 not in f for f in tc)
          and all((f.get(6, [0])[0], text(f, 4)) == exp[text(f, 1)] for f in tc)
          and all(f.get(7) == [N] for f in tc), len(tc))
    qc = outbox(s, "QuarterClosed")
    check("one QuarterClosed with the counts",
          len(qc) == 1 and text(qc[0], 1) == prev_q and qc[0].get(2) == [N] and qc[0].get(3) == [6]
          and qc[0].get(4) == [12] and qc[0].get(5) == [2], qc)

    # ---- sanctions: red in both quarters -> suspended one month ------------------------------------
    rc, sj, err = s.ctl_json("sanctions", "--json")
    sanctions = sj["sanctions"] if rc == 0 and sj else []
    check("two suspensions: the lawyers red in %s and %s" % (pp_q, prev_q),
          sorted(x["lawyer"] for x in sanctions) == sorted(LICS[18:20])
          and all(x["kind"] == "suspend_all" and x["rule"] == "13" and x["status"] == "ordered"
                  and x["quarter"] == prev_q for x in sanctions), sanctions)
    check("each names its records: both quarters with their frozen positions",
          all([(r["quarter"], r["position"], r["ranked"], r["tier"]) for r in x["records"]]
              == [(pp_q, 23, 25, "red"), (prev_q, 19, 20, "red")] for x in sanctions), sanctions)
    ok_until = True
    for x in sanctions:
        start = datetime.datetime.fromisoformat(x["starts_at"])
        until = datetime.datetime.fromisoformat(x["until"])
        m = start.month % 12 + 1
        y = start.year + (start.month == 12)
        try:
            want_until = start.replace(year=y, month=m)
        except ValueError:  # 31st -> last day of the next month
            want_until = (start.replace(day=1, year=y, month=m % 12 + 1) - datetime.timedelta(days=1)).replace(
                hour=start.hour, minute=start.minute, second=start.second)
        ok_until &= until == want_until and pp_q in x["reason"] and prev_q in x["reason"]
    check("suspended for one calendar month from the close; the reason names the quarters",
          ok_until and len(sanctions) == 2, sanctions)
    due = outbox(s, "SanctionDue")
    check("a SanctionDue per suspension, with rule, records and end",
          sorted(text(f, 2) for f in due) == sorted(LICS[18:20])
          and all(text(f, 3) == "suspend_all" and text(f, 4) == "13" and f.get(7, [0])[0] > 0
                  and [r.decode() for r in f.get(6, [])] == ["frozen:%s:23/25:red" % pp_q,
                                                            "frozen:%s:19/20:red" % prev_q]
                  for f in due), [(text(f, 2), text(f, 3), f.get(6)) for f in due])
    check("no sanction for red then blue (%s)" % LICS[17],
          all(x["lawyer"] != LICS[17] for x in sanctions))
    rc, out, err = s.ctl("sanctions")
    check("sanctions for staff in Chinese", rc == 0 and "暂停值班和办案一个月" in out and "第13条" in out
          and "责令整改" in out and names[LICS[18]] in out, out)

    # ---- staff record the outcome -------------------------------------------------------------------
    sid = {x["lawyer"]: x["id"] for x in sanctions}
    refused_id, rectified_id = sid.get(LICS[19], 0), sid.get(LICS[18], 0)
    rc, out, err = s.ctl("--request-id", "dec-1", "sanction", "refused", refused_id)
    check("refusal recorded; removal follows", rc == 0 and "拒不整改" in out and "清退" in out, (rc, out, err))
    rc2, out2, err2 = s.ctl("--request-id", "dec-1", "sanction", "refused", refused_id)
    check("the same request id answers the same", rc2 == 0 and out2 == out, (out, out2))
    rc, out, err = s.ctl("sanction", "rectified", refused_id)
    check("an outcome is recorded once", rc == 1 and "不能再记录" in err, (rc, err))
    rc, out, err = s.ctl("sanction", "rectified", rectified_id)
    check("rectification recorded", rc == 0 and "已整改" in out, (rc, out, err))
    rc, out, err = s.ctl("sanction", "rectified", 999999)
    check("an unknown sanction is refused", rc == 1 and "没有编号" in err, (rc, err))
    rc, out, err = s.ctl("sanction", "refused", "abc")
    check("a malformed id is refused", rc == 1, (rc, err))
    rc, sj, err = s.ctl_json("sanctions", "--json")
    by_id = {x["id"]: x for x in sj["sanctions"]}
    removal = [x for x in sj["sanctions"] if x["kind"] == "remove"]
    check("statuses: refused, rectified, and one removal due",
          by_id[refused_id]["status"] == "refused" and by_id[refused_id]["decision"] == "refused"
          and by_id[rectified_id]["status"] == "rectified" and by_id[rectified_id]["decided_at"]
          and len(removal) == 1, sj)
    if removal:
        r = removal[0]
        check("the removal: rule 13/28, 3-year ban, follows the suspension and names its records",
              r["lawyer"] == LICS[19] and r["rule"] == "13/28" and r["status"] == "due"
              and r["cause"] == refused_id and r["until"] is None and "三年" in r["reason"]
              and [x.get("quarter") or x.get("sanction") for x in r["records"]] == [pp_q, prev_q, refused_id],
              r)
    due = outbox(s, "SanctionDue")
    check("SanctionDue for the removal published",
          len(due) == 3 and text(due[-1], 3) == "remove" and text(due[-1], 2) == LICS[19]
          and text(due[-1], 4) == "13/28" and due[-1].get(7) is None, [(text(f, 2), text(f, 3)) for f in due])

    # ---- a late record for the closed quarter counts in the current one -----------------------------
    tiers_before = s.ctl_json("tiers", "--quarter", prev_q, "--json")[1]
    late = LICS[0]
    st, body = s.post("/v1/hotline/sessions", [
        {"id": "late-in", "lawyer": late, "event": "sign_in", "at": at(fridays[2], 9)},
        {"id": "late-out", "lawyer": late, "event": "sign_out", "at": at(fridays[2], 11)}])
    check("late sessions accepted", st == 207 and all(a["status"] == "accepted" for a in body), (st, body))
    s.wait_until(lambda: s.sql1("select count(*) from score.ledger where effective_quarter = %s "
                                "and quarter = %s", prev_q, cur_q) == "1", 20, "the late entry")
    row = s.sql("select lawyer, quarter, effective_quarter, points_centi from score.ledger "
                "where effective_quarter <> quarter")
    check("the late entry counts in %s, dated %s" % (cur_q, prev_q),
          row == [(late, cur_q, prev_q, "100")], row)
    check("the closed quarter's totals are unchanged, the current one has the point",
          totals(prev_q) == want_nonzero and totals(cur_q).get(late) == 100)

    def standing(lic):
        rc, js, err = s.ctl_json("standings", "--json")
        return next((m for m in js["members"] if m["licence"] == lic), None) if rc == 0 else None
    s.wait_until(lambda: (standing(late) or {}).get("points") == 1, 15, "current standings")
    check("the live standings of %s show it" % cur_q, standing(late)["points"] == 1)
    check("the frozen list is unchanged", s.ctl_json("tiers", "--quarter", prev_q, "--json")[1] == tiers_before
          and s.sql("select * from score.frozen_tiers order by quarter, lawyer") == frozen_before)
    try:
        s.sql("update score.frozen_tiers set tier = 'green' where lawyer = %s", LICS[18])
        refused = False
    except RuntimeError as e:
        refused = "never changed" in str(e)
    check("the database refuses to change a frozen list", refused)


# ================================================================================================
# Part 2: the automatic close
# ================================================================================================

conf2 = {"roster": {"holidays": "", "workdays": ""}, "score": {"close_after_hours": "2160"}}
LICS2 = licences(10, prefix="13303231")
with Stack(daemons="all", conf=conf2) as s:
    import_pool(s, LICS2)
    # Totals of the previous quarter written directly (part 1 fed real sessions): 10 lawyers,
    # distinct points; the last one (position 10 of 10) is red.
    pts = {lic: 1000 - 100 * i for i, lic in enumerate(LICS2)}
    for lic, p in pts.items():
        s.sql("insert into score.totals (center, quarter, lawyer, points_centi) values ('wz', %s, %s, %s)",
              prev_q, lic, p)
    # Two suspensions ordered at an earlier close whose month is over: the red lawyer's
    # (rectified) and a blue lawyer's (rectified too).
    over = int((time.time() - 86400) * 1e6)
    rec = json.dumps([{"quarter": pp_q, "position": 10, "ranked": 10, "tier": "red", "points": 0}])
    for lic in (LICS2[9], LICS2[4]):
        s.sql("insert into score.sanctions (center, lawyer, name, kind, rule, reason, records, status, "
              "quarter, starts_at, until) values ('wz', %s, 'x', 'suspend_all', '13', 'test', %s, "
              "'rectified', %s, %s, %s)", lic, rec, pp_q, over - 30 * 86400 * 10**6, over)
    check("nothing closed yet", s.sql1("select count(*) from score.closed_quarters") == "0")

    s.set_conf("score", "close_after_hours", 0)
    s.restart("score")
    s.wait_until(lambda: s.sql1("select closed_by from score.closed_quarters where quarter = %s",
                                prev_q) == "timer", 30, "the automatic close")
    check("the previous quarter was closed by the timer, without a command", True)
    rc, tiers, err = s.ctl_json("tiers", "--quarter", prev_q, "--json")
    exp = expected_list(pts)
    check("its frozen list follows the policy",
          rc == 0 and len(tiers["members"]) == 10
          and all((m["position"], m["tier"]) == exp[m["licence"]] for m in tiers["members"]), tiers)
    rc, sj, err = s.ctl_json("sanctions", "--json")
    by_lawyer = {}
    for x in sj["sanctions"]:
        by_lawyer.setdefault(x["lawyer"], []).append(x)
    red_one = by_lawyer.get(LICS2[9], [])
    check("red again in the first quarter after the suspension: removal due",
          len(red_one) == 2 and red_one[0]["status"] == "reoffended" and red_one[0]["watch_quarter"] == prev_q
          and red_one[1]["kind"] == "remove" and red_one[1]["rule"] == "13/28"
          and red_one[1]["cause"] == red_one[0]["id"] and red_one[1]["status"] == "due"
          and [r.get("quarter") or r.get("sanction") for r in red_one[1]["records"]]
          == [pp_q, red_one[0]["id"], prev_q], red_one)
    blue_one = by_lawyer.get(LICS2[4], [])
    check("not red in the first quarter after: the matter ends",
          len(blue_one) == 1 and blue_one[0]["status"] == "cleared", blue_one)
    check("SanctionDue published for the removal",
          [(text(f, 2), text(f, 3)) for f in outbox(s, "SanctionDue")] == [(LICS2[9], "remove")])
    # Restarting again finds the quarter closed and does nothing more.
    n_events = counts(s)
    s.restart("score")
    time.sleep(2)
    check("a second automatic check closes nothing twice",
          counts(s) == n_events and s.sql1("select count(*) from score.closed_quarters") == "1")
    note("automatic close: %s" % [l for l in s.log("score").splitlines() if "closed by timer" in l][-1:])

done()

/* score_sanction — see score_sanction.h. */
#include "score_sanction.h"

#include "fayuan/timeutil.h"

#include <string.h>

#define US_PER_MIN (INT64_C(60) * TIME_US_PER_SEC)

static void s_outcome_init(const sanction_state_t *open, sanction_outcome_t *out)
{
    memset(out, 0, sizeof *out);
    if (open) {
        out->status = open->status;
        out->watched = open->watched;
    }
}

void sanction_at_close(const sanction_record_t *current, const sanction_record_t *previous,
                       const sanction_state_t *open, int64_t close_at, int utc_offset,
                       sanction_outcome_t *out)
{
    s_outcome_init(open, out);
    bool red = current->tier == TIER_RED;
    if (open && open->kind == SANCTION_REMOVE)
        return; /* removal due: the registry takes them out; nothing more */
    bool pending = open && open->kind == SANCTION_SUSPEND_ALL &&
                   (open->status == SANCTION_ORDERED || open->status == SANCTION_RECTIFIED);
    if (pending && !open->watched && open->until <= close_at) {
        /* The first quarter closed after the suspension ended. */
        out->changed = true;
        if (red) {
            out->status = SANCTION_REOFFENDED;
            out->due = SANCTION_REMOVE;
            out->rule = "13/28";
            out->records[out->nrecords++] = *current;
        } else {
            out->watched = true;
            if (open->status == SANCTION_RECTIFIED)
                out->status = SANCTION_CLEARED;
        }
        return;
    }
    if (pending)
        return; /* suspension in force, or its outcome not recorded yet */
    if (red && previous && previous->tier == TIER_RED) {
        out->due = SANCTION_SUSPEND_ALL;
        out->rule = "13";
        out->until = sanction_month_after(close_at, utc_offset);
        out->records[out->nrecords++] = *previous;
        out->records[out->nrecords++] = *current;
    }
}

int sanction_decide(const sanction_state_t *s, sanction_decision_t d, sanction_outcome_t *out)
{
    s_outcome_init(s, out);
    bool all = s->kind == SANCTION_SUSPEND_ALL, cases = s->kind == SANCTION_SUSPEND_CASES;
    if (!(all || cases) || s->status != SANCTION_ORDERED)
        return -1;
    if (d == SANCTION_DECISION_RECTIFIED) {
        out->changed = true;
        /* A red-list suspension still waits for the first quarter after it
         * (unless that has been closed); clause 25 has no such wait. */
        out->status = all && !s->watched ? SANCTION_RECTIFIED : SANCTION_CLEARED;
        return 0;
    }
    if (d == SANCTION_DECISION_REFUSED) {
        out->changed = true;
        out->status = SANCTION_REFUSED;
        out->due = SANCTION_REMOVE;
        out->rule = all ? "13/28" : "25(3)/28";
        return 0;
    }
    return -1;
}

static int64_t s_floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int64_t sanction_month_after(int64_t us, int utc_offset)
{
    int64_t local = us + (int64_t)utc_offset * US_PER_MIN;
    int64_t days = s_floor_div(local, TIME_US_PER_DAY);
    int64_t time_of_day = local - days * TIME_US_PER_DAY;
    int y, m, d;
    time_civil_from_days(days, &y, &m, &d);
    if (++m == 13) {
        m = 1;
        y++;
    }
    int64_t first = time_days_from_civil(y, m, 1);
    int64_t dim =
        (m == 12 ? time_days_from_civil(y + 1, 1, 1) : time_days_from_civil(y, m + 1, 1)) - first;
    if (d > dim)
        d = (int)dim;
    return (first + d - 1) * TIME_US_PER_DAY + time_of_day - (int64_t)utc_offset * US_PER_MIN;
}

static const struct {
    sanction_kind_t kind;
    const char *name, *zh;
} s_kinds[] = {
    {SANCTION_SUSPEND_ALL, "suspend_all", "暂停值班和办案一个月"},
    {SANCTION_REMOVE, "remove", "清退出库"},
    {SANCTION_SUSPEND_CASES, "suspend_cases", "暂停指派案件"},
};

static const struct {
    sanction_status_t status;
    const char *name, *zh;
} s_statuses[] = {
    {SANCTION_ORDERED, "ordered", "已暂停，责令整改中"},
    {SANCTION_RECTIFIED, "rectified", "已整改，待观察恢复后首个季度"},
    {SANCTION_REFUSED, "refused", "拒不整改，已转清退"},
    {SANCTION_CLEARED, "cleared", "已整改，恢复后首个季度未列红色，处理结束"},
    {SANCTION_REOFFENDED, "reoffended", "恢复后首个季度再次列红色，已转清退"},
    {SANCTION_DUE, "due", "待执行"},
};

#define NKINDS (sizeof s_kinds / sizeof s_kinds[0])
#define NSTATUSES (sizeof s_statuses / sizeof s_statuses[0])

const char *sanction_kind_name(sanction_kind_t k)
{
    for (size_t i = 0; i < NKINDS; i++)
        if (s_kinds[i].kind == k)
            return s_kinds[i].name;
    return "";
}

const char *sanction_kind_zh(sanction_kind_t k)
{
    for (size_t i = 0; i < NKINDS; i++)
        if (s_kinds[i].kind == k)
            return s_kinds[i].zh;
    return "";
}

sanction_kind_t sanction_kind_parse(const char *s)
{
    for (size_t i = 0; s && i < NKINDS; i++)
        if (strcmp(s_kinds[i].name, s) == 0)
            return s_kinds[i].kind;
    return SANCTION_KIND_NONE;
}

const char *sanction_status_name(sanction_status_t s)
{
    for (size_t i = 0; i < NSTATUSES; i++)
        if (s_statuses[i].status == s)
            return s_statuses[i].name;
    return "";
}

const char *sanction_status_zh(sanction_status_t s)
{
    for (size_t i = 0; i < NSTATUSES; i++)
        if (s_statuses[i].status == s)
            return s_statuses[i].zh;
    return "";
}

sanction_status_t sanction_status_parse(const char *s)
{
    for (size_t i = 0; s && i < NSTATUSES; i++)
        if (strcmp(s_statuses[i].name, s) == 0)
            return s_statuses[i].status;
    return SANCTION_NO_STATUS;
}

sanction_decision_t sanction_decision_parse(const char *s)
{
    if (s && strcmp(s, "rectified") == 0)
        return SANCTION_DECISION_RECTIFIED;
    if (s && strcmp(s, "refused") == 0)
        return SANCTION_DECISION_REFUSED;
    return SANCTION_DECISION_NONE;
}

/* roster_pair — see roster_pair.h. */
#include "roster_pair.h"

#include <stdlib.h>
#include <string.h>

static int s_cmp(const void *a, const void *b)
{
    const rp_event_t *x = a, *y = b;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    if (x->sign_in != y->sign_in)
        return x->sign_in ? 1 : -1; /* a handover: the old shift ends first */
    return strcmp(x->id, y->id);
}

void roster_pair_sort(rp_event_t *evs, size_t n)
{
    qsort(evs, n, sizeof *evs, s_cmp);
}

size_t roster_pair(const rp_event_t *evs, size_t n, int64_t max_shift_us, rp_pair_t *out)
{
    size_t npairs = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        const rp_event_t *in = &evs[i], *next = &evs[i + 1];
        if (!in->sign_in || next->sign_in)
            continue;
        int64_t len = next->at - in->at;
        if (len <= 0 || len > max_shift_us)
            continue;
        out[npairs++] = (rp_pair_t){i, i + 1};
        i++; /* the sign-out is used */
    }
    return npairs;
}

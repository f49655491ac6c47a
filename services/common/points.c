/* points — see include/fayuan/points.h. */
#include "fayuan/points.h"

#include <inttypes.h>
#include <stdio.h>

const char *points_format(int64_t centi, char *buf, size_t len)
{
    const char *sign = centi < 0 ? "-" : "";
    uint64_t a = centi < 0 ? (uint64_t)0 - (uint64_t)centi : (uint64_t)centi;
    uint64_t whole = a / 100, frac = a % 100;
    if (frac == 0)
        snprintf(buf, len, "%s%" PRIu64, sign, whole);
    else if (frac % 10 == 0)
        snprintf(buf, len, "%s%" PRIu64 ".%" PRIu64, sign, whole, frac / 10);
    else
        snprintf(buf, len, "%s%" PRIu64 ".%02" PRIu64, sign, whole, frac);
    return buf;
}

/* points — points are kept as integer hundredths ("centi-points") everywhere,
 * so 1.5 points is 150 and sums are exact; this formats them for people. */
#ifndef FAYUAN_POINTS_H
#define FAYUAN_POINTS_H

#include <stddef.h>
#include <stdint.h>

/* 150 -> "1.5", 100 -> "1", -25 -> "-0.25". Returns buf. */
const char *points_format(int64_t centi, char *buf, size_t len);

#endif

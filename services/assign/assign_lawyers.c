/* assign_lawyers — assignd's read-model of the registry: each lawyer's name,
 * pools, status, the pools they may be given work in now (serving) and their
 * case-pool mentor, kept by the common lawyers_model. */
#include "assign.h"

#include "fayuan/lawyers_model.h"

const char assign_lawyers_sql[] =
    "INSERT INTO lawyers (center, licence, name, pools, status, serving, mentor) "
    "SELECT DISTINCT ON (center, licence) center, licence, name, "
    "       coalesce(string_to_array(nullif(pools, ''), ';'), '{}'), status, "
    "       coalesce(string_to_array(nullif(serving, ''), ';'), '{}'), mentor "
    "FROM " LAWYERS_MODEL_UNNEST " "
    "ORDER BY center, licence, ord DESC "
    "ON CONFLICT (center, licence) DO UPDATE SET name = excluded.name, pools = excluded.pools, "
    "  status = excluded.status, serving = excluded.serving, mentor = excluded.mentor";

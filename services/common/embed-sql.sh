#!/bin/sh
# embed-sql.sh COMPONENT DIR — print a C file that embeds DIR/NNN_name.sql as
# the migration table COMPONENT_migrations[] (see include/fayuan/migrate.h).
set -eu
comp=$1
dir=$2
echo '#include "fayuan/migrate.h"'
n=0
names=""
for f in $(ls "$dir"/*.sql 2>/dev/null | sort); do
    base=$(basename "$f" .sql)
    ver=$(echo "$base" | sed 's/^0*\([0-9][0-9]*\)_.*/\1/')
    printf 'static const char s_sql_%s[] = {' "$n"
    od -An -v -tx1 "$f" | tr -s ' \n' ' ' | sed 's/ \([0-9a-f][0-9a-f]\)/0x\1,/g'
    echo '0x00};'
    names="$names{$ver, \"$base\", s_sql_$n},"
    n=$((n + 1))
done
echo "const migration_t ${comp}_migrations[] = {$names{0, 0, 0}};"
echo "const size_t ${comp}_migrations_count = $n;"

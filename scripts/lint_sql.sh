#!/usr/bin/env bash
# sqlfluff on the SQL files a change touches, or on the whole tree.
#
#   scripts/lint_sql.sh PATH...      the .sql files under PATH... changed since the merge base with $LINT_BASE
#                                    (default main): committed, staged, unstaged and untracked alike
#   LINT_ALL=1 scripts/lint_sql.sh PATH...   every .sql file under PATH... (what CI runs: CI=true implies it)
#
# The whole tree is linted anyway when what templates every file changed (.sqlfluff, the macros, the
# sqlfluff stand-ins in tests/sqlfluff_library), or when there is no git history to compare with.
set -uo pipefail
cd "$(dirname "$0")/.."
SQLFLUFF=.venv/bin/sqlfluff
base_ref=${LINT_BASE:-main}
paths=("$@")

lint_all() {
    echo "==> sqlfluff: every SQL file under ${paths[*]} ($1)"
    exec "$SQLFLUFF" lint --processes 2 "${paths[@]}"
}

[ -n "${LINT_ALL:-}" ] && lint_all "LINT_ALL is set"
[ -n "${CI:-}" ] && lint_all "CI"
base=$(git merge-base "$base_ref" HEAD 2>/dev/null) || lint_all "no merge base with $base_ref"

changed=$( { git diff --name-only --diff-filter=d "$base" --; git ls-files --others --exclude-standard; } | sort -u)
if grep -qE '^(\.sqlfluff$|macros/|tests/generic/|tests/sqlfluff_library/)' <<<"$changed"; then
    lint_all "the templating changed: .sqlfluff, macros or the sqlfluff stand-ins"
fi
files=()
while IFS= read -r file; do
    for path in "${paths[@]}"; do
        if [[ "$file" == "$path"/*.sql && -f "$file" ]]; then files+=("$file"); break; fi
    done
done <<<"$changed"
if [ ${#files[@]} -eq 0 ]; then
    echo "==> sqlfluff: no SQL file changed since $base_ref (LINT_ALL=1 lints every file)"
    exit 0
fi
echo "==> sqlfluff: ${#files[@]} SQL file(s) changed since $base_ref (LINT_ALL=1 lints every file)"
exec "$SQLFLUFF" lint --processes 2 "${files[@]}"

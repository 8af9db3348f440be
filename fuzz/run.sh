#!/usr/bin/env bash
# Runs every fuzz target for a bounded time, each seeded from the project's fixtures.
#
#   fuzz/run.sh            # 60 s per target
#   fuzz/run.sh 600        # 10 minutes per target
#   fuzz/run.sh 60 pointer # one target
#
# Needs `cargo install cargo-fuzz`. The toolchain here is stable, so the sanitizer is off
# (`-s none`) and RUSTC_BOOTSTRAP lets cargo-fuzz pass its coverage flags; crashes land in
# fuzz/artifacts/<target>/ (reproduce with `cargo fuzz run <target> <file>`).
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
targets=${2:-"expression condition pointer body_pointer document"}
export RUSTC_BOOTSTRAP=1

seed() {
    local target=$1 dir=corpus/$1
    mkdir -p "$dir"
    case $target in
        expression | condition)
            # Every condition and value of the fixtures' documents, one per file.
            grep -hoE '(condition|value|context): .+' ../tests/fixtures/*.arazzo.yml \
                ../tests/fixtures/v1_1/*.arazzo.yml ../examples/arazzo/*.arazzo.yml |
                sed -E 's/^[a-z]+: //' | sort -u | head -500 |
                while IFS= read -r line; do printf '%s' "$line" >"$dir/$(printf '%s' "$line" | md5sum | cut -c1-16)"; done
            ;;
        pointer)
            for p in '#/a/b' '#/a~1b/~0c/0' '#/' '#/%25' '#/invite/code'; do
                printf '%s' "$p" >"$dir/$(printf '%s' "$p" | md5sum | cut -c1-16)"
            done
            ;;
        body_pointer)
            printf '/a/1/b\n{"a": [1, {"b": "x"}], "c": 2}' >"$dir/nested"
            printf '/a\n{"a": 1, "a": 2}' >"$dir/duplicate"
            printf '/~1x/~0y\n{"/x": {"~y": [true]}}' >"$dir/escaped"
            ;;
        document)
            # Each fixture with its first source description: the document names it
            # `./api.openapi.yml`, and it follows a `---8<---` line.
            for f in ../tests/fixtures/*.arazzo.yml; do
                api=$(grep -oE 'url: \./[^ ]+\.(yml|yaml|json)' "$f" | head -1 | sed 's/url: //' || true)
                [ -n "$api" ] && [ -f "../tests/fixtures/$api" ] || continue
                { sed -E "s#url: \./[^ ]+\.(yml|yaml|json)#url: ./api.openapi.yml#" "$f"
                  printf '\n---8<---\n'; cat "../tests/fixtures/$api"; } >"$dir/$(basename "$f")"
            done
            ;;
    esac
}

for target in $targets; do
    seed "$target"
    echo "== $target: ${seconds}s"
    cargo fuzz run -s none "$target" "corpus/$target" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
done

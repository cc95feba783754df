# Shared by scripts/load and scripts/faults (sourced, not run): build the release binary and the
# `proof` harness (examples/proof), then run the harness, forwarding Ctrl-C/SIGTERM to it so it
# stops every process it started and its throwaway PostgreSQL before exiting.

# build_proof: the release build of creatorpilot (figures are for release only) and the harness.
# The harness is an example built in the dev profile: it then shares the test build's artifacts
# (a release example would rebuild the dependency tree with the dev-dependencies' features). Its
# own overhead (the fake's request handling, the webhook client) counts in the latencies it
# measures, so figures err on the slow side.
build_proof() {
    echo "building creatorpilot (release) and the proof harness..." >&2
    cargo build --release --locked --bin creatorpilot
    cargo build --locked --example proof
}

# run_proof SUBCOMMAND [ARGS...]: runs the harness against the release binary; exits with its
# status (0: every check passed; 1: a check failed or a target was missed; 2: it could not run).
run_proof() {
    local target=${CARGO_TARGET_DIR:-target} pid status=0
    "$target/debug/examples/proof" --bin "$target/release/creatorpilot" "$@" &
    pid=$!
    # The harness cleans up on SIGINT/SIGTERM (instances stopped, database stopped and deleted);
    # wait for it rather than leaving its processes behind.
    trap 'kill -TERM "$pid" 2>/dev/null || true; wait "$pid" || true; exit 130' INT TERM
    wait "$pid" || status=$?
    trap - INT TERM
    return "$status"
}

# Shared by scripts/load and scripts/faults (sourced, not run): build the release binary and the
# `proof` harness (examples/proof), then run the harness, forwarding Ctrl-C/SIGTERM to it so it
# stops every process it started and its throwaway PostgreSQL before exiting.

# build_proof: release builds of creatorpilot and of the harness (figures are for release only).
build_proof() {
    echo "building creatorpilot and the proof harness (release)..." >&2
    cargo build --release --locked --bin creatorpilot --example proof
}

# run_proof SUBCOMMAND [ARGS...]: runs the harness against the release binary; exits with its
# status (0: every check passed; 1: a check failed or a target was missed; 2: it could not run).
run_proof() {
    local target=${CARGO_TARGET_DIR:-target} pid status=0
    "$target/release/examples/proof" --bin "$target/release/creatorpilot" "$@" &
    pid=$!
    # The harness cleans up on SIGINT/SIGTERM (instances stopped, database stopped and deleted);
    # wait for it rather than leaving its processes behind.
    trap 'kill -TERM "$pid" 2>/dev/null || true; wait "$pid" || true; exit 130' INT TERM
    wait "$pid" || status=$?
    trap - INT TERM
    return "$status"
}

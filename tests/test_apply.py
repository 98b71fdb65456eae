"""What `wsdb apply` prints while it works, without a server (the runs themselves are in tests/live)."""

from __future__ import annotations

from harness.apply import ScriptRun, progress_line


def test_a_progress_line_counts_scripts_and_gives_the_time_batches_and_slowest_batch():
    run = ScriptRun("20250907_final_tightenings", 0.4213, "applied", batches=52, slowest_line=212, slowest_seconds=0.081)
    assert progress_line(3, 13, run) == (
        "[ 3/13] applied 20250907_final_tightenings in 0.42 s (52 batches; slowest at line 212: 0.08 s)"
    )


def test_a_skipped_script_of_one_batch_says_so_in_the_singular():
    run = ScriptRun("20250907_add_core_modules", 0.01, "skipped", batches=1)
    assert progress_line(1, 1, run) == "[1/1] skipped 20250907_add_core_modules in 0.01 s (1 batch)"

"""A scratch database for the live benchmarks: created on the given server, migrated, dropped afterwards.

    with scratch_database(url, "wsdb_bench") as db_url:
        ...

Every migration is applied, drafts included, so a benchmark measures the schema of the working tree.
Nothing happens at import time; the benchmarks stay importable (and ``--help`` works) without a server.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from harness.apply import apply  # noqa: E402
from harness.databases import create_database, drop_database  # noqa: E402
from harness.urls import ServerUrl, parse_url  # noqa: E402


def server_url(text: str | None) -> ServerUrl | None:
    """The server to use: ``--url`` or ``WSDB_URL``; None when neither is given."""
    text = text or os.environ.get("WSDB_URL")
    return parse_url(text) if text else None


@contextlib.contextmanager
def scratch_database(url: ServerUrl, prefix: str, *, keep: bool = False) -> Iterator[ServerUrl]:
    """A new database on the URL's server with every migration applied; dropped at the end unless ``keep``."""
    target = url.with_database(f"{prefix}_{time.strftime('%Y%m%d%H%M%S', time.gmtime())}_{secrets.token_hex(3)}")
    create_database(target)
    try:
        started = time.perf_counter()
        result = apply(target, ROOT, include_drafts=True)
        print(f"scratch database {target.database}: {len(result.applied)} migration(s) applied in "
              f"{time.perf_counter() - started:.1f} s")
        yield target
    finally:
        if keep:
            print(f"kept database {target.database}")
        else:
            drop_database(target)

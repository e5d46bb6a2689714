"""Time from outside is not trusted: a publication date after the moment of ingest is capped at
that moment (the claim is kept as metadata), so a record dated 2099 cannot rank first forever."""

import json
from pathlib import Path

from bot.clock import FakeClock
from bot.ingest import ingest_paths
from bot.search import search
from bot.store import Store


def record(title: str, published_at: object) -> dict[str, object]:
    body = f"{title}. The harbour reopened to ferries after the storm, officials said."
    return {"title": title, "body": body, "published_at": published_at}


async def test_a_json_record_from_the_future_is_dated_when_it_arrived(
    store: Store, tmp_path: Path, clock: FakeClock
) -> None:
    records = [record("Claims 2099", "2099-12-31"), record("Honest past", "2026-02-27T10:00:00Z")]
    (tmp_path / "wire.json").write_text(json.dumps(records), encoding="utf-8")
    first = await ingest_paths(store, [tmp_path / "wire.json"], clock=clock)
    clock.advance(days=2)
    later = [record("Honest today", "2026-03-04T08:30:00Z")]
    (tmp_path / "later.json").write_text(json.dumps(later), encoding="utf-8")
    await ingest_paths(store, [tmp_path / "later.json"], clock=clock)

    future, past = await store.articles(first.added)
    assert future.published_at == "2026-03-02T09:00:00+00:00"  # the moment it was ingested
    assert future.metadata == {"claimed_published_at": "2099-12-31T00:00:00+00:00"}
    assert past.published_at == "2026-02-27T10:00:00+00:00" and past.metadata == {}
    page = await search(store, "reopened storm officials")
    assert [(hit.title, hit.when[:10]) for hit in page.hits] == [
        ("Honest today", "2026-03-04"),
        ("Claims 2099", "2026-03-02"),
        ("Honest past", "2026-02-27"),
    ]

"""Live news: fetch RSS/Atom feeds and article pages politely, store, cluster and announce them.

Modules: `fetcher` (HTTP), `parse` (feedparser, trafilatura), `stories` (near-duplicates),
`subscriptions`, `poller` (the background task), `schedule` (when to poll), `pages` (full
text of entries), `delivery` (announcements), `health`.
Import them directly; this package imports nothing so the CLI stays quick to start.
"""

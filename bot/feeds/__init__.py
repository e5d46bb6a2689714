"""Live news: fetch RSS/Atom feeds and article pages politely, store and announce them (each
story once per channel: stories come from bot/stories/, as for every stored article).

Modules: `fetcher` (HTTP), `parse` (feedparser, trafilatura), `subscriptions`, `poller` (the
background task), `schedule` (when to poll), `pages` (full text of entries), `delivery`
(announcements), `health`.
Import them directly; this package imports nothing so the CLI stays quick to start.
"""

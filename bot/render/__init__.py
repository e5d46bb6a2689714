"""Rendering for Discord: the one place that knows its limits, markdown and colours.

`limits` (the numbers), `text` (escape, truncate, paginate, timestamps), `embeds` (colours and
an embed builder that keeps every limit), `views` (paged answers with buttons that time out),
`errors` (what users are told when a command fails), and one module per feature (`search`,
`article`, `help`, ...) built from those. New renderers (summaries, entities, digests, feeds)
should only combine these helpers: escape raw text with `text.escape`/`text.fit`, build embeds
with `embeds.build`, page with `views.Pagers.open`.
"""

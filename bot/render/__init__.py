"""Rendering for Discord: the one place that knows its limits, markdown and colours.

`limits` (the numbers), `text` (escape, truncate, paginate, timestamps), `embeds` (colours and
an embed builder that keeps every limit), `views` (paged messages with buttons), and one module
per feature (`search`, `article`, `errors`, ...) built from those.
"""

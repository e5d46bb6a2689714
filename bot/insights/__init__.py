"""Entity insights: mention trends and co-mention networks as PNG charts, what an entity was
quoted as saying (quotes.py), and follows that notify members and channels about new articles
and new quotations (Discord-free)."""

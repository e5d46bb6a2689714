"""Entity insights: mention trends and co-mention networks as PNG charts, and follows that
notify members and channels about new articles (Discord-free)."""

"""A server's whole setup as one JSON file, for backups and for moving servers: its settings,
feeds (with their own options), digests and channel follows. `schema` is the file's format,
`export` writes one from the store, `restore` checks one and writes it into a server."""

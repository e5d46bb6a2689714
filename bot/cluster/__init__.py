"""Running Newsdesk as a cluster on PostgreSQL: shard processes, workers and their leases."""

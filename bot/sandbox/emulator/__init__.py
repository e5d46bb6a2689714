"""The Discord API emulator: server, gateway, REST routes, limits, state and faults."""

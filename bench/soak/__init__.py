"""The soak: a hostile day, measured (issue 16). The real bot on the Discord emulator with a
large analysed archive, well-behaved users issuing a realistic mix of commands while hostile
users send the worst inputs known for each, floods pass the cooldowns, huge articles arrive
through a loopback feed and Discord faults are injected; `python -m bench.soak` (or
`make soak`) prints the figures and writes bench/results/soak.{json,md}."""

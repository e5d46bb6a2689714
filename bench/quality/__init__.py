"""Quality of the NLP core on real news (run `python -m bench.quality`)."""

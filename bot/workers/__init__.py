"""Worker processes for the bot's heavy work (the NLP model, charts): started once, dying with
the process that started them (`lifeline`), giving back the memory each job freed (`heap`),
replaced when they have grown (`pool`). Imports nothing else of the project, so any layer
can keep its heavy work in one of them."""

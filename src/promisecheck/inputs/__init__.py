"""Reading the files: TOML and CSV to a validated model, with located errors."""

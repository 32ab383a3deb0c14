"""One module per command: each turns a request into an outcome."""

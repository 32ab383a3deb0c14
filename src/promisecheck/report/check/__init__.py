"""The check report: its view and one renderer per format."""

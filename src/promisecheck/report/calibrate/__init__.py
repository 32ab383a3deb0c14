"""The calibrate report: its view and one renderer per format."""

"""What a simulation means: probabilities, dates, bottlenecks and loads."""

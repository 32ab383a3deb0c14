"""The schedule engine: calendar, sampled effort and the event-driven simulation."""

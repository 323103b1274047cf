"""求職公開: a job-seeker's opt-in profile as employers see it."""

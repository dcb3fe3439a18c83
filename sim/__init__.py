"""The terminal simulator: talk to the skill by typing, with no AWS account and no device."""

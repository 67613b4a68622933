"""Who may sign in and what is recorded: passwords and sessions, user administration, single sign-on, the audit log."""

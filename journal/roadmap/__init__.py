"""The roadmap: each user's own stages and topics, copied from the default at sign-up."""

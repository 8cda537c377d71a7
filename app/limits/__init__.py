"""Abuse limits: answers and engine CPU-seconds counted per client in the database, and the
training streams a client and a server process may run at once."""

"""`manage.py demo`: the end-to-end demo — setup (logins, mailbox, schedules, partitions, summary) and the
pipeline run (Gong simulator → webhooks over HTTP → a real qcluster worker)."""

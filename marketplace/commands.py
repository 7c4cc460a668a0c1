"""Imports the modules that register further operator commands (reindex, match, export…)."""

import marketplace.backup  # noqa: F401  (backup, verify-backup)
import marketplace.encryption  # noqa: F401  (new-encryption-key)
import marketplace.exports  # noqa: F401  (export)
import marketplace.freshness  # noqa: F401  (expire-listings)
import marketplace.listing_import  # noqa: F401  (import-listings)
import marketplace.mail  # noqa: F401  (send-mail)
import marketplace.mail_notices  # noqa: F401  (send-digests)
import marketplace.meetings  # noqa: F401  (send-meeting-reminders)
import marketplace.saved_searches  # noqa: F401  (send-alerts)
import marketplace.search.rebuild  # noqa: F401  (reindex)
import marketplace.two_step  # noqa: F401  (reencrypt-secrets)

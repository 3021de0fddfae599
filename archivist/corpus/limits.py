"""Caps on what one input may cost (stated in the README); exceeding one is a reject, never a crash
or runaway memory. Module constants so tests can lower them."""

# items (messages, rows, JSON records, pages) read from one file; past it: a reject, the rest unread
MAX_RECORDS_PER_FILE = 1_000_000
# characters of text in one document (body, quoted history, signature, attachment text)
MAX_DOCUMENT_CHARS = 20_000_000
# bytes of a whole-file JSON array or object, decompressed, which must be parsed in memory at once
MAX_WHOLE_JSON_BYTES = 256 * 1024 * 1024

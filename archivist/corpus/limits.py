"""Caps on what one input may cost (stated in the README); exceeding one is a reject, never a crash
or runaway memory. Module constants so tests can lower them.

Every cap is enforced while reading (corpus/budget.py counts as the bytes arrive), so an input
that would blow past one stops there: memory stays bounded by the caps, not by the input."""

# items (messages, rows, JSON records) read from one file; past it: a reject, the rest unread
MAX_RECORDS_PER_FILE = 1_000_000
# characters of text in one document (body, quoted history, signature, attachment text)
MAX_DOCUMENT_CHARS = 20_000_000
# bytes decompressed from one gzip'd input (its messages, rows or records are streamed, so this
# bounds time, not memory)
MAX_DECOMPRESSED_BYTES = 16 * 1024 * 1024 * 1024
# bytes unpacked from one zip-based attachment (docx and the like), all members together
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
# characters of one CSV cell or one line of a CSV or JSON-lines file
MAX_FIELD_CHARS = 20_000_000
# characters of one JSON record (a line, or an element of a whole-file array), parsed at once:
# parsing costs up to ~20 bytes of memory per character ('[[],[],...]'), so this bounds memory
MAX_JSON_RECORD_CHARS = 8_000_000
# arrays and objects inside each other in one JSON record or one XML document
MAX_NESTING = 100

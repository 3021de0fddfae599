"""The wordings of the paraphrase probes (archivist.evals.probes): for each intent, templates in
many phrasings, adversarial ones included ("' OR 1=1 --", control characters). Templates alternate
between the halves: even-numbered ones are 'tune' (looked at while developing), odd ones 'held'.
"""
from __future__ import annotations

MONTHS = "January February March April May June July August September October November December".split()

TEMPLATES: dict[str, list[str]] = {
    "count_sender": [
        "How many emails did {who} send?", "How many messages has {who} written?",
        "Tally of emails sent by {who}", "Count the emails from {who}.",
        "What is the number of emails {who} sent?", "how many mails came from {who}",
        "Total emails authored by {who}?", "Number of messages sent by {who} in the archive",
        "How many e-mails were written by {who}?", "how many emails from {who} are there? ' OR 1=1 --",
        "How many emails did\x07 {who} send?\x00", "{who} sent how many emails?"],
    "count_recipient": [
        "How many emails did {who} receive?", "How many messages were sent to {who}?",
        "Count the emails addressed to {who}.", "Number of emails {who} received",
        "How many emails went to {who}?", "Tally of messages received by {who}",
        "How many emails has {who} gotten?", "Total number of emails to {who}",
        "how many messages did {who} get", "What is the count of e-mails sent to {who}?"],
    "count_sender_month": [
        "How many emails did {who} send in {when}?", "Tally of emails sent by {who} during {when}",
        "Number of messages from {who} in {when}", "In {when}, how many emails did {who} write?",
        "How many emails were sent by {who} in {when}?", "{who} sent how many emails in {when}?",
        "count of messages {who} wrote in {when}", "How many e-mails from {who} are dated {when}?",
        "how many emails has {who} sent in the month of {when}", "What number of emails did {who} author in {when}?"],
    "count_sender_range": [
        "How many emails did {who} send {when}?", "Tally of emails sent by {who} {when}",
        "Number of messages from {who} {when}", "{when}, how many emails did {who} write?",
        "How many emails were sent by {who} {when}?", "Count the messages {who} wrote {when}.",
        "how many mails has {who} sent {when}", "Total e-mails authored by {who} {when}?",
        "What is the number of emails from {who} {when}?", "how many emails did {who} write {when}"],
    "who_sent": [
        'Who sent the email with the subject "{subj}"?', 'Who wrote "{subj}"?',
        "Who was the sender of the message titled {subj}?", 'From whom did the email "{lower}" come?',
        'Who is the author of the email "{subj}" sent on {day}?', "who sent '{subj}'",
        'Which person sent the message with subject line "{subj}"?', 'Sender of "{typo}"?',
        'Who e-mailed "{subj}" on {day_name}?', 'Who sent the email called "{lower}"?'],
    "when_sent": [
        'When was the email "{subj}" sent?', 'What date was "{subj}" sent on?',
        'On which day did {who} send "{subj}"?', 'When did the message titled "{subj}" go out?',
        "what day was '{lower}' sent", 'Date of the email with subject "{subj}"?',
        'When was the message with the subject line "{typo}" written?', 'On what date was "{typo}" sent?',
        'When did {who} write "{lower}"?', 'When was "{subj}" emailed?'],
    "list_sender_day": [
        "List the emails {who} sent on {when}.", "Show me the messages from {who} on {when}",
        "Which emails did {who} send on {when}?", "What emails were sent by {who} on {when}?",
        "Give me the emails from {who} dated {when}", "Find all messages {who} wrote on {when}",
        "list messages from {who} on {when}", "Display the e-mails authored by {who} on {when}",
        "Enumerate the emails {who} sent on {when}", "Please list every email from {who} on {when}."],
}
COUNT_INTENTS = ("count_sender", "count_recipient", "count_sender_month", "count_sender_range")

-- The last time any instance sent an event about a subject to a webhook: instances sharing the database claim the
-- row before sending, so one outage or threshold seen by every instance is delivered once per min_interval.
CREATE TABLE alert_claims (
    webhook TEXT NOT NULL,
    event   TEXT NOT NULL,
    subject TEXT NOT NULL,
    sent_at BIGINT NOT NULL,
    PRIMARY KEY (webhook, event, subject)
);

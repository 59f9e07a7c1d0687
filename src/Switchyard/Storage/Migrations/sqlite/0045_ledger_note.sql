-- What the gateway changed in a request on its way (e.g. hosted tools a converted request left out), for the request log.
ALTER TABLE usage_records ADD COLUMN note TEXT NULL;

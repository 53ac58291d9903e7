-- Background duties (following operations to their end, recording events) are held by one control-plane replica at a
-- time: the holder renews its lease well before it expires; another replica takes a lease that has expired.
CREATE TABLE leases (
    name        VARCHAR(64)  PRIMARY KEY,
    holder      VARCHAR(200) NOT NULL,
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

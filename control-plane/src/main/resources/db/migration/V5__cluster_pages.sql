-- A page of an organization's clusters is read as a query in name order (StoreTransaction#clusters), each on an index
-- that yields its rows in that order from the cursor on, so that a page reads a page's rows, not the organization's.

-- With a region (GET /clusters?region=): a region holding few of the organization's clusters would otherwise make
-- the page walk all the others.
CREATE INDEX clusters_by_region ON clusters (organization, region, name);

-- Without one the primary key (organization, name) would do, and does in PostgreSQL; H2's planner takes the index of
-- the foreign key on organization instead, drops the cursor's condition, then walks every name before the cursor on
-- the primary key. With this index beside it, H2 keeps the cursor's condition (a page after 9,000 clusters read 9,102
-- rows without it, 102 with it).
CREATE INDEX clusters_by_name ON clusters (organization, name);

-- Kubernetes regions registered through the API; the local region is built in and not stored. The kubeconfig is kept
-- as given (its credentials in the clear): it is to be encrypted at rest.
CREATE TABLE regions (
    name        VARCHAR(63)  PRIMARY KEY,
    kind        VARCHAR(16)  NOT NULL CHECK (kind IN ('kubernetes')),
    kubeconfig  VARCHAR      NOT NULL,
    context     VARCHAR(253) NOT NULL,
    namespace   VARCHAR(63)  NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

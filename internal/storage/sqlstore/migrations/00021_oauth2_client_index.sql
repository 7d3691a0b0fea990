-- What a client holds, found by client: deleting an app, or revoking
-- every token issued to it (DELETE /v1/apps/{appId}/tokens), ends its
-- consents and token families without reading the project's others.

-- +goose Up
CREATE INDEX oauth2_consents_by_client ON oauth2_consents (project_id, client_id);
CREATE INDEX oauth2_families_by_client ON oauth2_families (project_id, client_id);

-- +goose Down
DROP INDEX oauth2_families_by_client;
DROP INDEX oauth2_consents_by_client;

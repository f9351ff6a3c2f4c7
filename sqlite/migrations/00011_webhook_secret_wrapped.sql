-- +goose Up
-- Webhook signing secrets are wrapped under the master key like every other secret, the
-- webhook's public id as additional data (sqlite/webhook_secrets.go). secret_wrapped holds the
-- wrapped value and secret is then empty. Rows written before this migration keep their secret
-- in clear with secret_wrapped NULL until the delivery worker next claims, which wraps them.
ALTER TABLE webhooks ADD COLUMN secret_wrapped BLOB;

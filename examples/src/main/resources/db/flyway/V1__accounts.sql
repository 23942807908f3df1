CREATE TABLE fw_accounts (id bigserial PRIMARY KEY, owner text NOT NULL, balance int NOT NULL DEFAULT 0);
INSERT INTO fw_accounts (owner, balance) VALUES ('ann', 100), ('bob', 50);

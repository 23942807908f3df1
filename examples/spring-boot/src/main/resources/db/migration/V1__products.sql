CREATE TABLE product (
    id bigserial PRIMARY KEY,
    name text NOT NULL UNIQUE,
    stock int NOT NULL
);
INSERT INTO product (name, stock) VALUES ('apple', 10), ('apricot', 5), ('banana', 7);

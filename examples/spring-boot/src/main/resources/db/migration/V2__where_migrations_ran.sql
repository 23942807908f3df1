-- Evidence for the example's test: the server that ran the migrations records itself.
CREATE TABLE migration_node AS SELECT inet_server_port() AS port, pg_is_in_recovery() AS standby;

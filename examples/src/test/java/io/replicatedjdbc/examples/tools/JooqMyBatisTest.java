package io.replicatedjdbc.examples.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.table;

import com.zaxxer.hikari.HikariDataSource;
import io.replicatedjdbc.examples.tools.JooqMyBatisExample.ItemMapper;
import io.replicatedjdbc.testing.PostgresCluster;
import io.replicatedjdbc.testing.PostgresClusterExtension;
import java.util.Set;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresClusterExtension.class)
class JooqMyBatisTest {

    @BeforeAll
    static void createTables(PostgresCluster cluster) throws Exception {
        cluster.query(0, "CREATE TABLE IF NOT EXISTS jq_items (id serial PRIMARY KEY, name text NOT NULL)");
        cluster.query(0, "CREATE TABLE IF NOT EXISTS mb_items (id serial PRIMARY KEY, name text NOT NULL)");
        cluster.awaitReplicas();
    }

    @Test
    void jooq_readsFromReplicas_writesAndTransactionsOnThePrimary(PostgresCluster cluster) throws Exception {
        Set<Integer> replicas = Set.of(cluster.port(1), cluster.port(2));
        try (HikariDataSource dataSource = HikariSpringExample.dataSource(cluster.replicatedUrl())) {
            DSLContext jooq = JooqMyBatisExample.jooq(dataSource);
            assertThat(((Number) jooq.fetchValue("SELECT inet_server_port()")).intValue())
                    .isIn(replicas);
            assertThat(jooq.selectCount().from(table("jq_items")).fetchOne(0, Integer.class))
                    .isNotNegative();

            Integer insertPort = jooq.insertInto(table("jq_items"), field("name"))
                    .values("jooq row")
                    .returningResult(field("inet_server_port()", Integer.class))
                    .fetchOne(0, Integer.class);
            assertThat(insertPort).isEqualTo(cluster.port(0));
            assertThat(jooq.fetchCount(table("jq_items"), field("name").eq("jooq row")))
                    .isEqualTo(1);

            Integer transactionPort = jooq.transactionResult(configuration -> {
                DSLContext tx = DSL.using(configuration);
                tx.update(table("jq_items"))
                        .set(field("name"), "jooq row, updated")
                        .where(field("name").eq("jooq row"))
                        .execute();
                return ((Number) tx.fetchValue("SELECT inet_server_port()")).intValue();
            });
            assertThat(transactionPort).isEqualTo(cluster.port(0));
            assertThat(jooq.deleteFrom(table("jq_items"))
                            .where(field("name").eq("jooq row, updated"))
                            .execute())
                    .isEqualTo(1);
        }
        assertThat(cluster.query(0, "SELECT count(*) FROM jq_items WHERE name LIKE 'jooq row%'"))
                .isEqualTo("0");
    }

    @Test
    void myBatis_readsFromReplicas_writesAndTransactionsOnThePrimary(PostgresCluster cluster) throws Exception {
        Set<Integer> replicas = Set.of(cluster.port(1), cluster.port(2));
        try (HikariDataSource dataSource = HikariSpringExample.dataSource(cluster.replicatedUrl())) {
            SqlSessionFactory factory = JooqMyBatisExample.myBatis(dataSource);
            try (SqlSession session = factory.openSession(true)) {
                ItemMapper mapper = session.getMapper(ItemMapper.class);
                assertThat(mapper.serverPort()).isIn(replicas);
                assertThat(mapper.insert("mybatis row")).isEqualTo(1);
                assertThat(mapper.count("mybatis row")).as("read-your-writes").isEqualTo(1);
                assertThat(mapper.serverPort()).isIn(cluster.port(0), cluster.port(1), cluster.port(2));
            }
            try (SqlSession session = factory.openSession(false)) {
                ItemMapper mapper = session.getMapper(ItemMapper.class);
                assertThat(mapper.insert("mybatis transaction")).isEqualTo(1);
                assertThat(mapper.serverPort()).isEqualTo(cluster.port(0));
                session.commit();
            }
        }
        assertThat(cluster.query(0, "SELECT count(*) FROM mb_items WHERE name LIKE 'mybatis%'"))
                .isEqualTo("2");
    }
}

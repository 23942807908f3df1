package io.replicatedjdbc.examples.tools;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.table;

import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * jOOQ and MyBatis over the replicated driver: neither calls {@code setReadOnly}, so routing comes from the SQL
 * alone. Prints the server port that answered each step.
 *
 * <p>Run: {@code JooqMyBatisExample jdbc:replicated:postgresql://primary,replica1,replica2/db?user=...}
 */
public final class JooqMyBatisExample {

    /** An annotated MyBatis mapper. */
    public interface ItemMapper {
        @Select("SELECT inet_server_port()")
        int serverPort();

        @Insert("INSERT INTO mb_items (name) VALUES (#{name})")
        int insert(String name);

        @Select("SELECT count(*) FROM mb_items WHERE name = #{name}")
        int count(String name);
    }

    private JooqMyBatisExample() {}

    public static void main(String[] args) {
        try (HikariDataSource dataSource = HikariSpringExample.dataSource(args[0])) {
            DSLContext jooq = jooq(dataSource);
            jooq.execute("CREATE TABLE IF NOT EXISTS jq_items (id serial PRIMARY KEY, name text NOT NULL)");
            jooq.execute("CREATE TABLE IF NOT EXISTS mb_items (id serial PRIMARY KEY, name text NOT NULL)");
            jooq.insertInto(table("jq_items"), field("name"))
                    .values("from jOOQ")
                    .execute();
            System.out.println("jOOQ read answered by port " + jooq.fetchValue("SELECT inet_server_port()"));
            try (SqlSession session = myBatis(dataSource).openSession(true)) {
                ItemMapper mapper = session.getMapper(ItemMapper.class);
                mapper.insert("from MyBatis");
                System.out.println("MyBatis read answered by port " + mapper.serverPort());
            }
        }
    }

    public static DSLContext jooq(DataSource dataSource) {
        return DSL.using(dataSource, SQLDialect.POSTGRES);
    }

    public static SqlSessionFactory myBatis(DataSource dataSource) {
        Configuration configuration =
                new Configuration(new Environment("replicated", new JdbcTransactionFactory(), dataSource));
        configuration.addMapper(ItemMapper.class);
        return new SqlSessionFactoryBuilder().build(configuration);
    }
}

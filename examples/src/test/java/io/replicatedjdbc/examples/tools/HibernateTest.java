package io.replicatedjdbc.examples.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.replicatedjdbc.examples.tools.HibernateExample.Book;
import io.replicatedjdbc.testing.PostgresCluster;
import io.replicatedjdbc.testing.PostgresClusterExtension;
import jakarta.persistence.EntityManager;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresClusterExtension.class)
class HibernateTest {

    private static int serverPort(EntityManager em) {
        return ((Number) em.createNativeQuery("SELECT inet_server_port()").getSingleResult()).intValue();
    }

    @Test
    void schemaGeneration_persistMergeRemove_findAndQueries_readOnlyTransactionOnAReplica(PostgresCluster cluster)
            throws Exception {
        Set<Integer> replicas = Set.of(cluster.port(1), cluster.port(2));
        try (HikariDataSource dataSource =
                        HikariSpringExample.dataSource(cluster.replicatedUrl("readYourWritesWindow=1s"));
                SessionFactory factory = HibernateExample.sessionFactory(dataSource)) {
            // Schema generation ran on the primary: the table is there, and replicated.
            assertThat(cluster.query(0, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'book'"))
                    .isEqualTo("1");

            EntityManager em = factory.createEntityManager();
            em.getTransaction().begin();
            Book book = new Book("Streaming replication");
            em.persist(book);
            assertThat(serverPort(em)).as("inside the read-write transaction").isEqualTo(cluster.port(0));
            em.getTransaction().commit();
            assertThat(em.find(Book.class, book.id)).isSameAs(book);
            em.close();

            EntityManager fresh = factory.createEntityManager();
            assertThat(fresh.find(Book.class, book.id).title)
                    .as("found right after persist, in a new EntityManager")
                    .isEqualTo("Streaming replication");
            assertThat(fresh.createQuery("select b from Book b where b.title like :t", Book.class)
                            .setParameter("t", "Stream%")
                            .getResultList())
                    .hasSize(1);
            fresh.getTransaction().begin();
            Book managed = fresh.find(Book.class, book.id);
            managed.title = "Streaming replication, 2nd edition";
            fresh.merge(managed);
            fresh.getTransaction().commit();
            fresh.close();
            assertThat(cluster.query(0, "SELECT title FROM book WHERE id = " + book.id))
                    .isEqualTo("Streaming replication, 2nd edition");

            cluster.awaitReplicas();
            // Once the pooled connections' read-your-writes window has passed, a read-only transaction (as
            // @Transactional(readOnly = true) runs it) goes to a replica.
            Thread.sleep(1_200);
            List<Object> readOnly = CompletableFuture.supplyAsync(() -> {
                        EntityManager reader = factory.createEntityManager();
                        try {
                            reader.unwrap(Session.class).doWork(connection -> connection.setReadOnly(true));
                            reader.getTransaction().begin();
                            Object title = reader.createQuery(
                                            "select b.title from Book b where b.id = :id", String.class)
                                    .setParameter("id", book.id)
                                    .getSingleResult();
                            int port = serverPort(reader);
                            reader.getTransaction().commit();
                            reader.unwrap(Session.class).doWork(connection -> connection.setReadOnly(false));
                            return List.of(title, port);
                        } finally {
                            reader.close();
                        }
                    })
                    .get();
            assertThat(readOnly.get(0)).isEqualTo("Streaming replication, 2nd edition");
            assertThat((Integer) readOnly.get(1)).isIn(replicas);

            EntityManager remover = factory.createEntityManager();
            remover.getTransaction().begin();
            remover.remove(remover.find(Book.class, book.id));
            remover.getTransaction().commit();
            remover.close();
            assertThat(cluster.query(0, "SELECT count(*) FROM book")).isEqualTo("0");
        }
    }
}
